import { promises as fs } from "node:fs";
import * as os from "node:os";

/** A lock held longer than this is taken to belong to a crashed process. */
const STALE_AFTER_MS = 30_000;

/**
 * A cross-process lock: a file created with O_EXCL beside the protected file. It guards only the
 * short compare-and-rename step of a registry write, so waits are brief.
 */
export async function withFileLock<T>(lockPath: string, timeoutMs: number, action: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const owner = `${os.hostname()} ${process.pid}`;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await fs.open(lockPath, "wx");
      try {
        await handle.writeFile(owner);
      } finally {
        await handle.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      if (await breakIfStale(lockPath)) continue;
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for lock ${lockPath} (held by ${await holder(lockPath)})`);
      }
      await sleep(Math.min(50, 2 + attempt) * (0.5 + Math.random()));
    }
  }
  try {
    return await action();
  } finally {
    await fs.rm(lockPath, { force: true });
  }
}

async function holder(lockPath: string): Promise<string> {
  return fs.readFile(lockPath, "utf8").catch(() => "unknown");
}

/** Removes a lock whose owner is gone (same host, dead pid) or that is older than STALE_AFTER_MS. */
async function breakIfStale(lockPath: string): Promise<boolean> {
  let stat;
  try {
    stat = await fs.stat(lockPath);
  } catch {
    return true;   // released meanwhile
  }
  const [host, pid] = (await holder(lockPath)).split(" ");
  const ownerDead = host === os.hostname() && pid !== undefined && !isAlive(Number(pid));
  if (!ownerDead && Date.now() - stat.mtimeMs < STALE_AFTER_MS) return false;
  // Rename first so two processes breaking the same stale lock cannot delete a fresh one.
  const grave = `${lockPath}.stale-${process.pid}-${Date.now()}`;
  try {
    await fs.rename(lockPath, grave);
    await fs.rm(grave, { force: true });
  } catch {
    // someone else broke or released it
  }
  return true;
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
