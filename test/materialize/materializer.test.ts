import * as path from "node:path";
import { mkdirSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { Entity, FeatureView, FileSource } from "../../runtime/src/index";
import type { FeatureStore } from "../../runtime/src/feature-store";
import { InvalidArgumentError, SchemaMismatchError } from "../../runtime/src/errors";
import { progressReporter } from "../../runtime/src/materialize/progress";
import { writeRows } from "../offline/helpers/parquet";
import { definitions, openStore, scratchDir } from "../helpers/online-repo";
import { startRedis, type RedisServer } from "../helpers/redis-server";

const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const statsSource = new FileSource({ name: "stats", path: "data/stats.parquet", timestampField: "event_timestamp", createdTimestampColumn: "created" });
const stats = new FeatureView({
  name: "user_stats", entities: [user], source: statsSource,
  schema: [{ name: "clicks", dtype: "Int32" }, { name: "spend", dtype: "Int64" }, { name: "ctr", dtype: "Float32" }, { name: "tags", dtype: "Array(String)" }],
});
const missingSource = new FileSource({ name: "missing", path: "data/missing.parquet", timestampField: "event_timestamp" });
const broken = new FeatureView({ name: "z_broken", entities: [user], source: missingSource, schema: [{ name: "x", dtype: "Int64" }] });

const at = (iso: string) => new Date(`${iso}Z`);
const COLUMNS: [string, string][] = [
  ["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["created", "TIMESTAMPTZ"],
  ["clicks", "INTEGER"], ["spend", "BIGINT"], ["ctr", "FLOAT"], ["tags", "VARCHAR[]"],
];
// user 1: two rows, the later wins; user 2: a tie on event time broken by created; user 3: outside the window.
const ROWS = [
  [1, at("2024-05-01T10:00:00"), at("2024-05-01T10:05:00"), 1, 10, 0.5, ["a"]],
  [1, at("2024-05-01T11:00:00"), at("2024-05-01T11:05:00"), 2, 9007199254740993n, 0.25, ["b", "c"]],
  [2, at("2024-05-01T11:00:00"), at("2024-05-01T11:01:00"), 3, 30, 0.75, []],
  [2, at("2024-05-01T11:00:00"), at("2024-05-01T11:09:00"), -4, -40, null, null],
  [3, at("2024-05-03T00:00:00"), at("2024-05-03T00:00:00"), 5, 50, 1, ["late"]],
];

async function repoWith(online: Record<string, unknown>, rows: unknown[][] = ROWS, columns = COLUMNS): Promise<FeatureStore> {
  const dir = scratchDir();
  mkdirSync(path.join(dir, "data"), { recursive: true });
  await writeRows(path.join(dir, "data", "stats.parquet"), columns, rows);
  const store = await openStore(dir, "mat", online);
  await store.apply(definitions(user, statsSource, stats));
  return store;
}

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});

describe.each([
  ["SQLite", () => ({ type: "sqlite", path: "data/online.db" })],
  ["Redis", () => ({ type: "redis", connection_string: `127.0.0.1:${redis.port}` })],
])("materialize into %s", (_name, online) => {
  it("writes the latest row per entity in the window, with declared types, and records the interval", async () => {
    const store = await repoWith(online());
    const start = at("2024-05-01T00:00:00");
    const end = at("2024-05-02T00:00:00");
    const result = await store.materialize(start, end);
    expect(result.views.map((v) => [v.view, v.rows, v.written])).toEqual([["user_stats", 2, 2]]);
    const res = await store.getOnlineFeatures({ features: ["user_stats:clicks", "user_stats:spend", "user_stats:ctr", "user_stats:tags"], entityRows: [{ user_id: 1 }, { user_id: 2 }, { user_id: 3 }], int64: "bigint" });
    expect(res.toObject()).toEqual({
      user_id: [1, 2, 3], clicks: [2, -4, null], spend: [9007199254740993n, -40n, null], ctr: [0.25, null, null], tags: [["b", "c"], null, null],
    });
    expect(res.column("clicks").eventTimestamps).toEqual([at("2024-05-01T11:00:00"), at("2024-05-01T11:00:00"), null]);
    const view = (await store.catalog()).featureView("user_stats");
    expect(view.materializationIntervals).toEqual([{ start, end }]);
    await store.close();
  });

  it("is idempotent, and an incremental run starts where the last one ended", async () => {
    const store = await repoWith(online());
    await store.materialize(at("2024-05-01T00:00:00"), at("2024-05-02T00:00:00"));
    const again = await store.materialize(at("2024-05-01T00:00:00"), at("2024-05-02T00:00:00"));
    expect(again.views[0].rows).toBe(2);
    const incremental = await store.materializeIncremental(at("2024-05-04T00:00:00"));
    expect(incremental.views.map((v) => [v.start, v.end, v.rows])).toEqual([[at("2024-05-02T00:00:00"), at("2024-05-04T00:00:00"), 1]]);
    const nothing = await store.materializeIncremental(at("2024-05-03T00:00:00"));
    expect(nothing.views).toEqual([]);
    const res = await store.getOnlineFeatures({ features: ["user_stats:clicks"], entityRows: [{ user_id: 1 }, { user_id: 3 }] });
    expect(res.toObject().clicks).toEqual([2, 5]);
    expect((await store.catalog()).featureView("user_stats").materializationIntervals).toHaveLength(3);
    await store.close();
  });

  it("refuses an incremental end in the future (past a configurable allowance), recording nothing", async () => {
    const store = await repoWith(online());
    await store.materialize(at("2024-05-01T00:00:00"), at("2024-05-02T00:00:00"));
    const future = new Date(Date.now() + 86_400_000);
    const call = store.materializeIncremental(future);
    await expect(call).rejects.toThrow(InvalidArgumentError);
    await expect(call).rejects.toThrow(/materialize-incremental: end .* is \d+ hours in the future \(now is .*\)/);
    await expect(store.materializeIncremental(new Date(Date.now() + 600_000), { maxFutureSeconds: 60 })).rejects.toThrow(/10 minutes in the future/);
    expect((await store.catalog()).featureView("user_stats").materializationIntervals).toHaveLength(1);
    // Within the allowance (clocks a little apart) it runs.
    const soon = new Date(Date.now() + 30_000);
    const ok = await store.materializeIncremental(soon, { maxFutureSeconds: 120 });
    expect(ok.views.map((v) => v.end)).toEqual([soon]);
    await store.close();
  });
});

