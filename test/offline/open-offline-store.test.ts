import { describe, expect, it } from "vitest";
import { parseRepoConfig } from "../../runtime/src/config";
import { ConfigError } from "../../runtime/src/errors";
import { DuckDBOfflineStore } from "../../runtime/src/offline/duckdb/duckdb-offline-store";
import { openOfflineStore } from "../../runtime/src/offline/open-offline-store";

const config = (offlineStore: unknown) => parseRepoConfig({ project: "p", registry: "data/registry.db", offline_store: offlineStore }, "/repo");

describe("openOfflineStore", () => {
  it("reads parquet with DuckDB for file, dask and duckdb, tuned from the environment", async () => {
    for (const type of ["file", "dask", "duckdb"]) {
      const store = openOfflineStore(config({ type }), { SKEWLESS_DUCKDB_THREADS: "1", SKEWLESS_DUCKDB_MEMORY_LIMIT: "512MB" });
      expect(store).toBeInstanceOf(DuckDBOfflineStore);
      expect((store as DuckDBOfflineStore).options).toMatchObject({ repoPath: "/repo", threads: 1, memoryLimit: "512MB" });
      await store.close();
    }
  });

  it("lets offline_store keys override the environment, and rejects bad values", () => {
    const store = openOfflineStore(config({ type: "file", threads: 2, memory_limit: "1GB" }), { SKEWLESS_DUCKDB_THREADS: "1" }) as DuckDBOfflineStore;
    expect(store.options).toMatchObject({ threads: 2, memoryLimit: "1GB" });
    expect(() => openOfflineStore(config({ type: "file" }), { SKEWLESS_DUCKDB_THREADS: "many" })).toThrow(ConfigError);
  });

  it("says BigQuery cannot be queried yet", () => {
    expect(() => openOfflineStore(config({ type: "bigquery" }), {})).toThrow(/offline_store type bigquery cannot be queried from Skewless yet/);
  });
});
