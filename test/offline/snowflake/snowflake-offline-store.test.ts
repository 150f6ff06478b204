import { describe, expect, it } from "vitest";
import { parseRepoConfig } from "../../../runtime/src/config";
import type { FeatureStore } from "../../../runtime/src/feature-store";
import { ConfigError, DataSourceNotFoundError, SchemaMismatchError } from "../../../runtime/src/errors";
import type { PulledBatch } from "../../../runtime/src/offline/offline-store";
import { SnowflakeOfflineStore } from "../../../runtime/src/offline/snowflake/snowflake-offline-store";
import type { SnowflakeSession } from "../../../runtime/src/offline/snowflake/snowflake-session";
import { collectDefinitions } from "../../../runtime/src/registry/compile";
import { resolveFeatures } from "../../../runtime/src/registry/feature-refs";
import { tempDir } from "../../helpers/tmp";
import { pointInTimeFixture } from "../helpers/point-in-time-fixture";
import { featureRepo } from "../helpers/repo";
import { DATABASE, loadParquetTables, snowflakeEmulator } from "./emulator";

// The Snowflake store through snowflake-sdk against fakesnow (Snowflake's REST API over DuckDB,
// started on loopback by the tests): materialization's pull, the checks made before a query runs,
// and the temporary entity table. fakesnow runs DuckDB, not Snowflake's engine: what is proven
// is that the driver, the SQL's Snowflake spelling (as fakesnow's SQLGlot reads it) and the store's
// conversions give DuckDB's answers.

const emulator = snowflakeEmulator();

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

