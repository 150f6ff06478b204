import { ConfigError } from "@skewless/runtime";

/** Where the feature store runs: on this machine, or on a cloud. */
export type Cloud = "local" | "aws" | "gcp";

export type OnlineStoreSettings =
  | { type: "sqlite"; path: string }
  | { type: "redis"; connectionString: string; keyTtlSeconds?: number }
  | { type: "dynamodb"; region: string };

/** feature_store.yaml's `offline_store`: parquet files (`file`, read by DuckDB) or BigQuery, with Feast's option keys. */
export interface OfflineStoreSettings {
  type: "file" | "duckdb" | "dask" | "bigquery";
  /** Further keys as Feast names them, e.g. BigQuery's `dataset`, `project_id`, `location`. */
  options?: Record<string, string | number | boolean>;
}

/** What a deployment knows about itself, for feature_store.yaml. */
export interface FeatureStoreYamlSettings {
  project: string;
  /** As feature_store.yaml writes it: a path relative to the repo, or an s3:// / gs:// URI. */
  registry: string;
  /** How long readers cache the registry (Feast's default is 600 s). */
  registryCacheTtlSeconds?: number;
  provider: Cloud;
  onlineStore: OnlineStoreSettings;
  /** Default `{ type: "file" }`. */
  offlineStore?: OfflineStoreSettings;
  /** Feast's OIDC `auth:` for the feature server; absent: `no_auth`. */
  auth?: OidcSettings;
}

/** The OpenID provider `skewless serve` verifies tokens with (Feast's OidcAuthConfig keys). */
export interface OidcSettings {
  discoveryUrl: string;
  clientId?: string;
  audience?: string;
}

/**
 * feature_store.yaml, with Feast's keys, so Skewless apps and Feast's Python SDK read the same
 * file. Strings are double-quoted (JSON strings are valid YAML), so no value can break the file.
 * A connection string may be a `${VAR}` reference, which both tools expand from the environment.
 */
export function renderFeatureStoreYaml(settings: FeatureStoreYamlSettings): string {
  const q = (value: string) => JSON.stringify(value);
  const lines = [
    "# Written by the Skewless Pulumi stack: Feast's keys, read by Skewless and Feast alike.",
    `project: ${q(settings.project)}`,
    "registry:",
    `  path: ${q(settings.registry)}`,
    `  cache_ttl_seconds: ${settings.registryCacheTtlSeconds ?? 60}`,
    `provider: ${settings.provider}`,
    "online_store:",
  ];
  if (settings.onlineStore.type === "sqlite") {
    lines.push("  type: sqlite", `  path: ${q(settings.onlineStore.path)}`);
  } else if (settings.onlineStore.type === "dynamodb") {
    // Feast's default table_name_template, `<project>.<view>`, which the stack's IAM policies name.
    lines.push("  type: dynamodb", `  region: ${q(settings.onlineStore.region)}`);
  } else {
    lines.push("  type: redis", `  connection_string: ${q(settings.onlineStore.connectionString)}`);
    // Feast's Redis expires an entity's hash this long after its last write: keys of entities
    // nothing writes any more go away instead of filling the instance.
    const ttl = settings.onlineStore.keyTtlSeconds;
    if (ttl !== undefined) {
      if (!Number.isInteger(ttl) || ttl <= 0) throw new ConfigError(`online store key_ttl_seconds ${ttl} must be a positive whole number of seconds`);
      lines.push(`  key_ttl_seconds: ${ttl}`);
    }
  }
  const offline = settings.offlineStore ?? { type: "file" };
  lines.push("offline_store:", `  type: ${offline.type}`);
  for (const [key, value] of Object.entries(offline.options ?? {})) {
    if (!/^[a-z_][a-z0-9_]*$/.test(key)) throw new ConfigError(`offline store option ${JSON.stringify(key)} is not a feature_store.yaml key`);
    lines.push(`  ${key}: ${typeof value === "string" ? q(value) : String(value)}`);
  }
  lines.push("entity_key_serialization_version: 3");
  if (settings.auth) {
    lines.push("auth:", "  type: oidc", `  auth_discovery_url: ${q(settings.auth.discoveryUrl)}`);
    if (settings.auth.clientId) lines.push(`  client_id: ${q(settings.auth.clientId)}`);
    if (settings.auth.audience) lines.push(`  audience: ${q(settings.auth.audience)}`);
  }
  lines.push("");
  return lines.join("\n");
}
