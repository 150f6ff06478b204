import { promises as fs } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeatureStore } from "../../runtime/src/feature-store";
import { skewless } from "../helpers/processes";
import { startRedis, type RedisServer } from "../helpers/redis-server";
import { tempDir } from "../helpers/tmp";

// A real redis-server that refuses writes once full (maxmemory, noeviction), as a production
// Redis sized too small for a backfill does.
describe("materializing into a Redis that runs out of memory", () => {
  const root = tempDir();
  const repo = path.join(root, "demo");
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis({ args: ["--maxmemory-policy", "noeviction"] });
    expect((await skewless(["init", "demo", "--users", "20000", "--days", "2"], root)).code).toBe(0);
    const yaml = await fs.readFile(path.join(repo, "feature_store.yaml"), "utf8");
    await fs.writeFile(path.join(repo, "feature_store.yaml"), yaml.replace(/online_store:\n(  .*\n)+/, `online_store:\n  type: redis\n  connection_string: 127.0.0.1:${redis.port}\n`));
    expect((await skewless(["apply"], repo)).code).toBe(0);
  }, 300_000);
  afterAll(async () => { await redis?.stop(); });

  const window = ["2020-01-01T00:00:00Z", new Date().toISOString().replace(/\.\d{3}Z$/, "Z")];
  const intervals = async () => {
    const store = await FeatureStore.open(repo);
    const catalog = await store.catalog();
    const recorded = catalog.featureViews().flatMap((v) => v.materializationIntervals);
    await store.close();
    return recorded;
  };

  it("stops with one error line and a hint, dumps no key bytes, and records no interval", async () => {
    // A few MB above what the empty server uses: the first view's writes fit, later ones do not.
    const used = Number(/used_memory:(\d+)/.exec(await redis.cli("INFO", "memory"))![1]);
    await redis.cli("CONFIG", "SET", "maxmemory", String(used + 4 * 1024 * 1024));
    const result = await skewless(["materialize", ...window], repo);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(result.stderr).not.toMatch(/Buffer|Uint8Array|at async/);
    expect(lines[0]).toMatch(/^error: the online store \(redis at 127\.0\.0\.1:\d+\) is out of memory \(maxmemory reached and nothing could be evicted\): writing feature view user_\w+ stopped$/);
    expect(lines[1]).toContain("hint: nothing was recorded as materialized");
    expect(lines[1]).toContain("key_ttl_seconds");
    expect(await intervals()).toEqual([]);
  }, 300_000);

  it("once Redis has room, the same command succeeds and records the interval", async () => {
    await redis.cli("CONFIG", "SET", "maxmemory", "0");
    const result = await skewless(["materialize", ...window], repo);
    expect(result.code, result.stderr).toBe(0);
    expect((await intervals()).length).toBe(2);
  }, 300_000);
});
