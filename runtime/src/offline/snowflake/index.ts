import type { OfflineStoreModule } from "../offline-store-module";
import { parseSnowflakeConfig, SNOWFLAKE_KEYS, type SnowflakeOfflineStoreConfig } from "./snowflake-config";

/**
 * Feast's `offline_store: type: snowflake.offline`, with snowflake-sdk. With
 * `SKEWLESS_SNOWFLAKE_ENDPOINT=http://host:port` set, the driver connects to that emulator instead
 * of `<account>.snowflakecomputing.com`.
 */
export const snowflakeOfflineStore: OfflineStoreModule<SnowflakeOfflineStoreConfig> = {
  keys: SNOWFLAKE_KEYS,
  parse: parseSnowflakeConfig,
  open: async (config, options, env) => new (await import("./snowflake-offline-store.js")).SnowflakeOfflineStore({
    ...options, repoPath: config.repoPath, endpoint: env.SKEWLESS_SNOWFLAKE_ENDPOINT || undefined,
  }),
};
