import type { OfflineStoreModule } from "../offline-store-module";
import { BIGQUERY_KEYS, parseBigQueryConfig, type BigQueryOfflineStoreConfig } from "./bigquery-config";

/**
 * Feast's `offline_store: type: bigquery`. Credentials come from Application Default Credentials;
 * with `SKEWLESS_BIGQUERY_ENDPOINT=http://host:port` set, requests go to that emulator without
 * credentials. (Not `BIGQUERY_EMULATOR_HOST`: the Node client reads that one itself, as a base URL
 * with the API's path, which bqemulator's upload route does not fit.)
 */
export const bigqueryOfflineStore: OfflineStoreModule<BigQueryOfflineStoreConfig> = {
  keys: BIGQUERY_KEYS,
  parse: parseBigQueryConfig,
  open: async (config, options, env) => new (await import("./bigquery-offline-store.js")).BigQueryOfflineStore({
    ...options, repoPath: config.repoPath, endpoint: env.SKEWLESS_BIGQUERY_ENDPOINT || undefined,
  }),
};
