import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Entity } from "../../../runtime/src/definitions/entity";
import { FeatureView, type FeatureViewOptions } from "../../../runtime/src/definitions/feature-view";
import { FileSource } from "../../../runtime/src/definitions/sources";
import { DataSourceNotFoundError, InvalidArgumentError, SchemaMismatchError } from "../../../runtime/src/errors";
import { DuckDBOfflineStore } from "../../../runtime/src/offline/duckdb/duckdb-offline-store";
import type { PulledBatch } from "../../../runtime/src/offline/offline-store";
import type { FeatureViewInfo } from "../../../runtime/src/registry/catalog";
import { writeRows } from "../helpers/parquet";
import { featureRepo, utc } from "../helpers/repo";

const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });

function view(name: string, file: string, options: { created?: string; fieldMapping?: Record<string, string>; schema?: FeatureViewOptions["schema"] } = {}) {
  return new FeatureView({
    name,
    entities: [user],
    ttl: "1d",
    source: new FileSource({
      name: `${name}_source`, path: `data/${file}`, timestampField: "event_timestamp",
      createdTimestampColumn: options.created, fieldMapping: options.fieldMapping,
    }),
    schema: options.schema ?? [{ name: "clicks", dtype: "Int64" }, { name: "score", dtype: "Float32" }],
  });
}

async function pullAll(store: DuckDBOfflineStore, info: FeatureViewInfo, start: Date, end: Date, batchRows?: number) {
  const batches: PulledBatch[] = [];
  for await (const batch of store.pullLatest(info, start, end, { batchRows })) batches.push(batch);
  const rows: Record<string, unknown>[] = [];
  for (const b of batches) {
    for (let i = 0; i < b.rowCount; i++) {
      rows.push({
        ...Object.fromEntries(info.joinKeys.map((k, j) => [k.name, b.joinKeyColumns[j][i]])),
        event_timestamp: b.eventTimestamps[i],
        created: b.createdTimestamps?.[i],
        ...Object.fromEntries(info.features.map((f, j) => [f.name, b.featureColumns[j][i]])),
      });
    }
  }
  rows.sort((a, b) => Number((a.user_id as bigint) - (b.user_id as bigint)));
  return { batches, rows };
}

