import type { RepoConfig } from "../config";
import { ConfigError } from "../errors";
import { DuckDBOfflineStore } from "./duckdb/duckdb-offline-store";
import type { OfflineStore } from "./offline-store";

/**
 * The offline store `feature_store.yaml` asks for. `file`, `dask` and `duckdb` all mean parquet
 * files read by DuckDB, tuned by `SKEWLESS_DUCKDB_THREADS`, `SKEWLESS_DUCKDB_MEMORY_LIMIT` and
 * `SKEWLESS_DUCKDB_TEMP_DIRECTORY` (or offline_store keys `threads`, `memory_limit`,
 * `temp_directory`, which Feast's Python SDK rejects: prefer the environment in shared repos).
 */
export function openOfflineStore(config: RepoConfig, env: NodeJS.ProcessEnv = process.env): OfflineStore {
  const { type, options } = config.offlineStore;
  if (type === "duckdb" || type === "file" || type === "dask") {
    const threads = options.threads ?? (env.SKEWLESS_DUCKDB_THREADS ? Number(env.SKEWLESS_DUCKDB_THREADS) : undefined);
    return new DuckDBOfflineStore({
      repoPath: config.repoPath,
      threads: optionalNumber(threads, "threads"),
      memoryLimit: optionalString(options.memory_limit ?? env.SKEWLESS_DUCKDB_MEMORY_LIMIT, "memory_limit"),
      tempDirectory: optionalString(options.temp_directory ?? env.SKEWLESS_DUCKDB_TEMP_DIRECTORY, "temp_directory"),
    });
  }
  throw new ConfigError(
    `offline_store type ${type} cannot be queried from Skewless yet`,
    "Skewless renders BigQuery point-in-time SQL but has no BigQuery client; use type: file (parquet via DuckDB)",
  );
}

function optionalNumber(value: unknown, key: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`feature_store.yaml: offline_store.${key} must be a positive whole number`);
  }
  return value;
}

function optionalString(value: unknown, key: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.length === 0) throw new ConfigError(`feature_store.yaml: offline_store.${key} must be a string`);
  return value;
}