describe("a failed run", () => {
  it("records nothing, names what failed, and a rerun after the fix succeeds", async () => {
    const store = await repoWith({ type: "sqlite" });
    await store.apply(definitions(user, statsSource, stats, missingSource, broken));
    await expect(store.materialize(at("2024-05-01T00:00:00"), at("2024-05-02T00:00:00"))).rejects.toThrow(/z_broken.*missing\.parquet does not exist/);
    expect((await store.catalog()).featureView("user_stats").materializationIntervals).toEqual([]);
    const ok = await store.materialize(at("2024-05-01T00:00:00"), at("2024-05-02T00:00:00"), { featureViews: ["user_stats"] });
    expect(ok.views).toHaveLength(1);
    expect((await store.catalog()).featureView("user_stats").materializationIntervals).toHaveLength(1);
    await store.close();
  });

  it("refuses a parquet column whose type contradicts the schema, naming view and column", async () => {
    const wide: [string, string][] = COLUMNS.map(([n, t]) => [n, n === "clicks" ? "BIGINT" : t]);
    // The column changes type after apply (which would have refused it, see test/repo/check-sources.test.ts).
    const store = await repoWith({ type: "sqlite" });
    await writeRows(path.join(store.config.repoPath, "data", "stats.parquet"), wide, [[1, at("2024-05-01T10:00:00"), null, 3_000_000_000, 1, 0.5, []]]);
    const error = await store.materialize(at("2024-05-01T00:00:00"), at("2024-05-02T00:00:00")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaMismatchError);
    expect((error as Error).message).toMatch(/user_stats.*clicks.*BIGINT.*Int32/);
    expect((await store.catalog()).featureView("user_stats").materializationIntervals).toEqual([]);
    await store.close();
  });

  it("refuses to materialize a view that is not online, or a window that is empty", async () => {
    const store = await repoWith({ type: "sqlite" });
    await expect(store.materialize(at("2024-05-02T00:00:00"), at("2024-05-01T00:00:00"))).rejects.toThrow(/is not before end/);
    await expect(store.materialize(at("2024-05-01T00:00:00"), at("2024-05-02T00:00:00"), { featureViews: ["nope"] })).rejects.toThrow(/nope does not exist/);
    await store.close();
  });
});

describe("progress", () => {
  it("prints plain lines when not on a terminal", async () => {
    const store = await repoWith({ type: "sqlite" });
    const lines: string[] = [];
    await store.materialize(at("2024-05-01T00:00:00"), at("2024-05-02T00:00:00"), { progress: progressReporter({ isTTY: false, write: (t) => lines.push(t) }) });
    expect(lines.join("")).toMatch(/^Materializing 1 feature view into the sqlite online store\.\nuser_stats from 2024-05-01T00:00:00Z to 2024-05-02T00:00:00Z:\n  user_stats: 2 rows written in \d+\.\ds/);
    expect(lines.join("")).not.toContain("\r");
    await store.close();
  });

  it("redraws one bar with rows, rate and ETA on a terminal", () => {
    let now = 0;
    const out: string[] = [];
    const bar = progressReporter({ isTTY: true, write: (t) => out.push(t) }, () => now);
    bar.viewStart("v", new Date(0), new Date(1000));
    now = 1000;
    bar.rows("v", 250, 1000);
    now = 2000;
    bar.rows("v", 500, 1000);
    bar.viewDone("v", { rows: 1000, written: 1000, skipped: 0, seconds: 4 });
    expect(out[1]).toBe("\r\u001b[2K  [########......................] 250/1,000 rows  250 rows/s ETA 3s");
    expect(out[2]).toBe("\r\u001b[2K  [###############...............] 500/1,000 rows  250 rows/s ETA 2s");
    expect(out.at(-1)).toBe("  v: 1,000 rows written in 4.0s, 250 rows/s\n");
  });
});
