import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Entity } from "../../runtime/src/definitions/entity";
import { FeatureView } from "../../runtime/src/definitions/feature-view";
import { FileSource } from "../../runtime/src/definitions/sources";
import { Int64PrecisionError } from "../../runtime/src/errors";
import { writeRows } from "./helpers/parquet";
import { featureRepo, utc } from "./helpers/repo";

const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const source = new FileSource({ name: "stats_source", path: "data/stats.parquet", timestampField: "event_timestamp" });
const stats = new FeatureView({
  name: "stats", entities: [user], source,
  schema: [{ name: "clicks", dtype: "Int64" }, { name: "visits", dtype: "Int32" }, { name: "ids", dtype: "Array(Int64)" }],
});

// Real DuckDB over a real parquet file: the offline half of "one JavaScript type per Int64 column".
describe("getHistoricalFeatures rows and Int64", async () => {
  const { store, dir } = await featureRepo([user, stats]);
  await writeRows(path.join(dir, "data/stats.parquet"),
    [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["clicks", "BIGINT"], ["visits", "INTEGER"], ["ids", "BIGINT[]"]],
    [[1, utc("2024-01-01T10:00"), 5, 3, [1, 2]], [2, utc("2024-01-01T10:00"), 2n ** 60n, 4, [3]]]);
  const entityDf = [{ user_id: 1, event_timestamp: utc("2024-01-01T11:00") }, { user_id: 2, event_timestamp: utc("2024-01-01T11:00") }];
  const features = ["stats:clicks", "stats:visits", "stats:ids"];

  it("gives Int64 columns as bigint by default, whatever the value", async () => {
    const rows = await (await store.getHistoricalFeatures({ entityDf, features })).toRows();
    expect(rows.map((r) => [r.user_id, r.clicks, r.visits, r.ids])).toEqual([[1n, 5n, 3, [1n, 2n]], [2n, 2n ** 60n, 4, [3n]]]);
  });

  it("gives numbers when asked, and refuses a value a number cannot hold, naming the column and row", async () => {
    const first = await (await store.getHistoricalFeatures({ entityDf: entityDf.slice(0, 1), features, int64: "number" })).toRows();
    expect(first.map((r) => [r.user_id, r.clicks, r.visits, r.ids])).toEqual([[1, 5, 3, [1, 2]]]);
    const job = await store.getHistoricalFeatures({ entityDf, features, int64: "number" });
    const refused = job.toRows();
    await expect(refused).rejects.toThrow(Int64PrecisionError);
    await expect(refused).rejects.toThrow("clicks, row 1: the Int64 value 1152921504606846976 is past ±2^53");
  });
});
