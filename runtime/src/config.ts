import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { parseAuthConfig, type AuthConfig } from "./auth/auth-config";
import { ConfigError } from "./errors";
import { parseOnlineStoreConfig, type OnlineStoreConfig } from "./online/online-stores";
import { parseOpenLineage, type OpenLineageConfig } from "./lineage/openlineage/config";

/** The file every feature repo has, as in Feast. */
export const CONFIG_FILE = "feature_store.yaml";

export interface RegistryConfig {
  registryType: "file";
  /** An absolute local path, or an `s3://` / `gs://` URI. */
  path: string;
  /** Readers cache the registry this long (Feast's default 600; 0 = never expire). */
  cacheTtlSeconds: number;
  /** Local registries: how many earlier versions `registry-history/` keeps (`registry.history.keep`, default 50; 0 = none). */
  historyKeep?: number;
  /** Feast's `enable_online_feature_view_versioning`: allows `view@vN:feature` references. */
  featureViewVersioning?: boolean;
}

// Each online store's config lives in its folder (runtime/src/online/<type>/); the list is online-stores.ts.
export type { OnlineStoreConfig } from "./online/online-stores";
export type { SqliteOnlineStoreConfig } from "./online/sqlite/sqlite-module";
export type { RedisOnlineStoreConfig } from "./online/redis/redis-module";
export type { DynamoDbOnlineStoreConfig } from "./online/dynamodb/dynamodb-config";

export interface OfflineStoreConfig {
  /** `file`, `dask` and `duckdb` all mean parquet files queried by DuckDB. */
  type: "duckdb" | "file" | "dask" | "bigquery";
  /** Any further keys, as written (e.g. BigQuery's `project_id`, `dataset`, `location`). */
  options: Record<string, unknown>;
}

export interface RepoConfig {
  project: string;
  /** Absolute path of the feature repo (the folder holding feature_store.yaml). */
  repoPath: string;
  registry: RegistryConfig;
  provider: "local" | "aws" | "gcp";
  onlineStore: OnlineStoreConfig;
  offlineStore: OfflineStoreConfig;
  entityKeySerializationVersion: 2 | 3;
  /** Where OpenLineage run events go (`openlineage:`), when configured. */
  openLineage?: OpenLineageConfig;
  /** Who may call `skewless serve` (Feast's `auth:`); `no_auth` when absent. */
  auth: AuthConfig;
  /** Top-level keys the file sets that only Feast reads (`batch_engine`, `feature_server`, ...). */
  feastOnlyKeys?: string[];
}

/**
 * Feast keys Skewless accepts and leaves to Feast (they configure Python-side features). They are
 * not ignored silently: `feastOnlyKeys` lists the ones a file sets, and the CLI prints a note.
 */
const FEAST_ONLY_KEYS = [
  "batch_engine", "feature_server", "flags", "coerce_tz_aware", "materialization",
  "repo_path", "go_feature_serving", "go_feature_retrieval", "mcp",
];
const KNOWN_KEYS = ["project", "registry", "provider", "online_store", "offline_store", "entity_key_serialization_version", "auth", "openlineage", ...FEAST_ONLY_KEYS];
const PROJECT_NAME = /^[A-Za-z0-9_]+$/;
/** DuckDB's resources, read by Skewless only (see `openOfflineStore`). */
const DUCKDB_KEYS = ["threads", "memory_limit", "temp_directory"];
/** Keys of each offline store type besides `type`: Feast 0.66's config fields, then Skewless's own. */
const OFFLINE_STORE_KEYS: Record<OfflineStoreConfig["type"], string[]> = {
  file: DUCKDB_KEYS,
  dask: DUCKDB_KEYS,
  duckdb: ["staging_location", "staging_location_endpoint_override", ...DUCKDB_KEYS],
  bigquery: ["dataset", "project_id", "billing_project_id", "location", "gcs_staging_location", "table_create_disposition"],
};
const REGISTRY_KEYS = ["registry_type", "path", "cache_ttl_seconds", "cache_mode", "s3_additional_kwargs", "enable_online_feature_view_versioning", "history"];

/** Reads and validates `feature_store.yaml` in `repoPath`. */
export function loadRepoConfig(repoPath: string, env: NodeJS.ProcessEnv = process.env): RepoConfig {
  const root = path.resolve(repoPath);
  const file = path.join(root, CONFIG_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      throw new ConfigError(`${file} does not exist`, "run inside a feature repo, pass -C <dir>, or create one with `skewless init`");
    }
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`, undefined, e);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${file} is not valid YAML: ${(e as Error).message}`, undefined, e);
  }
  return parseRepoConfig(expandEnv(raw, env, file), root, file);
}

/** Validates a config object (feature_store.yaml's contents) for the repo at `repoPath`. */
export function parseRepoConfig(raw: unknown, repoPath: string, file = CONFIG_FILE): RepoConfig {
  const where = (key: string) => `${file}: ${key}`;
  if (!isObject(raw)) throw new ConfigError(`${file} must be a mapping of keys to values`);
  if ("permissions" in raw) {
    throw new ConfigError(`${where("permissions")} is not a feature_store.yaml key: permissions are registry objects`, "define Permission objects in the repo (as Feast does in Python) and run `skewless apply`");
  }
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.includes(key)) {
      throw new ConfigError(`${where(key)} is not a known key`, `known keys: ${KNOWN_KEYS.slice(0, 6).join(", ")} (and Feast's ${FEAST_ONLY_KEYS.slice(0, 4).join(", ")}, ...)`);
    }
  }
  const project = raw.project;
  if (typeof project !== "string" || !PROJECT_NAME.test(project)) {
    throw new ConfigError(
      project === undefined ? `${where("project")} is missing` : `${where("project")} ${JSON.stringify(project)} is invalid`,
      "project is required: letters, digits and underscores, e.g. `project: credit_scoring`",
    );
  }
  return {
    project,
    repoPath,
    registry: parseRegistry(raw.registry, repoPath, where),
    provider: oneOf(raw.provider ?? "local", ["local", "aws", "gcp"] as const, where("provider")),
    onlineStore: parseOnlineStore(raw.online_store, repoPath, where),
    offlineStore: parseOfflineStore(raw.offline_store, where),
    entityKeySerializationVersion: oneOf(raw.entity_key_serialization_version ?? 3, [3, 2] as const, where("entity_key_serialization_version")),
    openLineage: parseOpenLineage(raw.openlineage, repoPath, file),
    auth: parseAuthConfig(raw.auth, file),
    feastOnlyKeys: FEAST_ONLY_KEYS.filter((key) => key in raw),
  };
}

