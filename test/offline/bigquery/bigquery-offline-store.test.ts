import { describe, expect, it } from "vitest";
import type { FeatureStore } from "../../../runtime/src/feature-store";
import { DataSourceNotFoundError, SchemaMismatchError } from "../../../runtime/src/errors";
import type { PulledBatch } from "../../../runtime/src/offline/offline-store";
import { collectDefinitions } from "../../../runtime/src/registry/compile";
import { resolveFeatures } from "../../../runtime/src/registry/feature-refs";
import { tempDir } from "../../helpers/tmp";
import { pointInTimeFixture } from "../helpers/point-in-time-fixture";
import { featureRepo } from "../helpers/repo";
import { bigQueryEmulator, loadParquetTables, PROJECT } from "./emulator";

// The BigQuery store against bqemulator (BigQuery's REST API over DuckDB, started on loopback):
// materialization's pull, the checks made before a query runs, and the temporary entity table.

const emulator = bigQueryEmulator();

async function viewOf(store: FeatureStore, name: string) {
  return (await store.catalog()).featureViews().find((v) => v.name === name)!;
}

/** Every batch's rows as [keys..., event ts, created ts, features...], sorted: the order of keys in a pull is free. */
async function pulled(batches: AsyncIterable<PulledBatch>): Promise<string[]> {
  const rows: string[] = [];
  for await (const b of batches) {
    for (let i = 0; i < b.rowCount; i++) {
      const row = [...b.joinKeyColumns.map((c) => c[i]), b.eventTimestamps[i], b.createdTimestamps?.[i] ?? null, ...b.featureColumns.map((c) => c[i])];
      rows.push(JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)));
    }
  }
  return rows.sort();
}

