import { existsSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import * as arrow from "apache-arrow";
import { describe, expect, it } from "vitest";
import { Entity } from "../../runtime/src/definitions/entity";
import { FeatureView } from "../../runtime/src/definitions/feature-view";
import { FileSource } from "../../runtime/src/definitions/sources";
import { InvalidArgumentError } from "../../runtime/src/errors";
import { writeRows } from "./helpers/parquet";
import { featureRepo, utc } from "./helpers/repo";
import { rowsOf } from "./helpers/retrieve";

// Inputs (rows, parquet, SQL) and outputs (rows, Arrow, parquet) of a retrieval job.

const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const stats = new FeatureView({
  name: "stats", entities: [user], ttl: "1d",
  source: new FileSource({ name: "stats_source", path: "data/stats.parquet", timestampField: "event_timestamp" }),
  schema: [
    { name: "clicks", dtype: "Int64" }, { name: "level", dtype: "Int32" }, { name: "ctr", dtype: "Float32" },
    { name: "name", dtype: "String" }, { name: "active", dtype: "Bool" }, { name: "tags", dtype: "Array(Int64)" },
    { name: "last_seen", dtype: "UnixTimestamp" },
  ],
});

async function describeParquet(file: string): Promise<{ columns: Record<string, string>; rows: Record<string, unknown>[] }> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const types = await (await connection.run(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjectsJS();
    const rows = await (await connection.run(`SELECT * FROM read_parquet('${file}')`)).getRowObjectsJS();
    return { columns: Object.fromEntries(types.map((t) => [String(t.column_name), String(t.column_type)])), rows };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe("retrieval jobs", async () => {
  const { store, dir } = await featureRepo([user, stats]);
  await writeRows(path.join(dir, "data/stats.parquet"),
    [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["clicks", "BIGINT"], ["level", "INTEGER"], ["ctr", "FLOAT"],
      ["name", "VARCHAR"], ["active", "BOOLEAN"], ["tags", "BIGINT[]"], ["last_seen", "TIMESTAMP"]],
    [
      [1, utc("2024-01-01T10:00"), 9007199254740993n, -7, 0.5, "ann", true, [1, 2], "2023-12-31 23:00:00.123456"],
      [2, utc("2024-01-01T10:00"), 2, 2147483647, 1.25, "bob", false, [], null],
    ]);
  await writeRows(path.join(dir, "data/entities.parquet"), [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMP"], ["label", "INTEGER"]],
    Array.from({ length: 3000 }, (_, i) => [(i * 7) % 3, `2024-01-01 ${i % 2 ? "11" : "09"}:00:00`, i]));
  const features = ["stats:clicks", "stats:level", "stats:ctr", "stats:name", "stats:active", "stats:tags", "stats:last_seen"];

  it("toArrow keeps the stored types: Int32 stays Int32, Int64 stays Int64, timestamps are UTC microseconds", async () => {
    const job = await store.getHistoricalFeatures({ entityDf: [{ user_id: 1, event_timestamp: utc("2024-01-01T11:00"), label: 1 }], features });
    const table = await job.toArrow();
    await job.close();
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, f.type.toString()]));
    expect(types).toEqual({
      user_id: "Int64", event_timestamp: "Timestamp<MICROSECOND, UTC>", label: "Float64", clicks: "Int64", level: "Int32",
      ctr: "Float32", name: "Utf8", active: "Bool", tags: "List<Int64>", last_seen: "Timestamp<MICROSECOND, UTC>",
    });
    expect(table.schema.fields.map((f) => f.name)).toEqual(["user_id", "event_timestamp", "label", ...features.map((f) => f.split(":")[1])]);
    const row = table.get(0)!.toJSON();
    expect(row.clicks).toBe(9007199254740993n);
    expect(row.level).toBe(-7);
    expect(table.getChild("last_seen")!.data[0].values[0]).toBe(1704063600123456n);
    expect([...table.getChild("tags")!.get(0)!]).toEqual([1n, 2n]);
    expect(table.getChild("level")!.type).toBeInstanceOf(arrow.Int32);
  });

  it("toParquet streams a file with the same types, and writes nothing when the query fails", async () => {
    const job = await store.getHistoricalFeatures({ entityDf: "data/entities.parquet", features });
    const target = path.join(dir, "train.parquet");
    const written = await job.toParquet(target);
    expect(written).toEqual({ path: target, rows: 3000 });
    const { columns, rows } = await describeParquet(target);
    expect(columns).toMatchObject({ user_id: "BIGINT", label: "INTEGER", clicks: "BIGINT", level: "INTEGER", ctr: "FLOAT", tags: "BIGINT[]" });
    expect(columns.event_timestamp).toBe("TIMESTAMP WITH TIME ZONE");
    // Entity rows from a parquet file keep the file's order and its naive timestamps read as UTC.
    expect(rows.map((r) => r.label)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(rows[1]).toMatchObject({ user_id: 1n, event_timestamp: utc("2024-01-01T11:00"), clicks: 9007199254740993n, name: "ann" });
    expect(rows[0]).toMatchObject({ user_id: 0n, clicks: null });
    await expect(job.toParquet(path.join(dir, "no-such-folder", "train.parquet"))).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.includes("partial"))).toEqual([]);
    await job.close();
  });

  it("takes entity rows from a SQL query against the offline store (relative paths are the repo's)", async () => {
    const query = "SELECT user_id, event_timestamp, label FROM read_parquet('data/entities.parquet') WHERE label < 4 ORDER BY label DESC";
    for (const entityDf of [query, { sql: query }]) {
      const rows = await rowsOf(store.getHistoricalFeatures({ entityDf, features: ["stats:name"] }));
      expect(rows.map((r) => [r.label, r.name])).toEqual([[3, null], [2, null], [1, "ann"], [0, null]]);
    }
  });

  it("takes entity rows from a parquet path given as { parquet }", async () => {
    const rows = await rowsOf(store.getHistoricalFeatures({ entityDf: { parquet: path.join(dir, "data/entities.parquet") }, features: ["stats:level"] }));
    expect(rows).toHaveLength(3000);
    expect(rows.slice(0, 6).map((r) => r.level)).toEqual([null, -7, null, null, null, 2147483647]);
  });

  it("keeps the entity rows' extra columns and their JS types", async () => {
    const rows = await rowsOf(store.getHistoricalFeatures({
      entityDf: [{ user_id: 2n, event_timestamp: utc("2024-01-01T11:00"), label: 0.5, note: "x", ok: true, seen: utc("2020-01-01T00:00") }],
      features: ["stats:active"],
    }));
    expect(rows).toEqual([{ user_id: 2n, event_timestamp: utc("2024-01-01T11:00"), label: 0.5, note: "x", ok: true, seen: utc("2020-01-01T00:00"), active: false }]);
  });

  it("rejects use after close", async () => {
    const job = await store.getHistoricalFeatures({ entityDf: [{ user_id: 1, event_timestamp: utc("2024-01-01T11:00") }], features: ["stats:clicks"] });
    await job.close();
    await expect(job.toRows()).rejects.toThrow(InvalidArgumentError);
    expect(existsSync(path.join(dir, "data/stats.parquet"))).toBe(true);
  });
});
