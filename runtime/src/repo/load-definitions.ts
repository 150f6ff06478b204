import { promises as fs } from "node:fs";
import * as path from "node:path";
import { collectDefinitions, type Definitions } from "../registry/compile";
import { DefinitionError, RepoLoadError, SkewlessError } from "../errors";
import { IgnorePatterns } from "./ignore-file";
import { requirePeer } from "../peer";

/** Folders never scanned for definitions (Feast skips the same kind of thing). */
const SKIPPED_DIRS = new Set(["node_modules", "data", "dist", "build", "coverage"]);
const MODULE_EXTENSIONS = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"];

export interface LoadedDefinitions {
  definitions: Definitions;
  /** The modules scanned, relative to the repo. */
  files: string[];
}

/**
 * Imports every TypeScript/JavaScript module of a feature repo (outside node_modules, data and
 * dot-folders; `*.d.ts`, `*.test.*` and `*.spec.*` skipped; paths matched by `.feastignore` or
 * `.skewlessignore` skipped) and collects the definitions they export.
 * TypeScript is compiled on the fly; `@skewless/runtime` resolves to this very package, so repos
 * need no build step and no install of their own.
 */
export async function loadDefinitions(repoPath: string): Promise<LoadedDefinitions> {
  const root = path.resolve(repoPath);
  const files = await findModules(root, root, await IgnorePatterns.read(root));
  const { createJiti } = requirePeer<typeof import("jiti")>("jiti", "loading the feature repo's TypeScript definitions");
  const jiti = createJiti(path.join(root, "__skewless_loader__.js"), {
    alias: { "@skewless/runtime": RUNTIME_ENTRY },
    fsCache: false,
    moduleCache: false,
    interopDefault: true,
  });
  const values: unknown[] = [];
  for (const file of files) {
    let exports: unknown;
    try {
      exports = await jiti.import(file);
    } catch (e) {
      const relative = path.relative(root, file);
      if (e instanceof DefinitionError) throw new DefinitionError(`${relative}: ${e.message}`, e.hint);
      if (e instanceof SkewlessError) throw e;
      throw new RepoLoadError(`cannot load ${relative}: ${(e as Error)?.message ?? e}`, "fix the module so it runs with plain Node.js", e);
    }
    values.push(...exportedValues(exports));
  }
  return { definitions: collectDefinitions(values), files: files.map((f) => path.relative(root, f)) };
}

/** The module that definitions import as `@skewless/runtime`: this package's own entry point. */
const RUNTIME_ENTRY = path.resolve(__dirname, "..", "index");

function exportedValues(exports: unknown): unknown[] {
  if (typeof exports !== "object" || exports === null) return [];
  const values = Object.values(exports as Record<string, unknown>);
  const fallback = (exports as { default?: unknown }).default;
  if (fallback && typeof fallback === "object" && !Array.isArray(fallback)) values.push(...Object.values(fallback));
  return values.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

async function findModules(root: string, dir: string, ignore: IgnorePatterns): Promise<string[]> {
  const out: string[] = [];
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (ignore.ignores(path.relative(root, full).split(path.sep).join("/"))) continue;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...(await findModules(root, full, ignore)));
    } else if (entry.isFile() && isDefinitionModule(entry.name)) {
      out.push(full);
    }
  }
  return out;
}

function isDefinitionModule(name: string): boolean {
  if (!MODULE_EXTENSIONS.includes(path.extname(name))) return false;
  if (/\.d\.[mc]?ts$/.test(name) || /\.(test|spec)\.[mc]?[jt]s$/.test(name)) return false;
  return !/^(vitest|vite|jest|eslint|prettier)\.config\./.test(name);
}
