import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Entity } from "../../runtime/src/definitions/entity";
import { FeatureView } from "../../runtime/src/definitions/feature-view";
import { FileSource } from "../../runtime/src/definitions/sources";
import { writeRows } from "../helpers/online-repo";
import { writeParquet } from "./helpers/parquet";
import { featureRepo, utc } from "./helpers/repo";
import { retriever, rowsOf, STRATEGIES } from "./helpers/retrieve";

// Exact ties: every entity has several rows with the same event (and created) timestamp and
// different values. Materialization, both point-in-time plans and validate must pick the same
// row (the total order's last key is a hash of the feature values), whatever the rows' order in
// the file, run after run.

const ENTITIES = 20_000;
const TIED = 4;
const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const schema = [{ name: "v", dtype: "Int64" as const }, { name: "s", dtype: "String" as const }];
const withCreated = new FeatureView({
  name: "with_created", entities: [user], ttl: 0, schema,
  source: new FileSource({ name: "with_created_source", path: "data/with_created.parquet", timestampField: "event_timestamp", createdTimestampColumn: "created" }),
});
const noCreated = new FeatureView({
  name: "no_created", entities: [user], ttl: 0, schema,
  source: new FileSource({ name: "no_created_source", path: "data/no_created.parquet", timestampField: "event_timestamp" }),
});

/** ENTITIES x TIED rows, all of one entity at one event (and created) time; `order` sorts the file. */
function tiedRows(order: "forward" | "backward"): string {
  return `
    SELECT (i // ${TIED})::BIGINT AS user_id,
      TIMESTAMPTZ '2024-03-01 00:00:00+00' + to_seconds(((i // ${TIED}) % 3600)::BIGINT) AS event_timestamp,
      TIMESTAMPTZ '2024-03-02 00:00:00+00' AS created,
      (hash(i, 'v') % 1000000)::BIGINT AS v, 'row ' || i AS s
    FROM range(${ENTITIES * TIED}) t(i)
    ORDER BY i ${order === "forward" ? "ASC" : "DESC"}`;
}

describe("exact ties pick one row on every path", async () => {
  const { store, dir } = await featureRepo([user, withCreated, noCreated]);
  const retrieve = retriever(store, dir);
  const write = async (order: "forward" | "backward") => {
    await writeParquet(path.join(dir, "data/with_created.parquet"), tiedRows(order));
    await writeParquet(path.join(dir, "data/no_created.parquet"), `SELECT * EXCLUDE (created) FROM (${tiedRows(order)})`);
  };
  await write("forward");
  const end = utc("2024-03-05T00:00");
  const entityDf = Array.from({ length: ENTITIES }, (_, i) => ({ user_id: i, event_timestamp: end }));
  const features = ["with_created:v", "with_created:s", "no_created:v", "no_created:s"];
  const historical = async (strategy: (typeof STRATEGIES)[number]) =>
    (await rowsOf(retrieve(strategy, { entityDf, features, fullFeatureNames: true }))).map((r) => features.map((f) => r[f.replace(":", "__")]));

  it("materialize stores, cell for cell, what both point-in-time plans give", async () => {
    await store.materialize(utc("2024-02-01T00:00"), end);
    const online = await store.getOnlineFeatures({ features, entityRows: entityDf.map((e) => ({ user_id: e.user_id })), fullFeatureNames: true });
    const served = online.toObject();
    const onlineRows = entityDf.map((_e, i) => features.map((f) => served[f.replace(":", "__")][i]));
    expect(onlineRows.every((r) => r.every((v) => v !== null))).toBe(true);
    for (const strategy of STRATEGIES) {
      // Int64 is bigint on both paths: the rows compare as they come.
      expect(await historical(strategy)).toEqual(onlineRows);
    }
    expect((await store.validate()).mismatches).toBe(0);
  }, 240_000);

  it("is the same pick run after run, whatever the rows' order in the file", async () => {
    const first = await historical("auto");
    expect(await historical("auto")).toEqual(first);
    await write("backward");
    expect(await historical("auto")).toEqual(first);
    expect(await historical("window")).toEqual(first);
    expect((await store.validate()).mismatches).toBe(0);
  }, 240_000);

  it("validate compares the row training picks: another tied row online is a discrepancy", async () => {
    // Write, for 10 entities, a tied row that is not the pick (same event time, so SQLite takes it).
    const picks = await historical("auto");
    const others = Array.from({ length: 10 }, (_, user) => ({ user_id: user, v: 1_000_000 + user, s: "not the pick" }));
    const eventTime = (user: number) => new Date(Date.UTC(2024, 2, 1) + (user % 3600) * 1000);
    for (const row of others) await writeRows(store, "no_created", [{ ...row, event_timestamp: eventTime(row.user_id) }], eventTime(row.user_id));
    const report = await store.validate({ featureViews: ["no_created"] });
    expect(report.mismatches).toBe(20);
    expect(report.examples.find((e) => e.feature === "s")).toMatchObject({ view: "no_created", online: "not the pick" });
    expect(picks[0][2]).not.toBe(1_000_000n);
  }, 240_000);
});
