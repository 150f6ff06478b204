import { createHash, randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BackendError, InvalidArgumentError } from "../../errors";
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
      throw this.failure("reading", e);
    }
    return { bytes, token: digest(bytes) };
  }

  async write(bytes: Uint8Array, expected: string | null): Promise<boolean> {
    const dir = path.dirname(this.filePath);
    try {
      await fs.mkdir(dir, { recursive: true });
      await removeLeftovers(dir, path.basename(this.filePath));
      const temp = path.join(dir, `${tempPrefix(path.basename(this.filePath))}${os.hostname()}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
      try {
        await writeDurably(temp, bytes);
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
    } catch (e) {
      throw this.failure("writing", e);
    }
  }

  async remove(): Promise<void> {
    await fs.rm(this.filePath, { force: true }).catch((e: unknown) => {
      throw this.failure("removing", e);
    });
  }

  /** A file system error as one naming the registry file (a full disk or a read-only mount says only "ENOSPC"). */
  private failure(action: string, e: unknown): unknown {
    if (e instanceof BackendError || e instanceof InvalidArgumentError) return e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EISDIR") {
      return new InvalidArgumentError(`registry ${this.filePath} is a directory, not a file`,
        `point the registry path at a file, e.g. ${path.join(this.filePath, "registry.db")}`);
    }
    const hints: Record<string, string> = {
      ENOSPC: "the disk is full: free space, or move the registry", EDQUOT: "the disk quota is used up: free space, or move the registry",
      EROFS: "the file system is read-only: mount it read-write, or move the registry", EACCES: "check the permissions of the file and its folder",
      EPERM: "check the permissions of the file and its folder", ENOTDIR: "a part of the path is a file, not a folder",
    };
    return new BackendError("registry", `${action} ${this.filePath}`, e, code ? hints[code] : undefined);
  }
}

/** Temporary files of a registry write: `.<name>.<host>.<pid>.<random>.tmp`, beside the registry. */
function tempPrefix(base: string): string {
  return `.${base}.`;
}

/** A temporary file this old is a leftover whatever wrote it (a write takes well under a second). */
const LEFTOVER_AFTER_MS = 60 * 60_000;

/**
 * Removes temporary files a killed writer left beside the registry: those of a process on this
 * host that no longer runs, and any older than an hour (another host's, or an older Skewless's,
 * named without a host). A live writer's file is never touched.
 */
async function removeLeftovers(dir: string, base: string): Promise<void> {
  const prefix = tempPrefix(base);
  const names = (await fs.readdir(dir)).filter((n) => n.startsWith(prefix) && n.endsWith(".tmp"));
  for (const name of names) {
    const match = /^(?:(.+)\.)?(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
    if (!match) continue;
    const [, host, pid] = match;
    let stale = host === os.hostname() && !isAlive(Number(pid));
    if (!stale) {
      const stat = await fs.stat(path.join(dir, name)).catch(() => undefined);
      stale = stat !== undefined && Date.now() - stat.mtimeMs > LEFTOVER_AFTER_MS;
    }
    if (stale) await fs.rm(path.join(dir, name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
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
