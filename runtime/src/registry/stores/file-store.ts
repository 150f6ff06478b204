import { createHash, randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { withFileLock } from "./file-lock";
import type { RegistrySnapshot, RegistryStore } from "./registry-store";

/**
 * registry.db on a local (or mounted) file system. Writes go to a temporary file that is fsynced
 * and renamed over the registry, so readers see the old or the new registry, never half of one.
 */
export class FileRegistryStore implements RegistryStore {
  readonly location: string;
  /** The writers' lock: a SQLite file beside the registry that stays there (see `withFileLock`). */
  readonly lockPath: string;

  constructor(readonly filePath: string, private readonly lockTimeoutMs = 30_000) {
    this.location = filePath;
    this.lockPath = `${filePath}.lock.sqlite`;
  }

  async read(): Promise<RegistrySnapshot | null> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(this.filePath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
    return { bytes, token: digest(bytes) };
  }

  async write(bytes: Uint8Array, expected: string | null): Promise<boolean> {
    const dir = path.dirname(this.filePath);
    await fs.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${path.basename(this.filePath)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    await writeDurably(temp, bytes);
    try {
      return await withFileLock(this.lockPath, this.lockTimeoutMs, async () => {
        const current = await this.read();
        if ((current?.token ?? null) !== expected) return false;
        await fs.rename(temp, this.filePath);
        await syncDirectory(dir);
        return true;
      });
    } finally {
      await fs.rm(temp, { force: true });
    }
  }

  async remove(): Promise<void> {
    await fs.rm(this.filePath, { force: true });
  }
}

function digest(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function writeDurably(file: string, bytes: Uint8Array): Promise<void> {
  const handle = await fs.open(file, "w", 0o644);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await fs.open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // not every platform lets a directory be fsynced; the rename is still atomic
  }
}