describe("DuckDBOfflineStore.pullLatest", async () => {
  const history = view("history", "history.parquet", { created: "created" });
  const mapped = view("mapped", "mapped.parquet", { fieldMapping: { uid: "user_id", ts: "event_timestamp", n_clicks: "clicks" } });
  const wrongType = view("wrong_type", "wrong_type.parquet");
  const missingColumn = view("missing_column", "missing_column.parquet");
  const missingFile = view("missing_file", "nowhere.parquet");
  const entityless = new FeatureView({
    name: "entityless", source: new FileSource({ name: "entityless_source", path: "data/entityless.parquet", timestampField: "event_timestamp" }),
    schema: [{ name: "total", dtype: "Int32" }],
  });
  const { store, dir } = await featureRepo([user, history, mapped, wrongType, missingColumn, missingFile, entityless]);
  const catalog = await store.catalog();
  const offline = new DuckDBOfflineStore({ repoPath: dir, threads: 2 });
  afterAll(() => offline.close());

  await writeRows(path.join(dir, "data/history.parquet"),
    [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["created", "TIMESTAMPTZ"], ["clicks", "BIGINT"], ["score", "FLOAT"]],
    [
      // user 1: the 10:00 row wins the tie on created; the 12:00 row is past `end`.
      [1, utc("2024-01-01T09:00"), utc("2024-01-01T09:00"), 1, 0.5],
      [1, utc("2024-01-01T10:00"), utc("2024-01-01T10:05"), 2, 1.5],
      [1, utc("2024-01-01T10:00"), utc("2024-01-01T10:09"), 3, 2.5],
      [1, utc("2024-01-01T10:00"), null, 4, 3.5],
      [1, utc("2024-01-01T12:00"), utc("2024-01-01T12:00"), 5, 4.5],
      // user 2: only a row exactly at `start` (inclusive) and one before it.
      [2, utc("2024-01-01T07:59:59"), utc("2024-01-01T08:00"), 6, 5.5],
      [2, utc("2024-01-01T08:00"), utc("2024-01-01T08:00"), 7, null],
      // user 3: only a row exactly at `end` (inclusive).
      [3, utc("2024-01-01T11:00"), utc("2024-01-01T11:00"), 8, 6.5],
      // user 4: nothing inside the window.
      [4, utc("2024-01-01T07:00"), utc("2024-01-01T07:00"), 9, 7.5],
    ]);

  it("returns the latest row per key inside [start, end], ties broken by the greatest created timestamp", async () => {
    const { rows } = await pullAll(offline, catalog.featureView("history"), utc("2024-01-01T08:00"), utc("2024-01-01T11:00"));
    expect(rows).toEqual([
      { user_id: 1n, event_timestamp: utc("2024-01-01T10:00"), created: utc("2024-01-01T10:09"), clicks: 3n, score: 2.5 },
      { user_id: 2n, event_timestamp: utc("2024-01-01T08:00"), created: utc("2024-01-01T08:00"), clicks: 7n, score: null },
      { user_id: 3n, event_timestamp: utc("2024-01-01T11:00"), created: utc("2024-01-01T11:00"), clicks: 8n, score: 6.5 },
    ]);
  });

  it("streams in batches of about batchRows rows", async () => {
    const keys = 5000;
    const big = view("big", "big.parquet", { created: "created" });
    const { store: bigStore, dir: bigDir } = await featureRepo([user, big]);
    const rows = Array.from({ length: keys * 2 }, (_, i) => [i % keys, new Date(Date.UTC(2024, 0, 1, i < keys ? 1 : 2)), null, i, 0.25]);
    await writeRows(path.join(bigDir, "data/big.parquet"),
      [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["created", "TIMESTAMPTZ"], ["clicks", "BIGINT"], ["score", "FLOAT"]], rows);
    const bigOffline = new DuckDBOfflineStore({ repoPath: bigDir });
    try {
      const pulled = await pullAll(bigOffline, (await bigStore.catalog()).featureView("big"), utc("2024-01-01T00:00"), utc("2024-01-02T00:00"), 1000);
      expect(pulled.batches.length).toBeGreaterThan(3);
      // the first batch says how many rows the whole pull yields (materialization's ETA)
      expect(pulled.batches.map((b) => b.totalRows)).toEqual([keys, ...pulled.batches.slice(1).map(() => undefined)]);
      expect(pulled.batches.every((b) => b.rowCount <= 1000 + 2048)).toBe(true);
      expect(pulled.rows).toHaveLength(keys);
      expect(pulled.rows.every((r) => (r.clicks as bigint) >= BigInt(keys))).toBe(true);
      // batches larger than DuckDB's 2,048-row chunks join several chunks, row for row
      const joined = await pullAll(bigOffline, (await bigStore.catalog()).featureView("big"), utc("2024-01-01T00:00"), utc("2024-01-02T00:00"), 4500);
      expect(joined.batches.length).toBeLessThan(pulled.batches.length);
      expect(joined.batches.some((b) => b.rowCount > 2048)).toBe(true);
      expect(joined.rows.map((r) => Number(r.clicks) - Number(r.user_id)).every((d) => d === keys)).toBe(true);
      expect(new Set(joined.rows.map((r) => Number(r.user_id))).size).toBe(keys);
    } finally {
      await bigOffline.close();
    }
  });

  it("applies field_mapping to join keys, timestamps and features, and reads naive timestamps as UTC", async () => {
    await writeRows(path.join(dir, "data/mapped.parquet"),
      [["uid", "BIGINT"], ["ts", "TIMESTAMP"], ["n_clicks", "INTEGER"], ["score", "FLOAT"]],
      [[7, "2024-01-01 10:00:00", 11, 1.25], [7, "2024-01-01 09:00:00", 10, 0.75]]);
    const { rows } = await pullAll(offline, catalog.featureView("mapped"), utc("2024-01-01T00:00"), utc("2024-01-02T00:00"));
    // INTEGER widens to the declared Int64 (bigint); FLOAT stays a JS number.
    expect(rows).toEqual([{ user_id: 7n, event_timestamp: utc("2024-01-01T10:00"), created: undefined, clicks: 11n, score: 1.25 }]);
  });

  it("rejects a stored type that contradicts the declared one, naming the file and column", async () => {
    await writeRows(path.join(dir, "data/wrong_type.parquet"),
      [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["clicks", "DOUBLE"], ["score", "FLOAT"]],
      [[1, utc("2024-01-01T10:00"), 1.5, 0.5]]);
    const pulling = pullAll(offline, catalog.featureView("wrong_type"), utc("2024-01-01T00:00"), utc("2024-01-02T00:00"));
    await expect(pulling).rejects.toThrow(SchemaMismatchError);
    await expect(pulling).rejects.toThrow(/column clicks in source file .*wrong_type\.parquet is DOUBLE, but feature clicks is declared Int64/);
  });

  it("rejects a source without a declared column, listing the columns it has", async () => {
    await writeRows(path.join(dir, "data/missing_column.parquet"),
      [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["clicks", "BIGINT"]],
      [[1, utc("2024-01-01T10:00"), 1]]);
    const pulling = pullAll(offline, catalog.featureView("missing_column"), utc("2024-01-01T00:00"), utc("2024-01-02T00:00"));
    await expect(pulling).rejects.toThrow(/missing_column\.parquet has no column score \(feature score\)/);
    await expect(pulling).rejects.toThrow(SchemaMismatchError);
  });

  it("rejects a source file that does not exist, naming it", async () => {
    const pulling = pullAll(offline, catalog.featureView("missing_file"), utc("2024-01-01T00:00"), utc("2024-01-02T00:00"));
    await expect(pulling).rejects.toThrow(DataSourceNotFoundError);
    await expect(pulling).rejects.toThrow(/nowhere\.parquet does not exist/);
  });

  it("gives an entityless view Feast's __dummy_id key with the empty string", async () => {
    await writeRows(path.join(dir, "data/entityless.parquet"), [["event_timestamp", "TIMESTAMPTZ"], ["total", "INTEGER"]],
      [[utc("2024-01-01T09:00"), 1], [utc("2024-01-01T10:00"), 2], [utc("2024-01-01T12:00"), 3]]);
    const info = catalog.featureView("entityless");
    expect(info.joinKeys.map((k) => k.name)).toEqual(["__dummy_id"]);
    const batches: PulledBatch[] = [];
    for await (const b of offline.pullLatest(info, utc("2024-01-01T00:00"), utc("2024-01-01T11:00"))) batches.push(b);
    expect(batches).toEqual([{ rowCount: 1, joinKeyColumns: [[""]], eventTimestamps: [utc("2024-01-01T10:00")], createdTimestamps: undefined, featureColumns: [[2]], totalRows: 1 }]);
  });

  it("rejects a window whose start is after its end", async () => {
    const pulling = pullAll(offline, catalog.featureView("history"), utc("2024-01-02T00:00"), utc("2024-01-01T00:00"));
    await expect(pulling).rejects.toThrow(InvalidArgumentError);
  });
});
