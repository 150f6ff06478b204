import { createHash } from "node:crypto";
import { createReadStream, promises as fs } from "node:fs";
import * as path from "node:path";

/**
 * Which version of a source's data a training set read. Local files: size, mtime and a SHA-256:
 * of the whole file up to `FULL_HASH_LIMIT`, of the parquet footer beyond (the footer holds every
 * row group's offsets, sizes and statistics, so any rewrite changes it, and it costs one small
 * read instead of a pass over gigabytes). Folders: one entry per parquet file, in name order.
 */
export interface SourceVersion {
  /** `local` when Skewless could read the data's version; `unversioned` otherwise (see `note`). */
  kind: "local" | "unversioned";
  uri: string;
  files?: FileVersion[];
  /** What `--verify` compares: a single file's hash, or one hash over a folder's file hashes. */
  sha256?: string;
  note?: string;
}

export interface FileVersion {
  /** Relative to the source's folder (the file's own name for a single file). */
  path: string;
  size: number;
  mtime: string;
  sha256: string;
  /** What was hashed: the whole file, or the parquet footer (large files). */
  hashOf: "file" | "parquet-footer";
}

/** Files larger than this are identified by their parquet footer instead of their whole contents. */
export const FULL_HASH_LIMIT = 64 * 2 ** 20;

/** The version of the data at `uri` (an absolute path, or a URI Skewless does not version yet). */
export async function sourceVersion(uri: string): Promise<SourceVersion> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !/^file:\/\//i.test(uri)) {
    // The DuckDB offline store reads local files; S3/GCS sources would be versioned by the
    // object's VersionId/ETag or generation, which needs the object clients wired in here.
    return { kind: "unversioned", uri, note: "remote sources are not versioned by Skewless yet (local files only)" };
  }
  const location = uri.replace(/^file:\/\//i, "");
  if (/[*?[]/.test(location)) return { kind: "unversioned", uri, note: "a glob pattern: its files are not versioned one by one" };
  const stat = await fs.stat(location).catch(() => undefined);
  if (!stat) return { kind: "unversioned", uri, note: "missing: the file does not exist" };
  const files = stat.isDirectory()
    ? await Promise.all((await parquetFiles(location)).map((f) => fileVersion(path.join(location, f), f)))
    : [await fileVersion(location, path.basename(location))];
  if (!stat.isDirectory()) return { kind: "local", uri, files, sha256: files[0].sha256 };
  const combined = createHash("sha256");
  for (const f of files) combined.update(`${f.path}\0${f.size}\0${f.hashOf}\0${f.sha256}\n`);
  return { kind: "local", uri, files, sha256: combined.digest("hex") };
}

/** Whether two versions of a source are the same data (by hash; mtimes are informational). */
export function sameVersion(a: SourceVersion, b: SourceVersion): boolean {
  return a.kind === "local" && b.kind === "local" && a.sha256 === b.sha256;
}

async function fileVersion(file: string, name: string): Promise<FileVersion> {
  const stat = await fs.stat(file);
  const large = stat.size > FULL_HASH_LIMIT && /\.parquet$/i.test(file);
  return {
    path: name,
    size: stat.size,
    mtime: stat.mtime.toISOString(),
    sha256: large ? await footerHash(file, stat.size) : await fileSha256(file),
    hashOf: large ? "parquet-footer" : "file",
  };
}

/** SHA-256 of a file's bytes, streamed. */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** SHA-256 of the parquet footer: the metadata block, its length and the closing magic. */
async function footerHash(file: string, size: number): Promise<string> {
  const handle = await fs.open(file, "r");
  try {
    const tail = Buffer.alloc(8);
    await handle.read(tail, 0, 8, size - 8);
    const footerLength = tail.readUInt32LE(0);
    if (tail.toString("latin1", 4) !== "PAR1" || footerLength + 8 > size) return await fileSha256(file);
    const footer = Buffer.alloc(footerLength + 8);
    await handle.read(footer, 0, footer.length, size - footer.length);
    return createHash("sha256").update(footer).digest("hex");
  } finally {
    await handle.close();
  }
}

async function parquetFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await fs.readdir(path.join(dir, prefix), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await parquetFiles(dir, rel)));
    else if (/\.parquet$/i.test(entry.name)) out.push(rel);
  }
  return out;
}
