import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { RegistryConfig } from "../../config";
import { InvalidArgumentError } from "../../errors";
import { isVersionedStore, type RegistryStore } from "../stores/registry-store";
import { ObjectRegistryHistory } from "./object-history";

/**
 * Earlier registries, by `version_id`, so a training set's manifest can name the registry it was
 * built from and that registry can be loaded again after later applies.
 */
export interface RegistryHistory {
  /** Where the history is kept, for messages. */
  readonly location: string;
  /** Keeps `bytes` as registry version `versionId` (idempotent), then drops versions past the retention. */
  record(versionId: string, bytes: Uint8Array): Promise<void>;
  /** The bytes of registry version `versionId`, or null when the history no longer has it. */
  load(versionId: string): Promise<Uint8Array | null>;
  /** Kept versions, newest first. */
  list(): Promise<{ versionId: string; recordedAt: Date }[]>;
}

/** Versions kept when feature_store.yaml does not say (`registry: { history: { keep: N } }`). */
export const DEFAULT_HISTORY_KEEP = 50;

const VERSION_ID = /^[A-Za-z0-9_.-]+$/;

/**
 * A local registry's history: `registry-history/<version_id>.db` beside the registry file, each a
 * byte copy of the registry as written. Keeps the newest `keep` versions (by when they were recorded).
 */
export class LocalRegistryHistory implements RegistryHistory {
  readonly location: string;

  constructor(registryPath: string, private readonly keep = DEFAULT_HISTORY_KEEP) {
    this.location = path.join(path.dirname(registryPath), "registry-history");
  }

  async record(versionId: string, bytes: Uint8Array): Promise<void> {
    const file = this.file(versionId);
    if (await exists(file)) return;
    await fs.mkdir(this.location, { recursive: true });
    // Write under a temporary name first: a reader never sees half a registry version.
    const partial = `${file}.${process.pid}.partial`;
    await fs.writeFile(partial, bytes);
    await fs.rename(partial, file);
    await this.prune();
  }

  async load(versionId: string): Promise<Uint8Array | null> {
    try {
      return await fs.readFile(this.file(versionId));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
  }

  async list(): Promise<{ versionId: string; recordedAt: Date }[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.location);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
    const versions = await Promise.all(names.filter((n) => n.endsWith(".db")).map(async (name) => {
      const stat = await fs.stat(path.join(this.location, name)).catch(() => undefined);
      return stat && { versionId: name.slice(0, -3), recordedAt: stat.mtime };
    }));
    return versions.filter((v) => v !== undefined).sort((a, b) => b.recordedAt.getTime() - a.recordedAt.getTime());
  }

  private async prune(): Promise<void> {
    const versions = await this.list();
    for (const old of versions.slice(this.keep)) await fs.rm(this.file(old.versionId), { force: true });
  }

  private file(versionId: string): string {
    if (!VERSION_ID.test(versionId)) throw new InvalidArgumentError(`registry version ${JSON.stringify(versionId)} is not a version id`, "registry version ids are UUIDs, as Feast writes them");
    return path.join(this.location, `${versionId}.db`);
  }
}

/**
 * The history for a `registry:` setting and its store: the bucket's versions for S3 and GCS, a
 * `registry-history/` folder for a local file; undefined with `keep: 0`.
 */
export function openRegistryHistory(config: RegistryConfig, store: RegistryStore): RegistryHistory | undefined {
  const keep = config.historyKeep ?? DEFAULT_HISTORY_KEEP;
  if (keep === 0) return undefined;
  if (isVersionedStore(store)) return new ObjectRegistryHistory(store);
  return new LocalRegistryHistory(config.path.replace(/^file:\/\//i, ""), keep);
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}
