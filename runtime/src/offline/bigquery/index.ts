import type { OfflineStoreModule } from "../offline-store-module";
import { BIGQUERY_KEYS, parseBigQueryConfig, type BigQueryOfflineStoreConfig } from "./bigquery-config";
import { BigQueryOfflineStore } from "./bigquery-offline-store";

/**
 * Feast's `offline_store: type: bigquery`. Credentials come from Application Default Credentials;
 * with `BIGQUERY_EMULATOR_HOST=host:port` set, queries go to that emulator without credentials.
 */
export const bigqueryOfflineStore: OfflineStoreModule<BigQueryOfflineStoreConfig> = {
  keys: BIGQUERY_KEYS,
  parse: parseBigQueryConfig,
  open: (config, options, env) => new BigQueryOfflineStore({ ...options, repoPath: config.repoPath, emulatorHost: env.BIGQUERY_EMULATOR_HOST || undefined }),
};