describe("the BigQuery offline store", async () => {
  const fileDir = tempDir("skewless-offline-");
  const bqDir = tempDir("skewless-bigquery-");
  const fixture = await pointInTimeFixture(2, fileDir);
  const bq = await pointInTimeFixture(2, bqDir, { kind: "bigquery", dataset: `${PROJECT}.pull` });
  const yaml = `offline_store:\n  type: bigquery\n  project_id: ${PROJECT}\n  dataset: scratch\n`;

  it("pulls, per entity key, the row DuckDB's store pulls, cell for cell and typed alike", async () => {
    await loadParquetTables(emulator.client(), "pull", bq.files);
    const { store: duckdb } = await featureRepo(fixture.definitions, fileDir);
    const { store: bigquery } = await featureRepo(bq.definitions, bqDir, yaml);
    try {
      const [start, end] = [new Date("2024-01-01T01:00:00Z"), new Date("2024-01-01T08:00:00Z")];
      for (const name of ["a", "b"]) {
        const want = await pulled(duckdb.offlineStore().pullLatest(await viewOf(duckdb, name), start, end));
        const got = await pulled(bigquery.offlineStore().pullLatest(await viewOf(bigquery, name), start, end, { batchRows: 7 }));
        expect(want.length).toBeGreaterThan(5);
        expect(got).toEqual(want);
      }
      let total: number | undefined;
      for await (const batch of bigquery.offlineStore().pullLatest(await viewOf(bigquery, "a"), start, end, { batchRows: 7 })) {
        total ??= batch.totalRows;
        expect(batch.rowCount).toBeLessThanOrEqual(7);
      }
      expect(total).toBe((await pulled(duckdb.offlineStore().pullLatest(await viewOf(duckdb, "a"), start, end))).length);
    } finally {
      await duckdb.close();
      await bigquery.close();
    }
  }, 180_000);

  it("materializes from BigQuery what DuckDB's store materializes", async () => {
    // Seed 7 has no TTL on either view, so the 2024 rows are still served online today.
    const [matFileDir, matBqDir] = [tempDir("skewless-offline-"), tempDir("skewless-bigquery-")];
    const matFile = await pointInTimeFixture(7, matFileDir);
    const matBq = await pointInTimeFixture(7, matBqDir, { kind: "bigquery", dataset: `${PROJECT}.mat` });
    await loadParquetTables(emulator.client(), "mat", matBq.files);
    const fileRepo = await featureRepo(matFile.definitions, matFileDir);
    const bqRepo = await featureRepo(matBq.definitions, matBqDir, yaml);
    try {
      const [start, end] = [new Date("2024-01-01T00:00:00Z"), new Date("2024-01-02T00:00:00Z")];
      await fileRepo.store.materialize(start, end);
      await bqRepo.store.materialize(start, end);
      const entityRows = Array.from({ length: 12 }, (_, user) => ["a", "b", "c"].map((m) => ({ user_id: user, merchant_id: m }))).flat();
      const online = async (store: FeatureStore) => (await store.getOnlineFeatures({ features: matFile.features, entityRows })).toObject();
      const [want, got] = [await online(fileRepo.store), await online(bqRepo.store)];
      expect(want.a_id.filter((v) => v !== null).length).toBeGreaterThan(5);
      expect(want.b_id.filter((v) => v !== null).length).toBeGreaterThan(5);
      expect(got).toEqual(want);
    } finally {
      await fileRepo.store.close();
      await bqRepo.store.close();
    }
  }, 180_000);

  it("names the view, column, declared and stored type when a source column changed type", async () => {
    const dir = tempDir("skewless-bigquery-");
    const changed = await pointInTimeFixture(3, dir, { kind: "bigquery", dataset: `${PROJECT}.changed` });
    const { store } = await featureRepo(changed.definitions, dir, yaml);
    const client = emulator.client();
    await client.dataset("changed").create();
    // a_score is declared Float64, and the table holds it as a STRING.
    await client.query(`CREATE TABLE \`${PROJECT}.changed.a\` AS SELECT 1 AS user_id, CURRENT_TIMESTAMP() AS event_timestamp, CURRENT_TIMESTAMP() AS created, 7 AS a_id, 'high' AS a_score`);
    try {
      // plan reads the schema too, before anything is written.
      await expect(store.plan(collectDefinitions(changed.definitions))).rejects.toThrow(SchemaMismatchError);
      const request = { entityDf: changed.entityDf, features: ["a:a_score"] };
      const error = await store.getHistoricalFeatures(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaMismatchError);
      expect((error as Error).message).toBe(
        `feature view a: column a_score in source table ${PROJECT}.changed.a is STRING, but feature a_score is declared Float64`);
      const pull = store.offlineStore().pullLatest(await viewOf(store, "a"), new Date(0), new Date());
      await expect(pulled(pull)).rejects.toThrow(/column a_score in source table .* is STRING, but feature a_score is declared Float64/);
      // b's table was never created.
      await expect(store.getHistoricalFeatures({ entityDf: changed.entityDf, features: ["b:b_id"] })).rejects.toThrow(DataSourceNotFoundError);
    } finally {
      await store.close();
    }
  }, 180_000);

  it("uploads the entity rows to a table of the dataset and deletes it when the job closes", async () => {
    const dir = tempDir("skewless-bigquery-");
    const data = await pointInTimeFixture(4, dir, { kind: "bigquery", dataset: `${PROJECT}.upload` });
    await loadParquetTables(emulator.client(), "upload", data.files);
    const { store } = await featureRepo(data.definitions, dir, `offline_store:\n  type: bigquery\n  project_id: ${PROJECT}\n  dataset: uploads\n`);
    const scratch = emulator.client().dataset("uploads");
    try {
      const job = await store.getHistoricalFeatures({ entityDf: data.entityDf, features: data.features });
      const [tables] = await scratch.getTables();
      expect(tables.map((t) => t.id)).toEqual([expect.stringMatching(/^skewless_entity_/)]);
      expect((await job.toRows()).length).toBe(data.entityDf.length);
      await job.close();
      expect((await scratch.getTables())[0]).toEqual([]);
    } finally {
      await store.close();
    }
  }, 180_000);

  it("resolves features against the registry as the DuckDB store does", async () => {
    const { store } = await featureRepo(bq.definitions, tempDir("skewless-bigquery-"), yaml);
    try {
      const { views } = resolveFeatures(await store.catalog(), ["a:a_id"]);
      expect(views[0].view.batchSource).toMatchObject({ type: "bigquery", table: `${PROJECT}.pull.a` });
    } finally {
      await store.close();
    }
  });
});