function parseRegistry(raw: unknown, repoPath: string, where: (k: string) => string): RegistryConfig {
  if (raw === undefined || raw === null) {
    throw new ConfigError(`${where("registry")} is missing`, "set `registry: data/registry.db` (a path relative to the repo, s3:// or gs://)");
  }
  const spec = typeof raw === "string" ? { path: raw } : raw;
  if (!isObject(spec)) throw new ConfigError(`${where("registry")} must be a path or a mapping with a path`);
  const type = spec.registry_type ?? "file";
  if (type !== "file") {
    throw new ConfigError(`${where("registry.registry_type")} ${JSON.stringify(type)} is not supported`, "Skewless reads and writes file registries (local, s3://, gs://); Feast's sql and remote registries are not supported");
  }
  for (const key of Object.keys(spec)) {
    if (!REGISTRY_KEYS.includes(key)) {
      throw new ConfigError(`${where(`registry.${key}`)} is not a known key`, `known keys: ${REGISTRY_KEYS.join(", ")}`);
    }
  }
  if (typeof spec.path !== "string" || spec.path.length === 0) throw new ConfigError(`${where("registry.path")} is missing`);
  const ttl = spec.cache_ttl_seconds ?? 600;
  if (typeof ttl !== "number" || ttl < 0) throw new ConfigError(`${where("registry.cache_ttl_seconds")} must be a number >= 0`);
  const versioning = spec.enable_online_feature_view_versioning ?? false;
  if (typeof versioning !== "boolean") throw new ConfigError(`${where("registry.enable_online_feature_view_versioning")} must be true or false`);
  return {
    registryType: "file", path: resolveLocation(spec.path, repoPath), cacheTtlSeconds: ttl,
    historyKeep: parseHistory(spec.history, where), ...(versioning ? { featureViewVersioning: true } : {}),
  };
}

/** `registry.history: { keep: N }` (Feast allows extra registry keys, so the same yaml still works there). */
function parseHistory(raw: unknown, where: (k: string) => string): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw new ConfigError(`${where("registry.history")} must be a mapping, e.g. { keep: 20 }`);
  allowKeys(raw, ["keep"], where("registry.history"));
  const keep = raw.keep;
  if (typeof keep !== "number" || !Number.isInteger(keep) || keep < 0) {
    throw new ConfigError(`${where("registry.history.keep")} must be a whole number >= 0`, "how many earlier registry versions to keep (0: none)");
  }
  return keep;
}

function parseOnlineStore(raw: unknown, repoPath: string, where: (k: string) => string): OnlineStoreConfig {
  const spec = raw ?? { type: "sqlite" };
  if (typeof spec === "string") return parseOnlineStore({ type: spec }, repoPath, where);
  if (!isObject(spec)) throw new ConfigError(`${where("online_store")} must be a mapping with a type`);
  return parseOnlineStoreConfig(spec, { repoPath, where });
}

function parseOfflineStore(raw: unknown, where: (k: string) => string): OfflineStoreConfig {
  const spec = raw ?? { type: "duckdb" };
  if (typeof spec === "string") return parseOfflineStore({ type: spec }, where);
  if (!isObject(spec)) throw new ConfigError(`${where("offline_store")} must be a mapping with a type`);
  const type = oneOf(spec.type ?? "duckdb", ["duckdb", "file", "dask", "bigquery"] as const, where("offline_store.type"));
  // Feast refuses keys its store configs do not declare; a misspelt key must not pass silently here.
  allowKeys(spec, ["type", ...OFFLINE_STORE_KEYS[type]], where("offline_store"));
  const { type: _type, ...options } = spec;
  return { type, options };
}

/** Local paths are resolved against the repo; URIs (s3://, gs://) are kept as written. */
function resolveLocation(location: string, repoPath: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) ? location : path.resolve(repoPath, location);
}

function oneOf<T extends string | number>(value: unknown, allowed: readonly T[], what: string): T {
  if (!allowed.includes(value as T)) {
    throw new ConfigError(`${what} ${JSON.stringify(value)} is not supported`, `use one of: ${allowed.join(", ")}`);
  }
  return value as T;
}

function allowKeys(spec: Record<string, unknown>, allowed: string[], what: string): void {
  for (const key of Object.keys(spec)) {
    if (!allowed.includes(key)) throw new ConfigError(`${what}.${key} is not a known key`, `known keys: ${allowed.join(", ")}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Replaces `${NAME}` in every string with the environment variable, as Feast does; unset is an error. */
function expandEnv(value: unknown, env: NodeJS.ProcessEnv, file: string): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined) throw new ConfigError(`${file} uses \${${name}}, which is not set in the environment`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v) => expandEnv(v, env, file));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, file)]));
  return value;
}
