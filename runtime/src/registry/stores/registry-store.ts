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

/**
 * A store whose backend keeps earlier versions of the registry object (S3 bucket versioning, GCS
 * object versioning): the registry history of object-store registries.
 */
export interface VersionedRegistryStore extends RegistryStore {
  /** The object's versions (S3 VersionId, GCS generation), newest first; just the current one without versioning. */
  listVersions(): Promise<string[]>;
  /** The bytes of one version, or null when it no longer exists. */
  readVersion(version: string): Promise<Uint8Array | null>;
}

export function isVersionedStore(store: RegistryStore): store is VersionedRegistryStore {
  return typeof (store as Partial<VersionedRegistryStore>).listVersions === "function";
}
