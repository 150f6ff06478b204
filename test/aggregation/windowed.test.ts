import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Entity } from "../../runtime/src/definitions/entity";
import { FileSource, PushSource } from "../../runtime/src/definitions/sources";
import { StreamFeatureView } from "../../runtime/src/definitions/stream-feature-view";
import { FeatureStore } from "../../runtime/src/feature-store";
import { pushOnline } from "../../runtime/src/server/push";
import { definitions, scratchDir } from "../helpers/online-repo";
import { startRedis, type RedisServer } from "../helpers/redis-server";
import { writeRows } from "../offline/helpers/parquet";
import { seededRandom, TEST_SEED } from "../helpers/random";

// Windowed aggregations, online (tiles updated by pushes) against offline (the point-in-time join
// over the event log), cell for cell on a randomized log with ties and events on window edges.
// The event log is written to the push source's batch source by the test, as a push to the
// offline store writes it (that path is another branch's work).

const SEED = TEST_SEED;
const USERS = 15;
const HOUR = 3600_000;

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

/** Events for one log: random times over 8 days, ties (same user and instant), and events on each window's first and last instants. */
function eventLog(rand: () => number, now: number): { user_id: number; event_timestamp: Date; amount: number | null; qty: number | null }[] {
  const events: { user_id: number; event_timestamp: Date; amount: number | null; qty: number | null }[] = [];
  const add = (id: number, ms: number) => events.push({
    user_id: id, event_timestamp: new Date(ms),
    // quarters: float sums are exact whatever order they are added in
    amount: rand() < 0.1 ? null : Math.floor(rand() * 4000) / 4,
    qty: rand() < 0.1 ? null : Math.floor(rand() * 200) - 50,
  });
  for (let i = 0; i < 500; i++) {
    const id = 1 + Math.floor(rand() * USERS);
    const ms = now - 60_000 - Math.floor(rand() * 8 * 24 * HOUR);
    add(id, ms);
    if (rand() < 0.15) add(id, ms);   // a tie
  }
  for (const a of txnStats.aggregations) {
    const slide = a.slideSeconds * 1000;
    const start = (Math.floor(now / slide) + 1) * slide - a.windowSeconds * 1000;
    for (let id = 1; id <= 3; id++) {
      add(id, start);
      add(id, start - 1);
    }
  }
  return events;
}

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
  const rand = seededRandom(SEED + (kind === "redis" ? 1 : 0));

  beforeAll(async () => {
    const dir = scratchDir();
    mkdirSync(path.join(dir, "data"));
    store = await openStore(dir, kind === "sqlite"
      ? { type: "sqlite", path: path.join(dir, "data", "online.db") }
      : { type: "redis", connection_string: `127.0.0.1:${redis.port}` });
    await store.apply(definitions(user, log, push, txnStats));
    const events = eventLog(rand, Date.now());
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
    const entityRows = Array.from({ length: USERS + 2 }, (_, i) => ({ user_id: i + 1 }));
    const slides = txnStats.aggregations.map((a) => a.slideSeconds * 1000);
    let online: Record<string, unknown[]> = {};
    let at = 0;
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = Date.now();
      online = (await store.getOnlineFeatures({ features: FEATURES, entityRows, int64: "bigint" })).toObject();
      at = Date.now();
      // the same tiles were read as the offline join will use (no slide boundary crossed meanwhile)
      if (slides.every((s) => Math.floor(before / s) === Math.floor(at / s))) break;
    }
    const job = await store.getHistoricalFeatures({ entityDf: entityRows.map((r) => ({ ...r, event_timestamp: new Date(at) })), features: FEATURES });
    const offline = await job.toRows();
    await job.close();
    let present = 0;
    offline.forEach((row, i) => {
      for (const name of NAMES) {
        expect(online[name][i], `${name} of user ${i + 1}`).toStrictEqual(row[name]);
        if (row[name] !== null && row[name] !== 0n) present++;
      }
    });
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

  it("is not materialized (pushes keep it online)", async () => {
    await expect(store.materialize(new Date(0), new Date(), { featureViews: ["txn_stats"] })).rejects.toThrow(/windowed aggregations/);
  });
});
