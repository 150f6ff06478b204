import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Entity } from "../../runtime/src/definitions/entity";
import { FeatureService } from "../../runtime/src/definitions/feature-service";
import { FeatureView } from "../../runtime/src/definitions/feature-view";
import { FileSource } from "../../runtime/src/definitions/sources";
import { writeRows } from "./helpers/parquet";
import { featureRepo, utc } from "./helpers/repo";
import { retriever, rowsOf, STRATEGIES } from "./helpers/retrieve";

// The point-in-time rule, one behaviour per test, each run with ASOF joins and with the portable
// window-function plan. Data is written to real parquet files by DuckDB.

const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const merchant = new Entity({ name: "merchant", joinKeys: ["merchant_id"], valueType: "String" });
const statsSource = new FileSource({
  name: "user_stats_source", path: "data/user_stats.parquet", timestampField: "event_timestamp", createdTimestampColumn: "created",
});
const userStats = new FeatureView({
  name: "user_stats", entities: [user], ttl: "1h", source: statsSource,
  schema: [{ name: "clicks", dtype: "Int64" }, { name: "ctr", dtype: "Float32" }, { name: "level", dtype: "Int32" }],
});
const userStatsV2 = new FeatureView({ name: "user_stats_v2", entities: [user], ttl: "1h", source: statsSource, schema: [{ name: "clicks", dtype: "Int64" }] });
const merchantRisk = new FeatureView({
  name: "merchant_risk", entities: [merchant], ttl: 0,
  source: new FileSource({ name: "merchant_source", path: "data/merchant.parquet", timestampField: "event_timestamp" }),
  schema: [{ name: "risk", dtype: "Float64" }],
});
const mappedStats = new FeatureView({
  name: "mapped_stats", entities: [user], ttl: "1d",
  source: new FileSource({
    name: "mapped_source", path: "data/mapped.parquet", timestampField: "event_timestamp",
    fieldMapping: { uid: "user_id", ts: "event_timestamp", n: "visits" },
  }),
  schema: [{ name: "visits", dtype: "Int32" }],
});
const datedView = new FeatureView({
  name: "dated", entities: [user], ttl: "2d",
  source: new FileSource({ name: "dated_source", path: "data/dated.parquet", timestampField: "day" }),
  schema: [{ name: "daily_total", dtype: "Float64" }],
});
const globalStats = new FeatureView({
  name: "global_stats", ttl: "1d",
  source: new FileSource({ name: "global_source", path: "data/global.parquet", timestampField: "event_timestamp" }),
  schema: [{ name: "total_users", dtype: "Int64" }],
});
const friendService = new FeatureService({
  name: "friends",
  features: [userStats.select("clicks"), userStats.select("level").withName("friend_stats").withJoinKeyMap({ user_id: "friend_id" })],
});

