import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Entity } from "../../runtime/src/definitions/entity";
import { FileSource, PushSource } from "../../runtime/src/definitions/sources";
import { StreamFeatureView } from "../../runtime/src/definitions/stream-feature-view";
import { FeatureStore } from "../../runtime/src/feature-store";
import { pushOnline } from "../../runtime/src/server/push";
import { definitions, scratchDir } from "../helpers/online-repo";
import { skewless } from "../helpers/processes";
import { startRedis, type RedisServer } from "../helpers/redis-server";
import { writeRows } from "../offline/helpers/parquet";
import { seededRandom, TEST_SEED } from "../helpers/random";
import { eventLog, expectOnlineEqualsOffline, type TxnEvent } from "../helpers/aggregation-log";

// Windowed aggregations, online (tiles updated by pushes, or built by materialize from the batch
// source) against offline (the point-in-time join over the event log), cell for cell on a
// randomized log with ties and events on window edges. The event log is written to the push
// source's batch source by the test; the last test appends through store.push.

const SEED = TEST_SEED;
const USERS = 15;

const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const log = new FileSource({ name: "txn_log", path: "data/txn.parquet", timestampField: "event_timestamp" });
const push = new PushSource({ name: "txn_push", batchSource: log });
const txnStats = new StreamFeatureView({
  name: "txn_stats", entities: [user], source: push,
  schema: [{ name: "amount", dtype: "Float64" }, { name: "qty", dtype: "Int64" }],
  aggregations: [
    { column: "amount", function: "sum", timeWindow: "1h" },
    { column: "amount", function: "mean", timeWindow: "1d" },
    { column: "amount", function: "max", timeWindow: "7d", slideInterval: "1h" },
    { column: "amount", function: "last", timeWindow: "1d" },
    { column: "qty", function: "count", timeWindow: "1h" },
    { column: "qty", function: "sum", timeWindow: "7d", slideInterval: "1h" },
    { column: "qty", function: "min", timeWindow: "1d" },
    { column: "qty", function: "last", timeWindow: "1h", slideInterval: "5m", name: "qty_last_1h" },
  ],
});
const FEATURES = txnStats.aggregations.map((a) => `txn_stats:${a.name}`);
const NAMES = txnStats.aggregations.map((a) => a.name);

async function openStore(dir: string, online: Record<string, unknown>): Promise<FeatureStore> {
  return FeatureStore.open(FeatureStore.configFrom({
    project: "agg", registry: { path: path.join(dir, "data", "registry.db"), cache_ttl_seconds: 600 },
    online_store: online, offline_store: { type: "file" },
  }, dir));
}

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});

