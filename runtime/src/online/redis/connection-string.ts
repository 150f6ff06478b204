import { ConfigError } from "../../errors";
import { rememberSecret } from "../../secrets";

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

/** Keys whose values are credentials. */
const SECRET_KEYS = new Set(["password"]);

/**
 * Parses a Redis `connection_string` in either form:
 * - Feast's `host:port[,host:port...][,key=value...]` (e.g. `redis:6379,db=0,ssl=true,password=...`):
 *   entries without `=` are nodes, the rest are redis-py keyword arguments whose values are
 *   JSON-decoded as Feast does. A value may be a JSON string (`password="a,b"`), which may hold
 *   commas (Feast itself would split it).
 * - a Redis URL, `redis://[[user]:password@]host[:port][/db][?key=value&...]` (`rediss://` for TLS),
 *   user and password percent-encoded, as redis-py's `from_url` reads it.
 * Errors name the key or the part of the string, never a value (it may be a password).
 */
export function parseConnectionString(text: string, where = "online_store.connection_string"): RedisConnectionSettings {
  const trimmed = text.trim();
  const parsed = /^rediss?:\/\//i.test(trimmed) ? parseUrl(trimmed, where)
    : /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? unsupportedScheme(where)
    : parseFeastForm(trimmed, where);
  rememberSecret(parsed.params.get("password"));
  return settingsOf(parsed.nodes, parsed.params, where);
}

interface ParsedForm {
  nodes: RedisConnectionSettings["nodes"];
  params: Map<string, string>;
}

function parseFeastForm(text: string, where: string): ParsedForm {
  const nodes: RedisConnectionSettings["nodes"] = [];
  const params = new Map<string, string>();
  let previousKey: string | undefined;
  for (const item of splitEntries(text, where)) {
    const eq = item.indexOf("=");
    const key = eq < 0 ? undefined : item.slice(0, eq).trim();
    // `password=a,b` reads as a password `a` and a node `b`: refuse rather than send half a
    // password and name the other half in a connection error.
    if (SECRET_KEYS.has(previousKey ?? "") && (key === undefined || !KNOWN.includes(key))) {
      throw new ConfigError(`${where}: the entry after ${previousKey}= is neither a parameter nor allowed as a host (does the ${previousKey} contain a comma?)`,
        `quote the value as a JSON string (${previousKey}="..."), or use a URL (redis://user:password@host:port with the password percent-encoded); host:port entries go before the parameters`);
    }
    previousKey = key;
    if (key === undefined) {
      if (item.trim() !== "") nodes.push(parseNode(item.trim(), where));
      continue;
    }
    if (!KNOWN.includes(key)) {
      throw new ConfigError(`${where}: ${key} is not a supported connection parameter`, `supported: ${KNOWN.join(", ")}`);
    }
    params.set(key, unquote(item.slice(eq + 1)));
  }
  if (nodes.length === 0) throw new ConfigError(`${where} names no host`, 'write it as "host:port", e.g. "localhost:6379,ssl=true,password=${REDIS_PASSWORD}"');
  return { nodes, params };
}

/** Splits on commas, except inside a JSON string value (`key="a,b"`). */
function splitEntries(text: string, where: string): string[] {
  const entries: string[] = [];
  let start = 0;
  let i = 0;
  while (i <= text.length) {
    if (text[i] === '"' && text[i - 1] === "=") {
      const key = text.slice(start, i - 1).trim();
      i = closingQuote(text, i + 1);
      if (i < 0) throw new ConfigError(`${where}: the quoted value of ${key} has no closing quote`);
      i++;
      continue;
    }
    if (i === text.length || text[i] === ",") {
      entries.push(text.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  return entries;
}

function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

function parseUrl(text: string, where: string): ParsedForm {
  const authority = text.slice(text.indexOf("://") + 3);
  const at = authority.lastIndexOf("@");
  // An unencoded / ? or # in the password would end the authority early and turn part of the
  // password into the host or port.
  if (at >= 0 && /[/?#]/.test(authority.slice(0, at))) {
    throw new ConfigError(`${where}: the user or password of the URL holds a reserved character`, "percent-encode it (/ as %2F, ? as %3F, # as %23, @ as %40, % as %25)");
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The parser's error carries the input (the password with it): say what is wrong instead.
    throw new ConfigError(`${where} is not a valid redis:// URL`, "write it as redis://[user[:password]@]host[:port][/db], with the password percent-encoded");
  }
  if (url.hash) throw new ConfigError(`${where}: a redis:// URL has no #fragment`, "percent-encode # in the password as %23");
  const decode = (part: string, what: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new ConfigError(`${where}: the URL's ${what} is not valid percent-encoding`);
    }
  };
  if (!url.hostname) throw new ConfigError(`${where} names no host`, "write it as redis://[user[:password]@]host[:port][/db]");
  const params = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    if (!KNOWN.includes(key) || SECRET_KEYS.has(key)) {
      throw new ConfigError(`${where}: ${SECRET_KEYS.has(key) ? `${key} belongs in the URL's user part` : `${key} is not a supported connection parameter`}`, `supported: ${KNOWN.filter((k) => !SECRET_KEYS.has(k)).join(", ")}`);
    }
    params.set(key, value);
  }
  if (url.username) params.set("username", decode(url.username, "user"));
  if (url.password) params.set("password", decode(url.password, "password"));
  const db = url.pathname.replace(/^\//, "");
  if (db && !params.has("db")) params.set("db", db);   // redis-py: ?db= first, then the path
  if (url.protocol.toLowerCase() === "rediss:") params.set("ssl", "true");
  const port = url.port ? Number(url.port) : 6379;
  return { nodes: [{ host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port }], params };
}

function unsupportedScheme(where: string): never {
  throw new ConfigError(`${where} uses a URL scheme other than redis:// or rediss://`, "write it as redis://host:port, rediss://host:port or Feast's host:port,key=value form");
}

function settingsOf(nodes: RedisConnectionSettings["nodes"], params: Map<string, string>, where: string): RedisConnectionSettings {
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
    if (v.trim() === "" || !Number.isFinite(n) || n < 0) throw new ConfigError(`${where}: ${key} must be a non-negative number`);
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
