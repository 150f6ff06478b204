import { decodeRegistry } from "../integrity";
import type { VersionedRegistryStore } from "../stores/registry-store";
import type { RegistryHistory } from "./registry-history";

/**
 * The history of a registry in S3 or GCS: the bucket's versioning keeps every object version, so
 * nothing is recorded here; loading a `version_id` reads the object's versions, newest first, until
 * one holds that registry version. Retention is the bucket's lifecycle rules'.
 */
export class ObjectRegistryHistory implements RegistryHistory {
  readonly location: string;
  /** version_id -> object version, for versions already read. */
  private readonly known = new Map<string, string>();

  constructor(private readonly store: VersionedRegistryStore) {
    this.location = `${store.location} (bucket versioning)`;
  }

  async record(): Promise<void> {
    // The bucket keeps the version already.
  }

  async load(versionId: string): Promise<Uint8Array | null> {
    const cached = this.known.get(versionId);
    if (cached) {
      const bytes = await this.store.readVersion(cached);
      if (bytes) return bytes;
    }
    for (const objectVersion of await this.store.listVersions()) {
      const bytes = await this.store.readVersion(objectVersion);
      if (!bytes) continue;
      const id = versionIdOf(bytes, this.store.location);
      if (id) this.known.set(id, objectVersion);
      if (id === versionId) return bytes;
    }
    return null;
  }

  async list(): Promise<{ versionId: string; recordedAt: Date }[]> {
    const out: { versionId: string; recordedAt: Date }[] = [];
    for (const objectVersion of await this.store.listVersions()) {
      const bytes = await this.store.readVersion(objectVersion);
      const registry = bytes && safeDecode(bytes, this.store.location);
      if (registry?.version_id) {
        const seconds = Number(registry.last_updated?.seconds ?? 0n);
        out.push({ versionId: registry.version_id, recordedAt: new Date(seconds * 1000) });
      }
    }
    return out;
  }
}

function versionIdOf(bytes: Uint8Array, location: string): string | undefined {
  return safeDecode(bytes, location)?.version_id;
}

/** A damaged old version is skipped, not fatal: the one asked for may be intact. */
function safeDecode(bytes: Uint8Array, location: string) {
  try {
    return decodeRegistry(bytes, location);
  } catch {
    return undefined;
  }
}
