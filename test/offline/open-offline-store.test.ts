import { describe, expect, it } from "vitest";
import { parseRepoConfig } from "../../runtime/src/config";
import { ConfigError } from "../../runtime/src/errors";
import { DuckDBOfflineStore } from "../../runtime/src/offline/duckdb/duckdb-offline-store";
import { BigQueryOfflineStore } from "../../runtime/src/offline/bigquery/bigquery-offline-store";
import { OFFLINE_STORES } from "../../runtime/src/offline/offline-stores";
import { openOfflineStore } from "../../runtime/src/offline/open-offline-store";

const config = (offlineStore: unknown) => parseRepoConfig({ project: "p", registry: "data/registry.db", offline_store: offlineStore }, "/repo");

describe("openOfflineStore", () => {
  it("reads parquet with DuckDB for file, dask and duckdb, tuned from the environment", async () => {
    for (const type of ["file", "dask", "duckdb"]) {
      const store = await openOfflineStore(config({ type }), { SKEWLESS_DUCKDB_THREADS: "1", SKEWLESS_DUCKDB_MEMORY_LIMIT: "512MB" });
      expect(store).toBeInstanceOf(DuckDBOfflineStore);
      expect((store as DuckDBOfflineStore).options).toMatchObject({ repoPath: "/repo", threads: 1, memoryLimit: "512MB" });
      await store.close();
    }
  });

  it("lets offline_store keys override the environment, and rejects bad values", async () => {
    const store = (await openOfflineStore(config({ type: "file", threads: 2, memory_limit: "1GB" }), { SKEWLESS_DUCKDB_THREADS: "1" })) as DuckDBOfflineStore;
    expect(store.options).toMatchObject({ threads: 2, memoryLimit: "1GB" });
    await expect(openOfflineStore(config({ type: "file" }), { SKEWLESS_DUCKDB_THREADS: "many" })).rejects.toThrow(ConfigError);
  });

  it("opens BigQuery with Feast's keys and defaults, and the emulator endpoint from the environment", async () => {
    const store = await openOfflineStore(config({ type: "bigquery", project_id: "p", location: "EU" }), { SKEWLESS_BIGQUERY_ENDPOINT: "http://127.0.0.1:9050" });
    expect(store).toBeInstanceOf(BigQueryOfflineStore);
    expect((store as BigQueryOfflineStore).options).toMatchObject({
      repoPath: "/repo", projectId: "p", location: "EU", dataset: "feast", tableCreateDisposition: "CREATE_IF_NEEDED", endpoint: "http://127.0.0.1:9050",
    });
  });

  it("refuses bad BigQuery values when the config is read, naming the key", () => {
    expect(() => config({ type: "bigquery", table_create_disposition: "CREATE_ALWAYS" })).toThrow(/offline_store\.table_create_disposition "CREATE_ALWAYS" is not supported/);
    expect(() => config({ type: "bigquery", dataset: "my-dataset" })).toThrow(/offline_store\.dataset "my-dataset" is not a BigQuery dataset name/);
    expect(() => config({ type: "bigquery", gcs_staging_location: "s3://b" })).toThrow(/offline_store\.gcs_staging_location must be a gs:\/\/ URI/);
  });

  it("lists every backend in one table keyed by type", () => {
    expect(Object.keys(OFFLINE_STORES).sort()).toEqual(["bigquery", "dask", "duckdb", "file", "snowflake.offline"]);
  });
});
