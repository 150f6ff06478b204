import * as path from "node:path";
import { ConfigError } from "../../errors";

/**
 * feature_store.yaml's `openlineage:` block, with Feast's keys: `enabled` (default false),
 * `transport_type` (`http`, `file` or `console`), `transport_url`, `transport_endpoint` (default
 * `api/v1/lineage`), `api_key`, `namespace` (default `feast`), `producer`, `emit_on_materialize`,
 * and `additional_config.log_file_path` for the file transport.
 */
export interface OpenLineageConfig {
  enabled: boolean;
  transportType?: "http" | "file" | "console";
  url?: string;
  endpoint: string;
  /** Sent as a bearer token; never printed. */
  apiKey?: string;
  namespace: string;
  producer?: string;
  emitOnMaterialize: boolean;
  /** File transport: one JSON event per line, appended. */
  logFilePath?: string;
}

const KEYS = [
  "enabled", "transport_type", "transport_url", "transport_endpoint", "api_key", "namespace", "producer",
  "emit_on_apply", "emit_on_materialize", "additional_config", "consumer",
];

/** Parses the `openlineage:` block (undefined when absent). */
export function parseOpenLineage(raw: unknown, repoPath: string, file: string): OpenLineageConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  const where = (key: string) => `${file}: openlineage.${key}`;
  if (typeof raw !== "object" || Array.isArray(raw)) throw new ConfigError(`${file}: openlineage must be a mapping`);
  const spec = raw as Record<string, unknown>;
  for (const key of Object.keys(spec)) {
    if (!KEYS.includes(key)) throw new ConfigError(`${where(key)} is not a known key`, `known keys: ${KEYS.join(", ")}`);
  }
  const text = (key: string): string | undefined => {
    const value = spec[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") throw new ConfigError(`${where(key)} must be a string`);
    return value;
  };
  const flag = (key: string, fallback: boolean): boolean => {
    const value = spec[key] ?? fallback;
    if (typeof value !== "boolean") throw new ConfigError(`${where(key)} must be true or false`);
    return value;
  };
  const transportType = text("transport_type");
  if (transportType !== undefined && !["http", "file", "console"].includes(transportType)) {
    throw new ConfigError(`${where("transport_type")} ${JSON.stringify(transportType)} is not supported`, "Skewless sends OpenLineage events over http, to a file, or to the console");
  }
  const additional = spec.additional_config ?? {};
  if (typeof additional !== "object" || additional === null || Array.isArray(additional)) throw new ConfigError(`${where("additional_config")} must be a mapping`);
  const logFile = (additional as Record<string, unknown>).log_file_path ?? "openlineage_events.json";
  if (typeof logFile !== "string") throw new ConfigError(`${where("additional_config.log_file_path")} must be a path`);
  const config: OpenLineageConfig = {
    enabled: flag("enabled", false),
    transportType: transportType as OpenLineageConfig["transportType"],
    url: text("transport_url"),
    endpoint: text("transport_endpoint") ?? "api/v1/lineage",
    apiKey: text("api_key"),
    namespace: text("namespace") ?? "feast",
    producer: text("producer"),
    emitOnMaterialize: flag("emit_on_materialize", true),
    logFilePath: transportType === "file" ? path.resolve(repoPath, logFile) : undefined,
  };
  if (config.enabled && config.transportType === "http" && !config.url) {
    throw new ConfigError(`${where("transport_url")} is required with transport_type: http`, "e.g. transport_url: http://localhost:5000");
  }
  return config;
}

/** Feast's rule (openlineage/identity.py): the default namespace means the project; others get `/<project>`. */
export function resolveNamespace(configured: string, project: string): string {
  const ns = configured.trim();
  if (ns === "" || ns === "feast") return project;
  if (ns === project || ns.endsWith(`/${project}`)) return ns;
  return `${ns}/${project}`;
}