describe.each(["sqlite", "redis"])("windowed aggregations on %s", (kind) => {
  let store: FeatureStore;
  let events: TxnEvent[] = [];
  const rand = seededRandom(SEED + (kind === "redis" ? 1 : 0));

  beforeAll(async () => {
    const dir = scratchDir();
    mkdirSync(path.join(dir, "data"));
    store = await openStore(dir, kind === "sqlite"
      ? { type: "sqlite", path: path.join(dir, "data", "online.db") }
      : { type: "redis", connection_string: `127.0.0.1:${redis.port}` });
    await store.apply(definitions(user, log, push, txnStats));
    events = eventLog(rand, Date.now(), txnStats, USERS);
    await writeRows(path.join(dir, "data", "txn.parquet"),
      [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["amount", "DOUBLE"], ["qty", "BIGINT"]],
      events.map((e) => [e.user_id, e.event_timestamp, e.amount, e.qty]));
    // pushed in shuffled batches of random sizes: tiles are updated again and again, out of order
    const shuffled = [...events].sort(() => rand() - 0.5);
    for (let i = 0; i < shuffled.length;) {
      const n = 1 + Math.floor(rand() * 60);
      const batch = shuffled.slice(i, i + n);
      i += n;
      await pushOnline(store, "txn_push", {
        user_id: batch.map((e) => e.user_id), event_timestamp: batch.map((e) => e.event_timestamp.toISOString()),
        amount: batch.map((e) => e.amount), qty: batch.map((e) => e.qty),
      });
    }
  }, 180_000);

  afterAll(async () => {
    await store?.close();
  });

  it(`gives the same numbers online and in a training set at the same time, cell for cell (seed ${SEED})`, async () => {
    const { online, present } = await expectOnlineEqualsOffline(store, txnStats, USERS);
    expect(present).toBeGreaterThan(USERS * NAMES.length * 0.6);
    // users without events: nulls in both
    expect(online.amount_sum_1h.slice(USERS)).toEqual([null, null]);
  }, 120_000);

  it("is checked by validate: no discrepancy, until an event reaches only the online store", async () => {
    const clean = await store.validate({ featureViews: ["txn_stats"] });
    expect(clean.views[0]).toMatchObject({ view: "txn_stats", mismatches: 0, missing: 0 });
    expect(clean.values).toBe(clean.views[0].entities * NAMES.length);
    expect(clean.views[0].entities).toBeGreaterThan(USERS / 2);
    await pushOnline(store, "txn_push", { user_id: [1], event_timestamp: [new Date(Date.now() - 1000).toISOString()], amount: [1.25], qty: [3] });
    const skewed = await store.validate({ featureViews: ["txn_stats"] });
    expect(skewed.mismatches).toBeGreaterThan(0);
    expect(skewed.examples.every((e) => e.entity.user_id === 1n)).toBe(true);
  }, 60_000);

  it("starts from history: skewless materialize builds the tiles of a store no event was pushed to", async () => {
    const dir = scratchDir();
    mkdirSync(path.join(dir, "data"));
    copyFileSync(path.join(store.config.repoPath, "data", "txn.parquet"), path.join(dir, "data", "txn.parquet"));
    const online = kind === "sqlite" ? ["  type: sqlite", "  path: data/online.db"] : ["  type: redis", `  connection_string: 127.0.0.1:${redis.port}`];
    writeFileSync(path.join(dir, "feature_store.yaml"), ["project: agg_history", "registry: data/registry.db", "provider: local", "online_store:", ...online, "offline_store:", "  type: file", ""].join("\n"));
    const fresh = await FeatureStore.open(dir);
    try {
      await fresh.apply(definitions(user, log, push, txnStats));
      // materialize without names leaves the view alone (a backfill replaces tiles: asked for by name)
      const end = new Date();
      const start = new Date(end.getTime() - 8 * 24 * 3600_000 - 3600_000);
      const all = await skewless(["materialize", start.toISOString(), end.toISOString()], dir);
      expect(all.code, all.stderr).toBe(0);
      expect(all.stdout + all.stderr).toContain("txn_stats: windowed aggregations: its tiles are built from the batch source only when the view is named (--views txn_stats)");
      expect((await fresh.getOnlineFeatures({ features: FEATURES, entityRows: [{ user_id: 1 }] })).toObject().amount_sum_1h).toEqual([null]);
      // tiles hold only the interval's events, while the join reads all history: the interval
      // covers the whole log (8 days), past the longest window
      const named = await skewless(["materialize", "--views", "txn_stats", start.toISOString(), end.toISOString()], dir);
      expect(named.code, named.stderr).toBe(0);
      const { present } = await expectOnlineEqualsOffline(fresh, txnStats, USERS);
      expect(present).toBeGreaterThan(USERS * NAMES.length * 0.6);
      // a second run (the runtime's) changes nothing: it replaces, never adds
      const again = await fresh.materialize(start, new Date(), { featureViews: ["txn_stats"] });
      expect(again.views[0]).toMatchObject({ view: "txn_stats", rows: events.length });
      await expectOnlineEqualsOffline(fresh, txnStats, USERS);
    } finally {
      await fresh.close();
    }
  }, 180_000);

  it("materialize sets the tiles from the batch source: run again, nothing is counted twice", async () => {
    // the tiles already hold every event (pushed); rebuilding them from history replaces, never adds
    const end = new Date();
    const result = await store.materialize(new Date(end.getTime() - 9 * 24 * 3600_000), end, { featureViews: ["txn_stats"] });
    expect(result.views[0]).toMatchObject({ view: "txn_stats", rows: events.length });
    expect(result.views[0].written).toBeGreaterThan(USERS / 2);
    await expectOnlineEqualsOffline(store, txnStats, USERS);
  }, 120_000);

  it("store.push counts pushed rows again when pushed again (pushes have no identity), offline as well", async () => {
    const id = USERS + 1;   // a user with no events yet
    const at = Date.now() - 5_000;
    const rows = {
      user_id: [id, id, id], event_timestamp: [at - 2000, at - 1000, at].map((t) => new Date(t).toISOString()),
      amount: [1.5, 2.25, null], qty: [4, -1, 7],
    };
    for (let i = 0; i < 2; i++) await store.push("txn_push", rows, { to: "online_and_offline" });
    const { online } = await expectOnlineEqualsOffline(store, txnStats, USERS);
    // twice each row: both the tiles and the appended log hold six events
    expect(online.qty_count_1h[id - 1]).toBe(6n);
    expect(online.amount_sum_1h[id - 1]).toBe(7.5);
    expect(online.qty_sum_7d[id - 1]).toBe(20n);
  }, 120_000);
});
