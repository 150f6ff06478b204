import { readFileSync } from "node:fs";
import type { ConnectionOptions } from "node:tls";
import Redis, { Cluster, type RedisOptions } from "ioredis";
import type { RedisOnlineStoreConfig } from "./redis-module";
import { BackendError, ConfigError } from "../../errors";
import { describeConnection, parseConnectionString, type RedisConnectionSettings } from "./connection-string";

export type RedisClient = Redis | Cluster;

/** A connected client and what to call it in messages (no secrets). */
export interface ConnectedRedis {
  client: RedisClient;
  description: string;
}

/**
 * Connects as Feast's `redis_type` says (`redis`, `redis_cluster`, `redis_sentinel`), with the
 * TLS, AUTH (password, or ACL user and password) and db from `connection_string`. Fails fast with
 * a BackendError naming the server, never the password.
 */
export async function connectRedis(config: RedisOnlineStoreConfig): Promise<ConnectedRedis> {
  const settings = parseConnectionString(config.connectionString);
  const description = describeConnection(settings);
  const options = clientOptions(settings);
  let client: RedisClient;
  let connected = false;
  if (config.redisType === "redis_cluster") {
    const { db: _db, ...redisOptions } = options;
    client = new Cluster(settings.nodes, {
      redisOptions,
      lazyConnect: true,
      enableOfflineQueue: true,
      slotsRefreshTimeout: options.connectTimeout,
      clusterRetryStrategy: (times) => (times > 3 ? null : 200 * times),
      // Nodes announce the addresses they were started with; connect to exactly those.
      dnsLookup: (address, callback) => callback(null, address),
    });
  } else if (config.redisType === "redis_sentinel") {
    client = new Redis({
      ...options, sentinels: settings.nodes, name: config.sentinelMaster, enableTLSForSentinelMode: settings.ssl,
      // ioredis asks the sentinels again forever; before the first connection succeeds that is a
      // hang with no output (a plain Redis answers SENTINEL with an error), so give up after a few rounds.
      sentinelRetryStrategy: (times) => (!connected && times > 3 ? null : Math.min(times * 100, 2000)),
    });
  } else {
    client = new Redis({ ...options, host: settings.nodes[0].host, port: settings.nodes[0].port });
  }
  let lastError: unknown;
  client.on("error", (e: unknown) => {
    lastError = redact(e);
  });
  const sentinelError = (e: unknown) => {
    lastError = redact(e);
  };
  client.on("sentinelError" as never, sentinelError);
  // However the client retries, the first connection succeeds or fails within a bounded time.
  const limitMs = (options.connectTimeout ?? 10_000) + 5_000;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no connection within ${limitMs / 1000} s`)), limitMs);
  });
  try {
    await Promise.race([client.connect(), deadline]);
    connected = true;
  } catch (e) {
    client.disconnect();
    const cause = lastError ?? e;
    throw new BackendError("Redis", `connecting to ${description}`, redact(cause), hintFor(cause, config));
  } finally {
    clearTimeout(timer);
  }
  return { client, description };
}

function clientOptions(s: RedisConnectionSettings): RedisOptions & { db?: number } {
  return {
    username: s.username,
    password: s.password,
    db: s.db,
    tls: s.ssl ? tlsOptions(s) : undefined,
    connectionName: s.clientName,
    connectTimeout: (s.socketConnectTimeoutSeconds ?? 10) * 1000,
    commandTimeout: s.socketTimeoutSeconds !== undefined ? s.socketTimeoutSeconds * 1000 : undefined,
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    // Reconnect quickly, forever, once connected; the first connect fails fast (see connectRedis).
    retryStrategy: (times) => Math.min(times * 100, 2000),
    enableReadyCheck: true,
  };
}

function tlsOptions(s: RedisConnectionSettings): ConnectionOptions {
  const read = (file: string | undefined, key: string) => {
    if (!file) return undefined;
    try {
      return readFileSync(file);
    } catch (e) {
      throw new ConfigError(`online_store.connection_string: ${key} ${file} cannot be read: ${(e as Error).message}`);
    }
  };
  return {
    ca: read(s.sslCaCerts, "ssl_ca_certs"),
    cert: read(s.sslCertfile, "ssl_certfile"),
    key: read(s.sslKeyfile, "ssl_keyfile"),
    rejectUnauthorized: s.sslCertReqs !== "none",
    ...(s.sslCheckHostname && s.sslCertReqs !== "none" ? {} : { checkServerIdentity: () => undefined }),
  };
}

/** Strips what a failed command carried from an ioredis error (and the errors it wraps). */
export function redact(error: unknown): unknown {
  // ioredis keeps the failed command on its errors: AUTH's password, and otherwise keys and values
  // (entity keys, feature data) that an error printed in full would dump. Only the count stays.
  const command = (error as { command?: { name?: string; args?: unknown[] } } | null)?.command;
  if (command?.args) command.args = [`[${command.args.length} arguments redacted]`];
  const previous = (error as { previousErrors?: unknown[] } | null)?.previousErrors;
  if (Array.isArray(previous)) previous.forEach(redact);
  return error;
}

function hintFor(error: unknown, config: RedisOnlineStoreConfig): string {
  const message = error instanceof Error ? error.message : String(error);
  if (config.redisType === "redis_sentinel" && /sentinel/i.test(message)) {
    return `redis_type: redis_sentinel needs the sentinels' addresses in connection_string and sentinel_master set to the name they monitor (${config.sentinelMaster}); for a plain Redis use redis_type: redis`;
  }
  if (/WRONGPASS|NOAUTH|invalid password|invalid username/i.test(message)) {
    return "check username and password in online_store.connection_string (e.g. password=${REDIS_PASSWORD})";
  }
  if (/certificate|SSL|TLS|self.signed|handshake/i.test(message)) {
    return "check ssl, ssl_ca_certs and ssl_cert_reqs in online_store.connection_string";
  }
  return "check that the server is running and online_store.connection_string names it";
}
