import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Registry } from "../../runtime/src/registry/registry";
import { FileRegistryStore } from "../../runtime/src/registry/stores/file-store";
import { run, REPO_ROOT } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";

/**
 * A writer that takes the registry's lock (the real one, in its own process) and is killed with
 * SIGKILL while holding it: whatever it leaves behind is what the next writers find.
 */
async function killHolder(file: string): Promise<void> {
  const lock = path.join(REPO_ROOT, "runtime", "dist", "registry", "stores", "file-lock.js");
  const child = spawn(process.execPath, ["-e", `
    require(${JSON.stringify(lock)}).withFileLock(${JSON.stringify(new FileRegistryStore(file).lockPath)}, 60000, () => {
      console.log("locked");
      return new Promise(() => setInterval(() => {}, 1000));
    });`], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the lock holder exited (${code}) before taking the lock`)));
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("locked") && resolve());
  });
  child.removeAllListeners("exit");
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

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
    const runtime = path.join(REPO_ROOT, "runtime", "dist", "internal.js");
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

  it("a lock left behind by a process that died does not block the next writer", async () => {
    const file = path.join(dir, "stale.db");
    await fs.writeFile(`${file}.lock`, `${os.hostname()} 999999999`);   // an older Skewless's lock file
    await killHolder(file);
    await new Registry(new FileRegistryStore(file, 5_000)).update((model) => model.upsert("entity", "p", entity(1)));
    expect((await new Registry(new FileRegistryStore(file)).load()).get("entity", "p", "entity_1")).toBeDefined();
  });

  it("64 writers in one process, starting while a killed writer's lock is left, lose none (8 rounds)", async () => {
    const file = path.join(dir, "stale-in-process.db");
    const rounds = 8;
    for (let round = 0; round < rounds; round++) {
      await killHolder(file);
      await Promise.all(Array.from({ length: 64 }, (_, i) =>
        new Registry(new FileRegistryStore(file)).update((model) => model.upsert("entity", "p", entity(round * 64 + i)))));
    }
    const names = (await new Registry(new FileRegistryStore(file)).load()).list("entity", "p").map((e) => e.spec!.name);
    expect(new Set(names).size).toBe(rounds * 64);
  }, 240_000);

  it("64 writer processes, starting while a killed writer's lock is left, lose none", async () => {
    const file = path.join(dir, "stale-cross-process.db");
    const runtime = path.join(REPO_ROOT, "runtime", "dist", "internal.js");
    // Each process upserts 4 objects at once, so writers also race inside each process.
    const script = (p: number) => `
      const { Registry, FileRegistryStore } = require(${JSON.stringify(runtime)});
      Promise.all([0, 1, 2, 3].map((j) => new Registry(new FileRegistryStore(${JSON.stringify(file)}, 120000))
        .update((m) => m.upsert("entity", "p", { spec: { name: "entity_" + (${p} * 4 + j), join_key: "k", value_type: 4, project: "p" } }))))
        .catch((e) => { console.error(e); process.exit(1); });`;
    await killHolder(file);
    const results = await Promise.all(Array.from({ length: 64 }, (_, p) => run(process.execPath, ["-e", script(p)], { timeoutMs: 240_000 })));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const names = (await new Registry(new FileRegistryStore(file)).load()).list("entity", "p").map((e) => e.spec!.name);
    expect(new Set(names).size).toBe(256);
  }, 300_000);

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
