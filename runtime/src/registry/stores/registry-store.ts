/** What a registry store read: the bytes, and a token that changes whenever they do. */
export interface RegistrySnapshot {
  bytes: Uint8Array;
  /** Opaque; passed back to `write` for compare-and-swap. */
  token: string;
}

/**
 * Where `registry.db` lives: a local file, an object in S3 or GCS. A store moves bytes and does
 * compare-and-swap; it knows nothing of protobuf.
 */
export interface RegistryStore {
  /** Where the registry is, for messages (never with credentials). */
  readonly location: string;
  /** The current registry, or null when none has been written yet. */
  read(): Promise<RegistrySnapshot | null>;
  /**
   * Writes `bytes` atomically if the registry is still as `expected` describes (null: still
   * absent). Returns false, writing nothing, when someone else wrote in between.
   */
  write(bytes: Uint8Array, expected: string | null): Promise<boolean>;
  /** Removes the registry (for `teardown`); a missing registry is not an error. */
  remove(): Promise<void>;
}
