import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Entity } from "../../runtime/src/definitions/entity";
import { FeatureService } from "../../runtime/src/definitions/feature-service";
import { FeatureView } from "../../runtime/src/definitions/feature-view";
import { OnDemandFeatureView } from "../../runtime/src/definitions/on-demand-feature-view";
import { FileSource, RequestSource } from "../../runtime/src/definitions/sources";
import { RequestDataNotFoundError, TransformError, UnsupportedTransformError } from "../../runtime/src/errors";
import { FeatureStore } from "../../runtime/src/feature-store";
import { definitions, scratchDir } from "../helpers/online-repo";
import { writeRows } from "../offline/helpers/parquet";
import { seededRandom, TEST_SEED } from "../helpers/random";

const SEED = TEST_SEED;
const rand = seededRandom(SEED);
const USERS = 40;

const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const statsSource = new FileSource({ name: "stats_source", path: "data/stats.parquet", timestampField: "event_timestamp" });
const stats = new FeatureView({
  name: "user_stats", entities: [user], ttl: 0, source: statsSource,
  schema: [{ name: "spend", dtype: "Float64" }, { name: "clicks", dtype: "Int64" }, { name: "label", dtype: "String" }],
});
const txn = new RequestSource({ name: "txn", schema: [{ name: "amount", dtype: "Float64" }, { name: "bonus", dtype: "Int64" }] });
const risk = new OnDemandFeatureView({
  name: "risk", sources: [stats, txn],
  schema: [
    { name: "ratio", dtype: "Float64" }, { name: "total", dtype: "Int64" }, { name: "big", dtype: "Bool" },
    { name: "scaled", dtype: "Float32" }, { name: "tag", dtype: "String" },
  ],
  transform: (row) => ({
    ratio: row.spend === null ? null : (row.amount as number) / ((row.spend as number) || 1),
    total: row.clicks === null ? null : (row.clicks as bigint) + (row.bonus as bigint),
    big: (row.amount as number) > 50,
    scaled: row.spend === null ? null : (row.spend as number) * 1.1,
    tag: `${(row.label as string | null) ?? "none"}:${String(row.bonus)}`,
  }),
});
const service = new FeatureService({ name: "risk_v1", features: [stats.select("clicks"), risk.select("ratio", "tag")] });

