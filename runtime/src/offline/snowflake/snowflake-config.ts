import { ConfigError } from "../../errors";
import { optionalString } from "../offline-store-module";

/** Feast's `SnowflakeOfflineStoreConfig` keys that Skewless uses, camelCased. */
export interface SnowflakeOfflineStoreConfig {
  /** Where Skewless's temporary tables (uploaded entity rows) are created, and unqualified names resolve. */
  database: string;
  schema: string;
  account?: string;
  user?: string;
  password?: string;
  role?: string;
  warehouse?: string;
  /** snowflake-sdk's authenticator: `SNOWFLAKE` (password, the default), `SNOWFLAKE_JWT` (key pair), `EXTERNALBROWSER`, `OAUTH`, ... */
  authenticator?: string;
  /** Key-pair authentication: a PEM file (`private_key`) or its text (`private_key_content`), and its passphrase. */
  privateKeyPath?: string;
  privateKey?: string;
  privateKeyPassphrase?: string;
}

/**
 * Feast's keys. `config_path` (Feast's default `~/.snowsql/config`) is accepted and not read;
 * `storage_integration_name`, `blob_export_location`, `convert_timestamp_columns` and
 * `max_file_size` steer Feast's bulk exports, which Skewless does not make (results are read
 * through the driver), so they are accepted and unused. `connection_name` needs that config file:
 * refused.
 */
export const SNOWFLAKE_KEYS = [
  "config_path", "connection_name", "account", "user", "password", "role", "warehouse", "authenticator",
  "private_key", "private_key_content", "private_key_passphrase", "database", "schema",
  "storage_integration_name", "blob_export_location", "convert_timestamp_columns", "max_file_size",
];

export function parseSnowflakeConfig(options: Readonly<Record<string, unknown>>, where: (key: string) => string): SnowflakeOfflineStoreConfig {
  const database = optionalString(options, "database", where);
  if (!database) throw new ConfigError(`${where("database")} is required (Feast requires it too)`, "name the database for Skewless's temporary tables");
  if (options.connection_name !== undefined && options.connection_name !== null) {
    throw new ConfigError(`${where("connection_name")} is not supported: Skewless does not read SnowSQL's config file`,
      "give account, user and password (or private_key) in offline_store, with ${VAR} for secrets");
  }
  const privateKeyPath = optionalString(options, "private_key", where);
  const privateKey = optionalString(options, "private_key_content", where);
  if (privateKeyPath && privateKey) throw new ConfigError(`${where("private_key")} and private_key_content are both set`, "give one of them");
  return {
    database,
    schema: optionalString(options, "schema", where) ?? "PUBLIC",
    account: optionalString(options, "account", where),
    user: optionalString(options, "user", where),
    password: secretString(options, "password", where),
    role: optionalString(options, "role", where),
    warehouse: optionalString(options, "warehouse", where),
    authenticator: optionalString(options, "authenticator", where),
    privateKeyPath,
    privateKey: privateKey === undefined ? undefined : secretString(options, "private_key_content", where),
    privateKeyPassphrase: secretString(options, "private_key_passphrase", where),
  };
}

/** A secret: checked like any string, but its value never appears in a message. */
function secretString(options: Readonly<Record<string, unknown>>, key: string, where: (key: string) => string): string | undefined {
  const value = options[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.length === 0) throw new ConfigError(`${where(key)} must be a non-empty string (value not shown)`);
  return value;
}
