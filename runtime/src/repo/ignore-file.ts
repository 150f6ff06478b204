import { promises as fs } from "node:fs";
import * as path from "node:path";

/**
 * The ignore files a feature repo may hold at its root, read in this order. `.feastignore` is
 * Feast's, so a repo shared with a Python team skips the same scripts under both tools;
 * `.skewlessignore` is for what only Skewless should skip.
 */
export const IGNORE_FILES = [".feastignore", ".skewlessignore"];

/**
 * Which paths of a repo are ignored, with Feast's semantics: each non-empty line (after removing
 * a `#` comment) is a glob relative to the repo root (`*` and `?` within one path segment, `**`
 * for any number of folders, `[...]` for a character class). A pattern that names a folder
 * ignores everything under it. As in Feast, there is no negation and no implicit leading `**`:
 * `foo.ts` ignores only the root's `foo.ts`.
 */
export class IgnorePatterns {
  private constructor(private readonly regexes: RegExp[]) {}

  /** Reads the repo's ignore files; none present means nothing is ignored. */
  static async read(root: string): Promise<IgnorePatterns> {
    const lines: string[] = [];
    for (const name of IGNORE_FILES) {
      const text = await fs.readFile(path.join(root, name), "utf8").catch((e: NodeJS.ErrnoException) => {
        if (e.code === "ENOENT") return "";
        throw e;
      });
      lines.push(...text.split(/\r?\n/));
    }
    return IgnorePatterns.parse(lines);
  }

  static parse(lines: string[]): IgnorePatterns {
    const patterns = lines.map((line) => line.replace(/#.*/, "").trim()).filter((line) => line.length > 0);
    return new IgnorePatterns(patterns.map(globToRegExp));
  }

  /** True when `relativePath` (with `/` separators), or a folder above it, matches a pattern. */
  ignores(relativePath: string): boolean {
    if (this.regexes.length === 0) return false;
    const segments = relativePath.split("/");
    for (let end = 1; end <= segments.length; end++) {
      const prefix = segments.slice(0, end).join("/");
      if (this.regexes.some((re) => re.test(prefix))) return true;
    }
    return false;
  }
}

/** A glob over `/`-separated paths as one anchored regular expression. */
function globToRegExp(pattern: string): RegExp {
  const segments = pattern.replace(/^\.\/+/, "").replace(/\/+$/, "").split("/").filter((s) => s.length > 0);
  let source = "";
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === "**") {
      // Zero or more whole folders; at the end, anything below.
      source += last ? ".*" : "(?:[^/]+/)*";
      return;
    }
    source += segmentToRegExp(segment) + (last ? "" : "/");
  });
  return new RegExp(`^${source}$`);
}

function segmentToRegExp(segment: string): string {
  let out = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const close = segment.indexOf("]", i + 2);
      if (close < 0) {
        out += "\\[";
        continue;
      }
      let body = segment.slice(i + 1, close);
      if (body.startsWith("!")) body = "^" + body.slice(1);
      out += `[${body.replace(/\\/g, "\\\\")}]`;
      i = close;
    } else out += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return out;
}
