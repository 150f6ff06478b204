import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Registry } from "../../runtime/src/registry/registry";
import { FileRegistryStore } from "../../runtime/src/registry/stores/file-store";
import { run, REPO_ROOT } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";

const entity = (i: number) => ({ spec: { name: `entity_${i}`, join_key: `key_${i}`, value_type: 4, project: "p" } });

describe("concurrent registry writers", () => {
  const dir = tempDir();

  it("32 writers in one process, each upserting a different object, lose none of them", async () => {
    const file = path.join(dir, "in-process.db");
    await Promise.all(Array.from({ length: 32 }, (_, i) =>
      new Registry(new FileRegistryStore(file)).update((model) => model.upsert("entity", "p", entity(i)))));
    const names = (await new Registry(new FileRegistryStore(file)).load()).list("entity", "p").map((e) => e.spec!.name);
    expect(names.sort()).toEqual(Array.from({ length: 32 }, (_, i) => `entity_${i}`).sort());
  });

  it("32 writers in separate processes lose none of them, and readers never see a partial file", async () => {
    const file = path.join(dir, "cross-process.db");
    const runtime = path.join(REPO_ROOT, "runtime", "dist", "index.js");
    const script = (i: number) => `
      const { Registry, FileRegistryStore } = require(${JSON.stringify(runtime)});
      new Registry(new FileRegistryStore(${JSON.stringify(file)}))
        .update((m) => m.upsert("entity", "p", ${JSON.stringify(entity(i))}))
        .catch((e) => { console.error(e); process.exit(1); });`;
    let reading = true;
    let reads = 0;
    const reader = (async () => {
      const registry = new Registry(new FileRegistryStore(file));
      while (reading) {
        await registry.load();   // throws RegistryCorruptError on a torn read
        reads++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const results = await Promise.all(Array.from({ length: 32 }, (_, i) => run(process.execPath, ["-e", script(i)])));
    reading = false;
    await reader;
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const names = (await new Registry(new FileRegistryStore(file)).load()).list("entity", "p").map((e) => e.spec!.name);
    expect(names.length).toBe(32);
    expect(new Set(names).size).toBe(32);
    expect(reads).toBeGreaterThan(0);
    expect((await fs.readdir(dir)).filter((f) => f.endsWith(".tmp") || f.endsWith(".lock"))).toEqual([]);
  });

  it("breaks a lock left behind by a process that died", async () => {
    const file = path.join(dir, "stale.db");
    await fs.writeFile(`${file}.lock`, `${os.hostname()} 999999999`);
    await new Registry(new FileRegistryStore(file, 5_000)).update((model) => model.upsert("entity", "p", entity(1)));
    expect((await new Registry(new FileRegistryStore(file)).load()).get("entity", "p", "entity_1")).toBeDefined();
  });

  it("re-applies the mutation on a conflict instead of overwriting the other writer", async () => {
    const file = path.join(dir, "conflict.db");
    const registry = new Registry(new FileRegistryStore(file));
    let calls = 0;
    await registry.update(async (model) => {
      calls++;
      if (calls === 1) {
        // another writer lands between our read and our write
        await new Registry(new FileRegistryStore(file)).update((m) => m.upsert("entity", "p", entity(7)));
      }
      model.upsert("entity", "p", entity(8));
    });
    expect(calls).toBe(2);
    const names = (await registry.load()).list("entity", "p").map((e) => e.spec!.name).sort();
    expect(names).toEqual(["entity_7", "entity_8"]);
  });
});
