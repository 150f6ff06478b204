import { RegistryConflictError, RegistryNotFoundError } from "../errors";
import { decodeRegistry, encodeRegistry } from "./integrity";
import type { RegistryHistory } from "./history/registry-history";
import { RegistryModel } from "./model";
import type { RegistryStore } from "./stores/registry-store";

export interface UpdateOptions {
  /** Compare-and-swap attempts before giving up (default 200). */
  maxAttempts?: number;
}

/** A loaded registry and the store token it was read at. */
export interface LoadedRegistry {
  model: RegistryModel;
  token: string | null;
  /** The bytes as stored (absent when no registry exists yet). */
  bytes?: Uint8Array;
}

/**
 * The registry of one store: load it, or change it with optimistic concurrency. `update` reads,
 * applies the mutation, and writes only if nobody wrote meanwhile; otherwise it re-reads and
 * applies the mutation again, so concurrent writers never lose each other's changes.
 */
export class Registry {
  /** `history`, when given, keeps every version this registry writes (see registry/history). */
  constructor(readonly store: RegistryStore, readonly history?: RegistryHistory) {}

  get location(): string {
    return this.store.location;
  }

  /** The current registry; an empty one when none exists yet. Damaged files throw RegistryCorruptError. */
  async load(): Promise<RegistryModel> {
    return (await this.read()).model;
  }

  /**
   * The current registry, which must exist: reading features from a registry nobody wrote means a
   * wrong path, not an empty store (plan and apply use {@link read}, where absent means empty).
   */
  async readExisting(): Promise<LoadedRegistry> {
    const snapshot = await this.store.read();
    if (!snapshot) throw new RegistryNotFoundError(this.location);
    return this.decode(snapshot);
  }

  /** Decodes a snapshot read from the store (RegistryCorruptError when damaged). */
  decode(snapshot: { bytes: Uint8Array; token: string }): LoadedRegistry {
    return { model: new RegistryModel(decodeRegistry(snapshot.bytes, this.location)), token: snapshot.token, bytes: snapshot.bytes };
  }

  async read(): Promise<LoadedRegistry> {
    const snapshot = await this.store.read();
    if (!snapshot) return { model: new RegistryModel(), token: null };
    return this.decode(snapshot);
  }

  /**
   * Applies `mutate` to the latest registry and writes it. `mutate` may run more than once (after a
   * conflict), each time on a fresh copy, so it must only change the model it is given. Returning
   * `false` from it skips the write.
   */
  async update<T>(mutate: (model: RegistryModel) => T | Promise<T>, options: UpdateOptions = {}): Promise<T> {
    const maxAttempts = options.maxAttempts ?? 200;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const { model, token } = await this.read();
      const result = await mutate(model);
      if ((result as unknown) === false) return result;
      model.stamp();
      const bytes = encodeRegistry(model.proto);
      if (await this.store.write(bytes, token)) {
        await this.history?.record(model.proto.version_id!, bytes);
        return result;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, attempt * 5)));
    }
    throw new RegistryConflictError(this.location, maxAttempts);
  }
}
