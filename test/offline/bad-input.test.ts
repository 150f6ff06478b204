import { existsSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Entity } from "../../runtime/src/definitions/entity";
import { FeatureView } from "../../runtime/src/definitions/feature-view";
import { FileSource } from "../../runtime/src/definitions/sources";
import {
  DataSourceNotFoundError, FeatureReferenceError, InvalidArgumentError, ObjectNotFoundError, SchemaMismatchError,
} from "../../runtime/src/errors";
import { writeRows } from "./helpers/parquet";
import { featureRepo, utc } from "./helpers/repo";

// Bad input gets an error naming the file, object or column and the problem.

const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const source = (file: string) => new FileSource({ name: `${file}_source`, path: `data/${file}.parquet`, timestampField: "event_timestamp" });
const good = new FeatureView({ name: "good", entities: [user], source: source("good"), schema: [{ name: "clicks", dtype: "Int64" }] });
const alsoClicks = new FeatureView({ name: "also_clicks", entities: [user], source: source("good"), schema: [{ name: "clicks", dtype: "Int64" }] });
const noFile = new FeatureView({ name: "no_file", entities: [user], source: source("absent"), schema: [{ name: "clicks", dtype: "Int64" }] });
const doubled = new FeatureView({ name: "doubled", entities: [user], source: source("doubled"), schema: [{ name: "clicks", dtype: "Int64" }] });
const narrowed = new FeatureView({ name: "narrowed", entities: [user], source: source("good"), schema: [{ name: "clicks", dtype: "Int32" }] });
const missingColumn = new FeatureView({ name: "missing_column", entities: [user], source: source("good"), schema: [{ name: "views", dtype: "Int64" }] });
const badTimestamp = new FeatureView({ name: "bad_timestamp", entities: [user], source: source("bad_ts"), schema: [{ name: "clicks", dtype: "Int64" }] });

