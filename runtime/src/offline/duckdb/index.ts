import { ConfigError } from "../../errors";
import { optionalPositiveInteger, optionalString, type OfflineStoreModule } from "../offline-store-module";

/** DuckDB's resources, read by Skewless only. */
const RESOURCE_KEYS = ["threads", "memory_limit", "temp_directory"];

export interface DuckDBKeys {
  threads?: number;
  memoryLimit?: string;
  tempDirectory?: string;
}

/**
 * Parquet files read by DuckDB, tuned by `SKEWLESS_DUCKDB_THREADS`, `SKEWLESS_DUCKDB_MEMORY_LIMIT`
 * and `SKEWLESS_DUCKDB_TEMP_DIRECTORY` (or the keys `threads`, `memory_limit`, `temp_directory`,
 * which Feast's Python SDK rejects: prefer the environment in shared repos). `feastKeys` are the
 * keys Feast's config class for this `type` declares.
 */
export function duckdbOfflineStore(feastKeys: readonly string[] = []): OfflineStoreModule<DuckDBKeys> {
  return {
    keys: [...feastKeys, ...RESOURCE_KEYS],
    parse(options, where) {
      return {
        threads: optionalPositiveInteger(options.threads, where("threads")),
        memoryLimit: optionalString(options, "memory_limit", where),
        tempDirectory: optionalString(options, "temp_directory", where),
      };
    },
    async open(config, keys, env) {
      const envThreads = env.SKEWLESS_DUCKDB_THREADS;
      const threads = keys.threads ?? (envThreads === undefined ? undefined : Number(envThreads));
      if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) {
        throw new ConfigError(`SKEWLESS_DUCKDB_THREADS ${JSON.stringify(envThreads)} must be a positive whole number`);
      }
      const { DuckDBOfflineStore } = await import("./duckdb-offline-store.js");
      return new DuckDBOfflineStore({
        repoPath: config.repoPath,
        threads,
        memoryLimit: keys.memoryLimit ?? (env.SKEWLESS_DUCKDB_MEMORY_LIMIT || undefined),
        tempDirectory: keys.tempDirectory ?? (env.SKEWLESS_DUCKDB_TEMP_DIRECTORY || undefined),
      });
    },
  };
}
