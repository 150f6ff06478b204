import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const RUNTIME_DIR = path.resolve(__dirname, "..", "..", "runtime");
const REPO_MODULES = path.resolve(__dirname, "..", "..", "node_modules");

/** Packs the runtime as it would be published; returns the tarball's path. */
export async function packRuntime(dest: string): Promise<string> {
  const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", dest], { cwd: RUNTIME_DIR });
  return path.join(dest, stdout.trim().split("\n").pop()!);
}

/**
 * An app in `appDir` that installs the packed runtime plus one store client, without the optional
 * peers (`--omit=optional --omit=peer`), from the local npm cache when it can (`--prefer-offline`).
 * Install scripts are skipped: better-sqlite3 would compile for minutes here, so its binding is
 * copied from this repo's build (it stands in for the prebuilt binary an install downloads, and
 * counts towards the size).
 */
export async function installApp(appDir: string, tarball: string, client: "ioredis" | "better-sqlite3"): Promise<void> {
  mkdirSync(appDir, { recursive: true });
  writeFileSync(path.join(appDir, "package.json"), JSON.stringify({ name: "footprint-app", version: "1.0.0", private: true }));
  const version = (JSON.parse(readFileSync(path.join(RUNTIME_DIR, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies[client];
  await run("npm", [
    "install", "--prefer-offline", "--no-audit", "--no-fund", "--omit=optional", "--omit=peer", "--ignore-scripts",
    tarball, `${client}@${version}`,
  ], { cwd: appDir, timeout: 300_000 });
  if (client === "better-sqlite3") {
    const binding = path.join("better-sqlite3", "build", "Release", "better_sqlite3.node");
    mkdirSync(path.dirname(path.join(appDir, "node_modules", binding)), { recursive: true });
    copyFileSync(path.join(REPO_MODULES, binding), path.join(appDir, "node_modules", binding));
  }
}

/** Bytes of every file under `dir` (apparent size, symlinks not followed). */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

/** The packages installed under `modules` (scoped ones as `@scope/name`). */
export function installedPackages(modules: string): string[] {
  const names: string[] = [];
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith(".")) continue;
    if (entry.startsWith("@")) names.push(...readdirSync(path.join(modules, entry)).map((n) => `${entry}/${n}`));
    else names.push(entry);
  }
  return names.sort();
}
