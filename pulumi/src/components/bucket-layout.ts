/** Where in the data bucket (S3 or GCS) registry.pb lives. */
export const REGISTRY_KEY = "registry/registry.pb";
/** The folder registry.pb lives in: the only place the materialization job may write. */
export const REGISTRY_PREFIX = "registry/";
/** Where the offline parquet data lives: the job reads it, never writes it. */
export const DATA_PREFIX = "data/";
