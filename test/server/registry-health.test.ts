import { promises as fs } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegistryNotFoundError } from "../../runtime/src/errors";
import { Entity, FeatureStore, FeatureView, FileSource } from "../../runtime/src/index";
import { FeatureServer } from "../../runtime/src/server/feature-server";
import { skewless } from "../helpers/processes";
import { definitions, scratchDir, writeRows } from "../helpers/online-repo";

// The registry disappearing or being damaged under a running server: requests keep being served
// from the last good registry, the change is logged once, and /health says so. Real files, SQLite.

const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const source = new FileSource({ name: "stats_source", path: "data/stats.parquet", timestampField: "event_timestamp" });
const stats = new FeatureView({ name: "stats", entities: [user], ttl: 0, source, schema: [{ name: "clicks", dtype: "Int64" }] });

interface Health {
  status: string;
  registry: { state: string; serving: { version_id: string; loaded_at: string } | null; last_error: { code: string; message: string } | null };
}

const open = (dir: string, registry: string, ttl = 1) => FeatureStore.open(FeatureStore.configFrom({
  project: "health", registry: { path: registry, cache_ttl_seconds: ttl }, online_store: { type: "sqlite", path: path.join(dir, "online.db") },
}, dir));

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("a registry that goes missing or corrupt while serving", () => {
  const dir = scratchDir();
  const registry = path.join(dir, "registry.db");
  const lines: string[] = [];
  let store: FeatureStore;
  let server: FeatureServer;
  let base = "";
  let good: Buffer;
  const get = () => fetch(`${base}/get-online-features`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ features: ["stats:clicks"], entities: { user_id: [1] } }),
  });
  const health = async () => {
    const res = await fetch(`${base}/health`);
    return { status: res.status, body: (await res.json()) as Health };
  };
  const warnings = (pattern: RegExp) => lines.filter((l) => pattern.test(l)).length;

  beforeAll(async () => {
    store = await open(dir, registry);
    await store.apply(definitions(user, source, stats));
    await writeRows(store, "stats", [{ user_id: 1, clicks: 7 }], new Date("2026-01-01T00:00:00Z"));
    good = await fs.readFile(registry);
    server = new FeatureServer(store, { warn: (line) => lines.push(line) });
    base = `http://127.0.0.1:${(await server.listen(0, "127.0.0.1")).port}`;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it("keeps serving the last good registry, logs each change once and reports it in /health", async () => {
    expect((await get()).status).toBe(200);
    const before = await health();
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ status: "ok", registry: { state: "ok", last_error: null } });
    const version = before.body.registry.serving!.version_id;
    expect(version).toMatch(/^[0-9a-f-]{36}$/);

    await fs.rm(registry);
    await until(async () => (await health()).body.registry.state === "missing", "the deletion to be noticed");
    for (let i = 0; i < 5; i++) {
      const res = await get();
      expect(res.status).toBe(200);
      expect(((await res.json()) as { results: { values: unknown[] }[] }).results[1].values).toEqual([7]);
    }
    const missing = await health();
    expect(missing.status).toBe(200);
    expect(missing.body).toMatchObject({ status: "degraded", registry: { state: "missing", serving: { version_id: version }, last_error: { code: "REGISTRY_NOT_FOUND" } } });
    expect(JSON.stringify(missing.body)).not.toContain(dir);   // /health names no path
    await new Promise((r) => setTimeout(r, 2500));              // two more refreshes: still one line
    expect(warnings(/REGISTRY MISSING: registry .*registry\.db does not exist; still serving version/)).toBe(1);

    await fs.writeFile(registry, good.subarray(0, Math.floor(good.length / 2)));
    await until(async () => (await health()).body.registry.state === "corrupt", "the damage to be noticed");
    expect((await get()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2500));
    expect(warnings(/REGISTRY CORRUPT: registry .* is corrupt or truncated/)).toBe(1);
    expect((await health()).body).toMatchObject({ status: "degraded", registry: { serving: { version_id: version }, last_error: { code: "REGISTRY_CORRUPT" } } });

    await fs.writeFile(registry, good);
    await until(async () => (await health()).body.registry.state === "ok", "the repair to be noticed");
    expect(warnings(/registry: readable again/)).toBe(1);
    expect((await health()).body.registry.last_error).toBeNull();
  }, 90_000);
});

describe("a local registry file that does not exist", () => {
  it("is an error naming the file, not an empty registry", async () => {
    const dir = scratchDir();
    const store = await open(dir, path.join(dir, "wrong", "registry.db"), 600);
    try {
      const error = await store.getOnlineFeatures({ features: ["stats:clicks"], entityRows: [{ user_id: 1 }] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryNotFoundError);
      expect((error as Error).message).toBe(`registry ${path.join(dir, "wrong", "registry.db")} does not exist`);
      await expect(store.catalog()).rejects.toThrow(RegistryNotFoundError);
      await expect(store.materialize(new Date(0), new Date())).rejects.toThrow(RegistryNotFoundError);
      // plan and apply start from nothing: apply creates the file.
      expect((await store.plan(definitions(user, source, stats))).changes.length).toBeGreaterThan(0);
      await store.apply(definitions(user, source, stats));
      expect((await store.catalog()).featureView("stats").name).toBe("stats");
    } finally {
      await store.close();
    }
  });

  it("stops skewless serve at startup; skewless plan and apply still work on a fresh repo", async () => {
    const root = scratchDir();
    expect((await skewless(["init", "credit", "--users", "5", "--days", "1"], root)).code).toBe(0);
    const repo = path.join(root, "credit");
    const serve = await skewless(["serve", "--port", "0"], repo);
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain(`error: registry ${path.join(repo, "data", "registry.db")} does not exist`);
    expect(serve.stderr).toContain("run `skewless apply` to create it");
    const plan = await skewless(["plan"], repo);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("to create");
    expect((await skewless(["apply"], repo)).code).toBe(0);
    await expect(fs.stat(path.join(repo, "data", "registry.db"))).resolves.toBeTruthy();
  }, 120_000);
});