describe("the Snowflake offline store", async () => {
  const fileDir = tempDir("skewless-offline-");
  const sfDir = tempDir("skewless-snowflake-");
  const fixture = await pointInTimeFixture(2, fileDir);
  const sf = await pointInTimeFixture(2, sfDir, { kind: "snowflake", database: DATABASE, schema: "PULL" });

  it("pulls, per entity key, the row DuckDB's store pulls, cell for cell and typed alike", async () => {
    await loadParquetTables(emulator.session(), "PULL", sf.files);
    const { store: duckdb } = await featureRepo(fixture.definitions, fileDir);
    const { store: snowflake } = await featureRepo(sf.definitions, sfDir, emulator.yaml("PUBLIC"));
    try {
      const [start, end] = [new Date("2024-01-01T01:00:00Z"), new Date("2024-01-01T08:00:00Z")];
      for (const name of ["a", "b"]) {
        const want = await pulled(duckdb.offlineStore().pullLatest(await viewOf(duckdb, name), start, end));
        const got = await pulled(snowflake.offlineStore().pullLatest(await viewOf(snowflake, name), start, end, { batchRows: 7 }));
        expect(want.length).toBeGreaterThan(5);
        expect(got).toEqual(want);
      }
      let total: number | undefined;
      for await (const batch of snowflake.offlineStore().pullLatest(await viewOf(snowflake, "a"), start, end, { batchRows: 7 })) {
        total ??= batch.totalRows;
        expect(batch.rowCount).toBeLessThanOrEqual(7);
      }
      expect(total).toBe((await pulled(duckdb.offlineStore().pullLatest(await viewOf(duckdb, "a"), start, end))).length);
    } finally {
      await duckdb.close();
      await snowflake.close();
    }
  }, 180_000);

  it("materializes from Snowflake what DuckDB's store materializes", async () => {
    // Seed 7 has no TTL on either view, so the 2024 rows are still served online today.
    const [matFileDir, matSfDir] = [tempDir("skewless-offline-"), tempDir("skewless-snowflake-")];
    const matFile = await pointInTimeFixture(7, matFileDir);
    const matSf = await pointInTimeFixture(7, matSfDir, { kind: "snowflake", database: DATABASE, schema: "MAT" });
    await loadParquetTables(emulator.session(), "MAT", matSf.files);
    const fileRepo = await featureRepo(matFile.definitions, matFileDir);
    const sfRepo = await featureRepo(matSf.definitions, matSfDir, emulator.yaml("PUBLIC"));
    try {
      const [start, end] = [new Date("2024-01-01T00:00:00Z"), new Date("2024-01-02T00:00:00Z")];
      await fileRepo.store.materialize(start, end);
      await sfRepo.store.materialize(start, end);
      const entityRows = Array.from({ length: 12 }, (_, user) => ["a", "b", "c"].map((m) => ({ user_id: user, merchant_id: m }))).flat();
      const online = async (store: FeatureStore) => (await store.getOnlineFeatures({ features: matFile.features, entityRows })).toObject();
      const [want, got] = [await online(fileRepo.store), await online(sfRepo.store)];
      expect(want.a_id.filter((v) => v !== null).length).toBeGreaterThan(5);
      expect(want.b_id.filter((v) => v !== null).length).toBeGreaterThan(5);
      expect(got).toEqual(want);
    } finally {
      await fileRepo.store.close();
      await sfRepo.store.close();
    }
  }, 180_000);

  it("names the view, column, declared and stored type when a source column changed type", async () => {
    const dir = tempDir("skewless-snowflake-");
    const changed = await pointInTimeFixture(3, dir, { kind: "snowflake", database: DATABASE, schema: "CHANGED" });
    const { store } = await featureRepo(changed.definitions, dir, emulator.yaml("PUBLIC"));
    const session = emulator.session();
    await session.queryAll(`CREATE SCHEMA IF NOT EXISTS "${DATABASE}"."CHANGED"`);
    // a_score is declared Float64, and the table holds it as text.
    await session.queryAll(`CREATE TABLE "${DATABASE}"."CHANGED"."a" ("user_id" NUMBER(38, 0), "event_timestamp" TIMESTAMP_TZ, "created" TIMESTAMP_TZ, "a_id" NUMBER(38, 0), "a_score" VARCHAR)`);
    try {
      // plan reads the schema too, before anything is written.
      await expect(store.plan(collectDefinitions(changed.definitions))).rejects.toThrow(SchemaMismatchError);
      const request = { entityDf: changed.entityDf, features: ["a:a_score"] };
      const error = await store.getHistoricalFeatures(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaMismatchError);
      expect((error as Error).message).toBe(
        `feature view a: column a_score in source table ${DATABASE}.CHANGED.a is TEXT, but feature a_score is declared Float64`);
      const pull = store.offlineStore().pullLatest(await viewOf(store, "a"), new Date(0), new Date());
      await expect(pulled(pull)).rejects.toThrow(/column a_score in source table .* is TEXT, but feature a_score is declared Float64/);
      // b's table was never created.
      await expect(store.getHistoricalFeatures({ entityDf: changed.entityDf, features: ["b:b_id"] })).rejects.toThrow(DataSourceNotFoundError);
    } finally {
      await store.close();
    }
  }, 180_000);

  it("copies the entity rows into a temporary table and drops it when the job closes", async () => {
    const dir = tempDir("skewless-snowflake-");
    const data = await pointInTimeFixture(4, dir, { kind: "snowflake", database: DATABASE, schema: "UPLOAD" });
    await loadParquetTables(emulator.session(), "UPLOAD", data.files);
    const { store } = await featureRepo(data.definitions, dir, emulator.yaml("PUBLIC"));
    const offline = new SnowflakeOfflineStore({
      repoPath: dir, database: DATABASE, schema: "PUBLIC", user: "skewless", password: "emulator-secret", endpoint: process.env.SKEWLESS_SNOWFLAKE_ENDPOINT,
    });
    // The store's own session: temporary tables are visible to it alone.
    const session = (offline as unknown as { session: SnowflakeSession }).session;
    try {
      const { views } = resolveFeatures(await store.catalog(), data.features);
      const job = await offline.getHistoricalFeatures({ entityDf: data.entityDf, views });
      const table = /"(skewless_entity_\w+)"/.exec(job.sql)?.[1];
      expect(table).toBeDefined();
      const counted = await session.queryAll(`SELECT COUNT(*) AS "n" FROM "${table}"`);
      expect(counted.rows[0].n).toBe(String(data.entityDf.length));
      expect((await job.toRows()).length).toBe(data.entityDf.length);
      await job.close();
      await expect(session.queryAll(`SELECT COUNT(*) AS "n" FROM "${table}"`)).rejects.toThrow(/does not exist/);
    } finally {
      await offline.close();
      await store.close();
    }
  }, 180_000);

  it("reads Feast's keys, requires database, and never shows a secret in an error", () => {
    const parse = (block: string) => parseRepoConfig({ project: "p", registry: "r.db", provider: "local", offline_store: { type: "snowflake.offline", ...JSON.parse(block) } }, "/tmp/repo");
    const config = parse('{"account": "xy12345", "user": "feast", "password": "s3cr3t-pw", "role": "R", "warehouse": "W", "database": "FEAST"}');
    expect(config.offlineStore.type).toBe("snowflake.offline");
    expect(() => parse('{"user": "feast"}')).toThrow(/offline_store.database is required/);
    const error = (() => {
      try {
        parse('{"database": "FEAST", "password": ["s3cr3t-pw"]}');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(/offline_store.password must be a non-empty string/);
    expect(`${error?.message} ${(error as { hint?: string })?.hint ?? ""}`).not.toContain("s3cr3t-pw");
    expect(() => parse('{"database": "FEAST", "warehous": "W"}')).toThrow(/warehous/);
  });
});
