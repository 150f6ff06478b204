import { bigqueryOfflineStore } from "./bigquery";
import { duckdbOfflineStore } from "./duckdb";
import { snowflakeOfflineStore } from "./snowflake";
import type { OfflineStoreModule } from "./offline-store-module";

/**
 * Every offline backend, by `offline_store.type`. Adding one is a folder exporting an
 * `OfflineStoreModule` and a line here. `file`, `dask` and `duckdb` all mean parquet via DuckDB.
 */
export const OFFLINE_STORES = {
  duckdb: duckdbOfflineStore(["staging_location", "staging_location_endpoint_override"]),
  file: duckdbOfflineStore(),
  dask: duckdbOfflineStore(),
  bigquery: bigqueryOfflineStore,
  "snowflake.offline": snowflakeOfflineStore,
} satisfies Record<string, OfflineStoreModule>;

export type OfflineStoreType = keyof typeof OFFLINE_STORES;
