import { mkdirSync } from "node:fs";
import * as path from "node:path";
import type Database from "better-sqlite3";
import { BackendError } from "../../errors";
import { requirePeer } from "../../peer";

/**
 * Per lock file, the tail of this process's queue of holders: one writer at a time per process
 * contends for the file lock (SQLite's locks are per process, and a blocked connection would block
 * the event loop the holder needs to finish).
 */
const queues = new Map<string, Promise<unknown>>();

/**
 * A cross-process lock held by the kernel: an exclusive transaction on a small SQLite file beside
 * the protected file (SQLite locks with `fcntl`, no child process). A writer that dies loses its
 * lock with its process, so there is never a stale lock to break, and nothing can take a lock
 * away from a live holder (breaking a lock file by name is what lost writes when several writers
 * broke the same stale one at once). The file stays in place: removing or renaming it would let
 * two writers lock two different files. It guards only the short compare-and-rename step of a
 * registry write, so waits are brief.
 */
export async function withFileLock<T>(lockPath: string, timeoutMs: number, action: () => Promise<T>): Promise<T> {
  const key = path.resolve(lockPath);
  const previous = queues.get(key) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(async () => {
    const db = await acquire(key, timeoutMs);
    try {
      return await action();
    } finally {
      release(db);
    }
  });
  const tail = mine.catch(() => undefined);
  queues.set(key, tail);
  try {
    return await mine;
  } finally {
    if (queues.get(key) === tail) queues.delete(key);
  }
}

async function acquire(lockPath: string, timeoutMs: number): Promise<Database.Database> {
  const deadline = Date.now() + timeoutMs;
  let db: Database.Database;
  // Loaded on the first write: readers of a local registry never need it.
  const Sqlite = requirePeer<typeof Database>("better-sqlite3", `locking the registry (${lockPath})`);
  try {
    mkdirSync(path.dirname(lockPath), { recursive: true });
    db = new Sqlite(lockPath, { timeout: 0 });
  } catch (e) {
    throw new BackendError("registry lock", `opening the lock file ${lockPath}`, e, "check that the registry's folder is writable");
  }
  for (let attempt = 0; ; attempt++) {
    try {
      db.exec("BEGIN EXCLUSIVE");
      return db;
    } catch (e) {
      if ((e as { code?: string }).code !== "SQLITE_BUSY") {
        db.close();
        throw new BackendError("registry lock", `locking ${lockPath}`, e, "the lock file must be a SQLite file Skewless created; remove it only when no writer runs");
      }
      if (Date.now() > deadline) {
        db.close();
        throw new BackendError("registry lock", `waiting ${timeoutMs} ms for ${lockPath}`, "another writer holds the lock", "retry when the other apply or materialization is done");
      }
      await sleep(Math.min(50, 2 + attempt) * (0.5 + Math.random()));
    }
  }
}

function release(db: Database.Database): void {
  try {
    db.exec("COMMIT");
  } finally {
    db.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
