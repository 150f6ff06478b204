import { ConfigError } from "../../errors";

/** Feast's Redis `connection_string`, parsed. Holds secrets: never print it; use {@link describeConnection}. */
export interface RedisConnectionSettings {
  nodes: { host: string; port: number }[];
  db?: number;
  username?: string;
  password?: string;
  ssl: boolean;
  /** PEM files for TLS: a CA bundle, and a client certificate and key (mutual TLS). */
  sslCaCerts?: string;
  sslCertfile?: string;
  sslKeyfile?: string;
  /** `ssl_cert_reqs`: `none` skips verifying the server's certificate (redis-py's default is `required`). */
  sslCertReqs: "none" | "optional" | "required";
  /** `ssl_check_hostname` (redis-py's default is true). */
  sslCheckHostname: boolean;
  socketTimeoutSeconds?: number;
  socketConnectTimeoutSeconds?: number;
  clientName?: string;
}

const KNOWN = [
  "db", "username", "password", "ssl", "ssl_ca_certs", "ssl_certfile", "ssl_keyfile", "ssl_cert_reqs",
  "ssl_check_hostname", "socket_timeout", "socket_connect_timeout", "client_name", "skip_full_coverage_check",
  "health_check_interval", "retry_on_timeout", "decode_responses",
];

/**
 * Parses Feast's `host:port[,host:port...][,key=value...]` (e.g.
 * `redis:6379,db=0,ssl=true,password=...`): entries without `=` are nodes, the rest are redis-py
 * keyword arguments. Errors name the key, never the value (it may be a password).
 */
export function parseConnectionString(text: string, where = "online_store.connection_string"): RedisConnectionSettings {
  const nodes: RedisConnectionSettings["nodes"] = [];
  const params = new Map<string, string>();
  for (const item of text.split(",")) {
    const eq = item.indexOf("=");
    if (eq < 0) {
      if (item.trim() !== "") nodes.push(parseNode(item.trim(), where));
      continue;
    }
    const key = item.slice(0, eq).trim();
    if (!KNOWN.includes(key)) {
      throw new ConfigError(`${where}: ${key} is not a supported connection parameter`, `supported: ${KNOWN.join(", ")}`);
    }
    params.set(key, unquote(item.slice(eq + 1)));
  }
  if (nodes.length === 0) throw new ConfigError(`${where} names no host`, 'write it as "host:port", e.g. "localhost:6379,ssl=true,password=${REDIS_PASSWORD}"');
  const bool = (key: string, fallback: boolean) => {
    const v = params.get(key);
    if (v === undefined) return fallback;
    if (/^(true|1|yes)$/i.test(v)) return true;
    if (/^(false|0|no)$/i.test(v)) return false;
    throw new ConfigError(`${where}: ${key} must be true or false`);
  };
  const num = (key: string) => {
    const v = params.get(key);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new ConfigError(`${where}: ${key} must be a non-negative number`);
    return n;
  };
  const db = num("db");
  if (db !== undefined && !Number.isInteger(db)) throw new ConfigError(`${where}: db must be a whole number`);
  const certReqs = (params.get("ssl_cert_reqs") ?? "required").toLowerCase().replace(/^cert_/, "");
  if (certReqs !== "none" && certReqs !== "optional" && certReqs !== "required") {
    throw new ConfigError(`${where}: ssl_cert_reqs must be none, optional or required`);
  }
  return {
    nodes,
    db,
    username: params.get("username"),
    password: params.get("password"),
    ssl: bool("ssl", false),
    sslCaCerts: params.get("ssl_ca_certs"),
    sslCertfile: params.get("ssl_certfile"),
    sslKeyfile: params.get("ssl_keyfile"),
    sslCertReqs: certReqs,
    sslCheckHostname: bool("ssl_check_hostname", true),
    socketTimeoutSeconds: num("socket_timeout"),
    socketConnectTimeoutSeconds: num("socket_connect_timeout"),
    clientName: params.get("client_name"),
  };
}

/** `redis at cache:6379 (TLS, user app)`: for messages; credentials never appear. */
export function describeConnection(settings: RedisConnectionSettings): string {
  const nodes = settings.nodes.map((n) => `${n.host}:${n.port}`).join(",");
  const extras = [settings.ssl ? "TLS" : undefined, settings.username ? `user ${settings.username}` : undefined].filter(Boolean);
  return `redis at ${nodes}${extras.length ? ` (${extras.join(", ")})` : ""}`;
}

function parseNode(item: string, where: string): { host: string; port: number } {
  const colon = item.lastIndexOf(":");
  const host = colon < 0 ? item : item.slice(0, colon);
  const port = colon < 0 ? 6379 : Number(item.slice(colon + 1));
  if (!host || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new ConfigError(`${where}: ${JSON.stringify(item)} is not host:port`);
  }
  return { host: host.replace(/^\[(.*)\]$/, "$1"), port };
}

/** Feast JSON-decodes values (so `"p,w"` style quoting is not possible, but `"abc"` loses its quotes). */
function unquote(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(v);
      if (typeof parsed === "string") return parsed;
    } catch {
      // not JSON: keep as written
    }
  }
  return v;
}