describe("a TypeScript on-demand view", () => {
  let dir: string;
  let store: FeatureStore;
  const now = new Date();
  const entityRows: { user_id: number; amount: number; bonus: number }[] = [];

  beforeAll(async () => {
    dir = scratchDir();
    mkdirSync(path.join(dir, "data"));
    const start = now.getTime() - 3 * 86400_000;
    const rows: unknown[][] = [];
    for (let i = 0; i < 300; i++) {
      const id = 1 + Math.floor(rand() * USERS);
      const ts = new Date(start + Math.floor(rand() * 3 * 86400) * 1000);
      rows.push([id, ts, rand() < 0.1 ? null : Math.round(rand() * 1e6) / 1e3, rand() < 0.1 ? null : Math.floor(rand() * 1000), rand() < 0.2 ? null : `l${Math.floor(rand() * 5)}`]);
    }
    await writeRows(path.join(dir, "data", "stats.parquet"),
      [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["spend", "DOUBLE"], ["clicks", "BIGINT"], ["label", "VARCHAR"]], rows);
    store = await FeatureStore.open(FeatureStore.configFrom({
      project: "odfv",
      registry: { path: path.join(dir, "data", "registry.db"), cache_ttl_seconds: 600 },
      online_store: { type: "sqlite", path: path.join(dir, "data", "online.db") },
      offline_store: { type: "file" },
    }, dir), { onDemandFeatureViews: [risk] });
    await store.apply(definitions(user, statsSource, stats, txn, risk, service));
    await store.materialize(new Date(start - 1000), now);
    // users 1..USERS+5: a few have no row at all, so null inputs reach the transform
    for (let id = 1; id <= USERS + 5; id++) {
      entityRows.push({ user_id: id, amount: Math.round(rand() * 100_000) / 1000, bonus: Math.floor(rand() * 20) - 10 });
    }
  }, 120_000);

  afterAll(async () => {
    await store?.close();
  });

  it(`gives the same values offline and online, cell for cell, on a randomized input (seed ${SEED})`, async () => {
    const features = ["risk:ratio", "risk:total", "risk:big", "risk:scaled", "risk:tag", "user_stats:spend"];
    const job = await store.getHistoricalFeatures({ entityDf: entityRows.map((r) => ({ ...r, event_timestamp: now })), features });
    const offline = await job.toRows();
    const online = (await store.getOnlineFeatures({ features, entityRows, int64: "bigint" })).toObject();
    expect(Object.keys(online)).toEqual(["user_id", "ratio", "total", "big", "scaled", "tag", "spend"]);
    expect(offline).toHaveLength(entityRows.length);
    let nonNull = 0;
    offline.forEach((row, i) => {
      for (const name of ["ratio", "total", "big", "scaled", "tag", "spend"]) {
        expect(online[name][i], `${name} of user ${entityRows[i].user_id}`).toStrictEqual(row[name]);
        if (row[name] !== null) nonNull++;
      }
    });
    expect(nonNull).toBeGreaterThan(entityRows.length * 3);
    // the training set keeps the request data (entity columns), as Feast's does
    expect(offline[0]).toMatchObject({ amount: entityRows[0].amount, bonus: entityRows[0].bonus });
    // parquet and Arrow carry the same values with the declared types
    const table = await job.toArrow();
    expect(table.schema.fields.find((f) => f.name === "scaled")!.type.toString()).toBe("Float32");
    expect(table.schema.fields.find((f) => f.name === "total")!.type.toString()).toBe("Int64");
    expect(Array.from(table.getChild("scaled")!.toArray() as Float32Array)).toEqual(offline.map((r) => r.scaled ?? 0));
    await job.close();
  }, 120_000);

  it("is planned as Feast's object kind, and applying again changes nothing", async () => {
    const defs = definitions(user, statsSource, stats, txn, risk, service);
    expect((await store.plan(defs)).changes).toEqual([]);
    const model = (await store.registry.read()).model;
    const proto = model.get("onDemandFeatureView", "odfv", "risk")!;
    expect(proto.spec!.mode).toBe("typescript");
    expect(proto.spec!.feature_transformation!.user_defined_function!.body_text).toBe(String(risk.transform));
    expect(proto.spec!.feature_transformation!.user_defined_function!.body ?? new Uint8Array()).toHaveLength(0);
    expect(Object.keys(proto.spec!.sources!).sort()).toEqual(["txn", "user_stats"]);
    expect(model.get("dataSource", "odfv", "txn")?.type).toBe(7);   // REQUEST_SOURCE, registered at the top level as Feast does
  });

  it("works through a feature service mixing a view and an on-demand view", async () => {
    const rows = entityRows.slice(0, 5);
    const online = (await store.getOnlineFeatures({ featureService: "risk_v1", entityRows: rows })).toObject();
    expect(Object.keys(online)).toEqual(["user_id", "clicks", "ratio", "tag"]);
    const offline = await (await store.getHistoricalFeatures({
      entityDf: rows.map((r) => ({ ...r, event_timestamp: now })), features: { featureService: "risk_v1" },
    })).toRows();
    expect(offline.map((r) => r.tag)).toEqual(online.tag);
    expect(offline.map((r) => r.ratio)).toEqual(online.ratio);
  }, 60_000);

  it("is refused with Feast's message when the request data is missing", async () => {
    await expect(store.getOnlineFeatures({ features: ["risk:ratio"], entityRows: [{ user_id: 1, amount: 1 }] }))
      .rejects.toThrow(RequestDataNotFoundError);
    await expect(store.getOnlineFeatures({ features: ["risk:ratio"], entityRows: [{ user_id: 1, amount: 1 }] }))
      .rejects.toThrow("Required request data source features ['bonus'] not found in the entity rows");
  });

  it("refuses a transform other than the one applied, and names the view, feature and row of a value of the wrong type", async () => {
    const edited = new OnDemandFeatureView({ name: "risk", sources: [stats, txn], schema: [...risk.schema], transform: () => ({ ratio: "x" }) });
    const wrong = await FeatureStore.open(store.config, { onDemandFeatureViews: [edited] });
    try {
      await expect(wrong.getOnlineFeatures({ features: ["risk:ratio"], entityRows: [{ user_id: 1, amount: 1, bonus: 1 }] }))
        .rejects.toThrow(UnsupportedTransformError);   // another function than the one applied
    } finally {
      await wrong.close();
    }
    const applied = await FeatureStore.open(store.config, { onDemandFeatureViews: [risk] });
    const odd = new OnDemandFeatureView({ name: "odd", sources: [txn], schema: [{ name: "n", dtype: "Int64" }], transform: (row) => ({ n: (row.amount as number) / 3 }) });
    try {
      await applied.apply(definitions(user, statsSource, stats, txn, risk, service, odd));
      const withOdd = await FeatureStore.open(store.config, { onDemandFeatureViews: [risk, odd] });
      await expect(withOdd.getOnlineFeatures({ features: ["odd:n"], entityRows: [{ amount: 1, bonus: 1 }] }))
        .rejects.toThrow(/on demand feature view odd: feature n on row 0: number 0\.333+ does not fit Int64/);
      await expect(withOdd.getOnlineFeatures({ features: ["odd:n"], entityRows: [{ amount: 1, bonus: 1 }] })).rejects.toThrow(TransformError);
      await withOdd.close();
    } finally {
      await applied.close();
    }
  }, 60_000);
});