describe("getHistoricalFeatures point-in-time semantics", async () => {
  const { store, dir } = await featureRepo([user, merchant, userStats, userStatsV2, merchantRisk, mappedStats, datedView, globalStats, friendService]);
  const retrieve = retriever(store, dir);
  await writeRows(path.join(dir, "data/user_stats.parquet"),
    [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["created", "TIMESTAMPTZ"], ["clicks", "BIGINT"], ["ctr", "FLOAT"], ["level", "INTEGER"]],
    [
      [1, utc("2024-01-01T10:00"), utc("2024-01-01T10:00"), 1, 0.5, 10],
      [1, utc("2024-01-01T11:00"), utc("2024-01-01T11:01"), 2, 0.25, 20],
      [1, utc("2024-01-01T11:00"), utc("2024-01-01T11:05"), 3, 0.75, 30],
      [1, utc("2024-01-01T11:00"), null, 4, 1.5, 40],
      [1, utc("2024-01-01T12:30"), utc("2024-01-01T12:30"), 5, 2.5, 50],
      [2, utc("2024-01-01T09:00"), utc("2024-01-01T09:00"), 6, 3.5, 60],
      [2, utc("2024-01-01T08:00"), utc("2024-01-01T13:00"), 7, 4.5, 70],
    ]);
  await writeRows(path.join(dir, "data/merchant.parquet"), [["merchant_id", "VARCHAR"], ["event_timestamp", "TIMESTAMP"], ["risk", "DOUBLE"]],
    [["m1", "2023-01-01 00:00:00", 0.1], ["m1", "2024-01-01 11:30:00", 0.2], ["m2", "2024-01-01 10:59:59", 0.3]]);
  await writeRows(path.join(dir, "data/mapped.parquet"), [["uid", "BIGINT"], ["ts", "TIMESTAMP"], ["n", "SMALLINT"]],
    [[1, "2024-01-01 10:30:00", 3], [1, "2024-01-01 11:30:00", 4]]);
  await writeRows(path.join(dir, "data/dated.parquet"), [["user_id", "BIGINT"], ["day", "DATE"], ["daily_total", "DOUBLE"]],
    [[1, "2023-12-31", 12.5], [1, "2024-01-01", 20.0], [1, "2024-01-02", 7.5]]);

  await writeRows(path.join(dir, "data/global.parquet"), [["event_timestamp", "TIMESTAMPTZ"], ["total_users", "BIGINT"]],
    [[utc("2024-01-01T09:00"), 100], [utc("2024-01-01T11:00"), 120]]);

  for (const strategy of STRATEGIES) {
    describe(`with the ${strategy} plan`, () => {
      it("takes the latest row inside [entity_ts - ttl, entity_ts], both ends inclusive, ties by created timestamp", async () => {
        const entityDf = [
          { user_id: 1, event_timestamp: utc("2024-01-01T11:00") }, // ts == entity ts; the 11:05-created row wins the tie
          { user_id: 1, event_timestamp: utc("2024-01-01T11:59:59") },
          { user_id: 1, event_timestamp: utc("2024-01-01T12:00") }, // ts == entity ts - ttl
          { user_id: 1, event_timestamp: utc("2024-01-01T12:00:01") }, // one second past the TTL
          { user_id: 1, event_timestamp: utc("2024-01-01T12:30") },
          { user_id: 1, event_timestamp: utc("2024-01-01T09:59") }, // before any row
          { user_id: 3, event_timestamp: utc("2024-01-01T11:00") }, // unknown key
          { user_id: 2, event_timestamp: utc("2024-01-01T09:30") },
        ];
        const rows = await rowsOf(retrieve(strategy, { entityDf, features: ["user_stats:clicks", "user_stats:level"] }));
        expect(rows.map((r) => r.clicks)).toEqual([3n, 3n, 3n, null, 5n, null, null, 6n]);
        expect(rows.map((r) => r.level)).toEqual([30, 30, 30, null, 50, null, null, 60]);
      });

      it("keeps every entity row, duplicates included, in input order", async () => {
        const entityDf = [5, 1, 1, 2, 1, 5].map((id, i) => ({ user_id: id, event_timestamp: utc("2024-01-01T11:30"), row: i }));
        const rows = await rowsOf(retrieve(strategy, { entityDf, features: ["user_stats:clicks"] }));
        expect(rows.map((r) => [r.row, r.user_id, r.clicks])).toEqual([
          [0, 5n, null], [1, 1n, 3n], [2, 1n, 3n], [3, 2n, null], [4, 1n, 3n], [5, 5n, null],
        ]);
      });

      it("looks back without limit when the ttl is 0", async () => {
        const entityDf = [
          { merchant_id: "m1", event_timestamp: utc("2024-01-01T11:00") },
          { merchant_id: "m1", event_timestamp: utc("2024-01-01T11:30") },
          { merchant_id: "m1", event_timestamp: utc("2022-12-31T23:59:59") },
        ];
        const rows = await rowsOf(retrieve(strategy, { entityDf, features: ["merchant_risk:risk"] }));
        expect(rows.map((r) => r.risk)).toEqual([0.1, 0.2, null]);
      });

      it("joins several views with different entities in one call", async () => {
        const entityDf = [
          { user_id: 1, merchant_id: "m2", event_timestamp: utc("2024-01-01T11:00") },
          { user_id: 2, merchant_id: "m1", event_timestamp: utc("2024-01-01T09:30") },
          { user_id: 1, merchant_id: null, event_timestamp: utc("2024-01-01T10:45") },
        ];
        const rows = await rowsOf(retrieve(strategy, { entityDf, features: ["merchant_risk:risk", "user_stats:clicks", "mapped_stats:visits"] }));
        expect(rows).toEqual([
          { user_id: 1n, merchant_id: "m2", event_timestamp: utc("2024-01-01T11:00"), risk: 0.3, clicks: 3n, visits: 3 },
          { user_id: 2n, merchant_id: "m1", event_timestamp: utc("2024-01-01T09:30"), risk: 0.1, clicks: 6n, visits: null },
          { user_id: 1n, merchant_id: null, event_timestamp: utc("2024-01-01T10:45"), risk: null, clicks: 1n, visits: 3 },
        ]);
      });

      it("applies field_mapping to keys, timestamps and features (and widens SMALLINT to the declared Int32)", async () => {
        const rows = await rowsOf(retrieve(strategy, {
          entityDf: [{ user_id: 1, event_timestamp: utc("2024-01-01T11:29:59") }, { user_id: 1, event_timestamp: utc("2024-01-01T11:30") }],
          features: ["mapped_stats:visits"],
        }));
        expect(rows.map((r) => r.visits)).toEqual([3, 4]);
      });

      it("reads entity timestamps given as Dates, zoned ISO strings, naive ISO strings (UTC) and dates", async () => {
        const entityDf = [
          { user_id: 1, event_timestamp: "2024-01-01T13:00:00+02:00" }, // 11:00Z
          { user_id: 1, event_timestamp: "2024-01-01 11:00:00" }, // naive = UTC
          { user_id: 1, event_timestamp: "2024-01-01T10:59:59.999999Z" },
          { user_id: 1, event_timestamp: "2024-01-02" }, // midnight UTC
        ];
        const rows = await rowsOf(retrieve(strategy, { entityDf, features: ["user_stats:clicks", "dated:daily_total"] }));
        expect(rows.map((r) => r.event_timestamp)).toEqual([utc("2024-01-01T11:00"), utc("2024-01-01T11:00"), new Date("2024-01-01T10:59:59.999Z"), utc("2024-01-02T00:00")]);
        expect(rows.map((r) => r.clicks)).toEqual([3n, 3n, 1n, null]);
        // Source dates are midnight UTC: the 2024-01-02 row counts at exactly 2024-01-02T00:00Z.
        expect(rows.map((r) => r.daily_total)).toEqual([20, 20, 20, 7.5]);
      });

      it("ignores rows created after the entity timestamp only when createdTimestampCutoff is set", async () => {
        const entityDf = [
          { user_id: 2, event_timestamp: utc("2024-01-01T08:30") }, // the 08:00 row was created at 13:00
          { user_id: 1, event_timestamp: utc("2024-01-01T11:02") }, // ties at 11:00 created 11:01, 11:05 and unknown
        ];
        const plain = await rowsOf(retrieve(strategy, { entityDf, features: ["user_stats:clicks"] }));
        const cutoff = await rowsOf(retrieve(strategy, { entityDf, features: ["user_stats:clicks"], createdTimestampCutoff: true }));
        expect(plain.map((r) => r.clicks)).toEqual([7n, 3n]);
        expect(cutoff.map((r) => r.clicks)).toEqual([null, 2n]);
      });

      it("serves a feature service with aliases and a join key map, with full feature names", async () => {
        const entityDf = [{ user_id: 1, friend_id: 2, event_timestamp: utc("2024-01-01T09:30") }];
        const rows = await rowsOf(retrieve(strategy, { entityDf, features: friendService, fullFeatureNames: true }));
        expect(rows).toEqual([{ user_id: 1n, friend_id: 2n, event_timestamp: utc("2024-01-01T09:30"), user_stats__clicks: null, friend_stats__level: 60 }]);
      });

      it("joins an entityless view on time alone", async () => {
        const entityDf = [
          { user_id: 1, event_timestamp: utc("2024-01-01T10:59") },
          { user_id: 2, event_timestamp: utc("2024-01-01T11:00") },
          { user_id: 3, event_timestamp: utc("2024-01-01T08:00") },
        ];
        const rows = await rowsOf(retrieve(strategy, { entityDf, features: ["global_stats:total_users", "user_stats:clicks"] }));
        expect(rows.map((r) => [r.total_users, r.clicks])).toEqual([[100n, 1n], [120n, null], [null, null]]);
      });

      it("says which source row each value came from when asked", async () => {
        const rows = await rowsOf(retrieve(strategy, {
          entityDf: [{ user_id: 1, event_timestamp: utc("2024-01-01T11:30") }, { user_id: 1, event_timestamp: utc("2024-01-01T12:00:01") }],
          features: ["user_stats:clicks"], includeSourceTimestamps: true,
        }));
        expect(rows).toEqual([
          { user_id: 1n, event_timestamp: utc("2024-01-01T11:30"), clicks: 3n,
            user_stats__event_timestamp: utc("2024-01-01T11:00"), user_stats__created_timestamp: utc("2024-01-01T11:05") },
          { user_id: 1n, event_timestamp: utc("2024-01-01T12:00:01"), clicks: null, user_stats__event_timestamp: null, user_stats__created_timestamp: null },
        ]);
      });
    });
  }
});