describe("getHistoricalFeatures rejects bad input", async () => {
  const { store, dir } = await featureRepo([user, good, alsoClicks, noFile, doubled, narrowed, missingColumn, badTimestamp]);
  await writeRows(path.join(dir, "data/good.parquet"), [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["clicks", "BIGINT"]],
    [[1, utc("2024-01-01T10:00"), 5]]);
  await writeRows(path.join(dir, "data/doubled.parquet"), [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["clicks", "DOUBLE"]],
    [[1, utc("2024-01-01T10:00"), 5.5]]);
  await writeRows(path.join(dir, "data/bad_ts.parquet"), [["user_id", "BIGINT"], ["event_timestamp", "VARCHAR"], ["clicks", "BIGINT"]],
    [[1, "yesterday", 5]]);
  await writeRows(path.join(dir, "data/string_keys.parquet"), [["user_id", "VARCHAR"], ["event_timestamp", "TIMESTAMPTZ"]],
    [["u1", utc("2024-01-01T11:00")]]);
  const row = { user_id: 1, event_timestamp: utc("2024-01-01T11:00") };
  const fetch = (entityDf: Parameters<typeof store.getHistoricalFeatures>[0]["entityDf"], features: string[] = ["good:clicks"]) =>
    store.getHistoricalFeatures({ entityDf, features });

  it("an entity without event_timestamp", async () => {
    const call = fetch([{ user_id: 1, ts: utc("2024-01-01T11:00") }]);
    await expect(call).rejects.toThrow(SchemaMismatchError);
    await expect(call).rejects.toThrow("entityDf (rows) has no event_timestamp column (its columns: user_id, ts)");
  });

  it("an entity without a join key column", async () => {
    const call = fetch([{ uid: 1, event_timestamp: utc("2024-01-01T11:00") }]);
    await expect(call).rejects.toThrow(SchemaMismatchError);
    await expect(call).rejects.toThrow("entityDf (rows) has no user_id column, the join key of feature view good");
  });

  it("an entity timestamp that is not a timestamp, naming the column", async () => {
    await expect(fetch([{ ...row, event_timestamp: "not a time" }])).rejects.toThrow(/event_timestamp has a value that is not a timestamp/);
    await expect(fetch([{ ...row, event_timestamp: 1704106800 }])).rejects.toThrow(/entity row 0: event_timestamp is number 1704106800/);
    await expect(fetch([row, { ...row, event_timestamp: null }])).rejects.toThrow(/event_timestamp is missing in 1 row\(s\), the first being row 1/);
  });

  it("an entity join key of the wrong kind, naming the row or file and column", async () => {
    await expect(fetch([row, { ...row, user_id: "u1" }])).rejects.toThrow(/entity row 1: column user_id is string "u1", expected an integer \(Int64\)/);
    const fromFile = fetch("data/string_keys.parquet");
    await expect(fromFile).rejects.toThrow(SchemaMismatchError);
    await expect(fromFile).rejects.toThrow(/string_keys\.parquet\): join key column user_id is VARCHAR, but the feature view declares it Int64/);
  });

  it("an entity file that does not exist, or a string that is neither a file nor a query", async () => {
    await expect(fetch("data/nowhere.parquet")).rejects.toThrow(/entity file .*nowhere\.parquet does not exist/);
    await expect(fetch("nowhere")).rejects.toThrow(InvalidArgumentError);
    await expect(fetch([])).rejects.toThrow("entityDf has no rows");
  });

  it("a failing entity query, carrying DuckDB's message", async () => {
    await expect(fetch("SELECT * FROM no_such_table")).rejects.toThrow(/no_such_table/);
  });

  it("a reference to an unknown view or feature, or a malformed one", async () => {
    await expect(fetch([row], ["nope:clicks"])).rejects.toThrow(ObjectNotFoundError);
    await expect(fetch([row], ["nope:clicks"])).rejects.toThrow("feature view nope does not exist in project offline_test");
    await expect(fetch([row], ["good:nope"])).rejects.toThrow(FeatureReferenceError);
    await expect(fetch([row], ["good:nope"])).rejects.toThrow("feature view good has no feature nope");
    await expect(fetch([row], ["good"])).rejects.toThrow(/malformed/);
  });

  it("two features with the same name without fullFeatureNames", async () => {
    await expect(fetch([row], ["good:clicks", "also_clicks:clicks"])).rejects.toThrow(FeatureReferenceError);
    const job = await store.getHistoricalFeatures({ entityDf: [row], features: ["good:clicks", "also_clicks:clicks"], fullFeatureNames: true });
    expect(job.columns).toEqual(["user_id", "event_timestamp", "good__clicks", "also_clicks__clicks"]);
    await job.close();
  });

  it("an entity column that clashes with a feature name", async () => {
    await expect(fetch([{ ...row, clicks: 3 }])).rejects.toThrow("entityDf (rows) already has a column clicks, which is also a requested feature");
  });

  it("a source file that does not exist, naming it", async () => {
    const call = fetch([row], ["no_file:clicks"]);
    await expect(call).rejects.toThrow(DataSourceNotFoundError);
    await expect(call).rejects.toThrow(`feature view no_file: source absent_source file ${path.join(dir, "data/absent.parquet")} does not exist`);
  });

  it("a source column whose type contradicts the declared one: DOUBLE for Int64, BIGINT for Int32", async () => {
    const call = fetch([row], ["doubled:clicks"]);
    await expect(call).rejects.toThrow(SchemaMismatchError);
    await expect(call).rejects.toThrow(`column clicks in source file ${path.join(dir, "data/doubled.parquet")} is DOUBLE, but feature clicks is declared Int64`);
    await expect(fetch([row], ["narrowed:clicks"])).rejects.toThrow(/column clicks in source file .*good\.parquet is BIGINT, but feature clicks is declared Int32/);
  });

  it("a source without a declared column, or with a timestamp that is not one", async () => {
    await expect(fetch([row], ["missing_column:views"])).rejects.toThrow(/good\.parquet has no column views \(feature views\)/);
    await expect(fetch([row], ["bad_timestamp:clicks"])).rejects.toThrow(/event timestamp column event_timestamp in source file .*bad_ts\.parquet is VARCHAR, not a timestamp or date/);
  });

  it("entity SQL that is more than one SELECT statement, running none of it", async () => {
    const written = path.join(dir, "stolen.csv");
    const select = "select 1::BIGINT as user_id, TIMESTAMPTZ '2024-01-01 11:00:00+00' as event_timestamp";
    const attacks = [
      `${select}); COPY (select 42) TO '${written}'; select * from (${select}`,
      `${select}; COPY (select 42) TO '${written}'`,
      `COPY (select 42) TO '${written}'`,
      `CREATE TABLE stolen AS ${select}`,
    ];
    for (const sql of attacks) {
      const call = fetch({ sql });
      await expect(call).rejects.toThrow(InvalidArgumentError);
      await expect(call).rejects.toThrow(/entityDf \(query\) (has 2 statements|has 3 statements|is a (COPY|CREATE) statement|is not valid SQL)/);
      expect(existsSync(written)).toBe(false);
    }
    // One SELECT still works, with a trailing semicolon or a trailing comment.
    for (const sql of [`${select};`, `${select} -- the entity rows`]) {
      const rows = await (await fetch({ sql })).toRows();
      expect(rows).toEqual([{ user_id: 1n, event_timestamp: utc("2024-01-01T11:00"), clicks: 5n }]);
    }
  });
});
