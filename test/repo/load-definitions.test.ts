import { promises as fs } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DefinitionError, RepoLoadError } from "../../runtime/src/errors";
import { loadDefinitions } from "../../runtime/src/repo/load-definitions";
import { tempDir } from "../helpers/tmp";

async function write(root: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await fs.writeFile(path.join(root, name), text);
  }
}

describe("loading a feature repo's definitions", () => {
  it("imports TypeScript modules without a build step, following imports between them", async () => {
    const root = tempDir();
    await write(root, {
      "entities.ts": `import { Entity } from "@skewless/runtime";\nexport const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });\n`,
      "views/stats.ts": `import { FeatureView, FileSource } from "@skewless/runtime";
import { user } from "../entities";
const source = new FileSource({ name: "src", path: "data/x.parquet", timestampField: "ts" });
export const stats: FeatureView = new FeatureView({ name: "stats", entities: [user], source, schema: [{ name: "n", dtype: "Int32" }] });
export const all = [stats];
`,
      "legacy.js": `const { Entity } = require("@skewless/runtime");\nmodule.exports = { merchant: new Entity({ name: "merchant", valueType: "String" }) };\n`,
      "node_modules/ignored.ts": "throw new Error('must not load')",
      "data/ignored.ts": "throw new Error('must not load')",
      "stats.test.ts": "throw new Error('must not load')",
      "types.d.ts": "declare const x: number;",
    });
    const { definitions, files } = await loadDefinitions(root);
    expect(files.sort()).toEqual(["entities.ts", "legacy.js", "views/stats.ts"]);
    expect(definitions.entities.map((e) => e.name).sort()).toEqual(["merchant", "user"]);
    expect(definitions.featureViews.map((v) => v.name)).toEqual(["stats"]);
    expect(definitions.dataSources).toEqual([]);
  });

  it("names the module that fails to load", async () => {
    const root = tempDir();
    await write(root, { "broken.ts": "export const x = ;\n" });
    await expect(loadDefinitions(root)).rejects.toThrow(RepoLoadError);
    await expect(loadDefinitions(root)).rejects.toThrow(/cannot load broken\.ts/);
  });

  it("names the module whose definition is invalid", async () => {
    const root = tempDir();
    await write(root, { "bad.ts": `import { Entity } from "@skewless/runtime";\nexport const e = new Entity({ name: "x", valueType: "Int99" as never });\n` });
    const error = await loadDefinitions(root).catch((e) => e);
    expect(error).toBeInstanceOf(DefinitionError);
    expect(error.message).toBe('bad.ts: entity x: valueType "Int99" is not a dtype');
  });

  it("skips what .feastignore and .skewlessignore name, with Feast's glob semantics", async () => {
    const root = tempDir();
    const entity = (name: string) => `import { Entity } from "@skewless/runtime";\nexport const e_${name} = new Entity({ name: "${name}", valueType: "Int64" });\n`;
    const boom = "throw new Error('must not load')";
    await write(root, {
      ".feastignore": "# helper scripts run by hand\nscripts/*.ts\nvenv   # a folder: everything under it\ntools/**/gen.ts\n",
      ".skewlessignore": "backfill.ts\n",
      "features.ts": entity("kept_root"),
      "scripts/backfill.ts": boom,
      "scripts/nested/kept.ts": entity("kept_nested"),
      "venv/lib/x.ts": boom,
      "tools/gen.ts": boom,
      "tools/a/b/gen.ts": boom,
      "tools/a/keep.ts": entity("kept_tools"),
      "backfill.ts": boom,
      "sub/backfill.ts": entity("kept_sub"),
    });
    const { definitions, files } = await loadDefinitions(root);
    expect(files.sort()).toEqual(["features.ts", "scripts/nested/kept.ts", "sub/backfill.ts", "tools/a/keep.ts"]);
    expect(definitions.entities.map((e) => e.name).sort()).toEqual(["kept_nested", "kept_root", "kept_sub", "kept_tools"]);
  });
});
