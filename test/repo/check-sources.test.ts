import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Entity } from "../../runtime/src/definitions/entity";
import { FeatureView } from "../../runtime/src/definitions/feature-view";
import { FileSource } from "../../runtime/src/definitions/sources";
import { SchemaMismatchError } from "../../runtime/src/errors";
import { collectDefinitions } from "../../runtime/src/registry/compile";
import { writeRows } from "../offline/helpers/parquet";
import { featureRepo } from "../offline/helpers/repo";

// A source column whose type changed is caught by plan and apply when the source can be read
// (real parquet files read by DuckDB), naming the view, the column, the declared and stored type.

const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const source = new FileSource({ name: "stats_source", path: "data/stats.parquet", timestampField: "event_timestamp" });
const stats = new FeatureView({
  name: "stats", entities: [user], ttl: 0, source,
  schema: [{ name: "score", dtype: "Float64" }, { name: "visits", dtype: "Int32" }],
});
const later = new FeatureView({
  name: "stats", entities: [user], ttl: 3600, source,
  schema: [{ name: "score", dtype: "Float64" }, { name: "visits", dtype: "Int32" }],
});

async function write(dir: string, score: string, visits: string): Promise<void> {
  await writeRows(path.join(dir, "data/stats.parquet"),
    [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["score", score], ["visits", visits]],
    [[1, new Date("2024-01-01T00:00:00Z"), score === "VARCHAR" ? "0.5" : 0.5, 3]]);
}

describe("plan and apply read the sources' schemas", () => {
  it("refuse a float column now written as text, and write nothing", async () => {
    const { store, dir } = await featureRepo([user, stats]);
    try {
      await write(dir, "VARCHAR", "INTEGER");
      const message = `feature view stats: column score in source file ${path.join(dir, "data/stats.parquet")} is VARCHAR, but feature score is declared Float64`;
      await expect(store.plan(collectDefinitions([user, later]))).rejects.toThrow(message);
      const error = await store.apply(collectDefinitions([user, later])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaMismatchError);
      expect((error as Error).message).toBe(message);
      expect((await store.catalog()).featureViews()[0].ttlSeconds).toBe(0);
    } finally {
      await store.close();
    }
  });

  it("refuse an Int32 feature whose column is now Int64, and accept the data once it matches again", async () => {
    const { store, dir } = await featureRepo([user, stats]);
    try {
      await write(dir, "DOUBLE", "BIGINT");
      await expect(store.apply(collectDefinitions([user, later]))).rejects.toThrow(
        /feature view stats: column visits in source file .*stats\.parquet is BIGINT, but feature visits is declared Int32/);
      await write(dir, "DOUBLE", "INTEGER");
      const plan = await store.apply(collectDefinitions([user, later]));
      expect(plan.changes.length).toBeGreaterThan(0);
      expect((await store.catalog()).featureViews()[0].ttlSeconds).toBe(3600);
    } finally {
      await store.close();
    }
  });

  it("leave a source that is not there yet to retrieval time", async () => {
    const { store } = await featureRepo([user, stats]);
    try {
      const plan = await store.plan(collectDefinitions([user, later]));
      expect(plan.changes.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
