import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { HEAVY_PACKAGES, onlineRepo, runProbe, type ProbeInput } from "../../bench/footprint/fixture";
import { installApp, installedPackages, packRuntime } from "../../bench/footprint/install";
import { startRedis, type RedisServer } from "../helpers/redis-server";
import { tempDir } from "../helpers/tmp";

const run = promisify(execFile);
const root = tempDir("skewless-footprint-");
const REPO = path.resolve(__dirname, "..", "..");
const EXPECTED = { user_id: [1, 2], clicks: ["5n", `${2n ** 60n}n`], score: [0.5, 1.5], name: ["ann", "bob"] };

// Each check runs the package in a fresh `node`, as an app would: vitest's own module graph
// would hide what a real import loads.
describe("an online-only app loads and installs only the online path", () => {
  let redis: RedisServer;
  let sqliteRepo: ProbeInput;
  let redisRepo: ProbeInput;
  beforeAll(async () => {
    redis = await startRedis();
    sqliteRepo = await onlineRepo(path.join(root, "sqlite"), { type: "sqlite", path: "data/online.db" });
    redisRepo = await onlineRepo(path.join(root, "redis"), { type: "redis", connection_string: `127.0.0.1:${redis.port}` });
  });

  it.each([["sqlite", "ioredis"], ["redis", "better-sqlite3"]])("reads from %s without loading DuckDB, Arrow, the cloud SDKs, jiti or %s", async (backend, otherClient) => {
    const result = await runProbe(REPO, backend === "sqlite" ? sqliteRepo : redisRepo);
    expect(result.values).toEqual(EXPECTED);
    expect(result.packages.filter((p) => HEAVY_PACKAGES.includes(p) || p === otherClient)).toEqual([]);
    // Plain Redis reads go through Skewless's own RESP connection (online/redis/resp-connection.ts), so
    // the Redis probe loads no client package at all; SQLite's needs better-sqlite3.
    if (backend === "sqlite") expect(result.packages).toContain("better-sqlite3");
    else expect(result.packages).not.toContain("better-sqlite3");
    // The goal is < 100; protobufjs alone is 47 files (see the report of bench:footprint). A guard against regressions:
    expect(result.modulesAtImport).toBeLessThan(160);
  });

  it("installs without the optional peers, serves online reads, and names the package an offline call needs", async () => {
    const app = path.join(root, "app");
    await installApp(app, await packRuntime(root), "ioredis");
    expect(installedPackages(path.join(app, "node_modules")).filter((p) => HEAVY_PACKAGES.includes(p) || p === "better-sqlite3")).toEqual([]);
    // Neither cloud SDK is installed in this app (nor DuckDB, Arrow, jiti): the online read needs none of them.
    // (This also covers what require.cache cannot show: the GCS SDK would load as an ES module.)
    expect((await runProbe(app, redisRepo)).values).toEqual(EXPECTED);

    const script = `
      const { FeatureStore } = require("@skewless/runtime");
      FeatureStore.open(${JSON.stringify(redisRepo.config)})
        .then((store) => store.getHistoricalFeatures({ entityDf: [{ user_id: 1, event_timestamp: new Date() }], features: ["user_stats:clicks"] }))
        .then(() => console.log("no error"), (e) => console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message, hint: e.hint })))
        .then(() => process.exit(0));`;
    const { stdout } = await run(process.execPath, ["-e", script], { cwd: app, timeout: 120_000 });
    expect(JSON.parse(stdout)).toEqual({
      name: "MissingDependencyError", code: "DEPENDENCY_MISSING",
      message: "offline_store type duckdb (parquet via DuckDB) needs the package @duckdb/node-api, which is not installed",
      hint: "install it next to @skewless/runtime: npm install @duckdb/node-api",
    });
    const exported = await run(process.execPath, ["-e", `console.log(Object.keys(require("@skewless/runtime/package.json").exports).join(","))`], { cwd: app });
    expect(exported.stdout.trim()).toBe(".,./internal,./cli,./package.json");
  }, 300_000);
});
