import type { Column, Connection, ConnectionOptions, RowStatement } from "snowflake-sdk";
import { BackendError, QueryError } from "../../errors";
import { requirePeer } from "../../peer";
import type { SnowflakeOfflineStoreConfig } from "./snowflake-config";

export interface SnowflakeSessionOptions extends SnowflakeOfflineStoreConfig {
  /** A Snowflake emulator's URL (`http://host:port`, `SKEWLESS_SNOWFLAKE_ENDPOINT`). */
  endpoint?: string;
}

/** A result column as the driver describes it: Snowflake's type (`fixed`, `real`, `text`, `timestamp_tz`, ...) and scale. */
export interface SnowflakeColumn {
  name: string;
  type: string;
  scale: number;
}

export interface SnowflakePage {
  rows: Record<string, unknown>[];
  columns: SnowflakeColumn[];
}

/**
 * Every statement runs with TIMEZONE UTC, so `TIMESTAMP_NTZ` columns read as UTC (naive = UTC,
 * as on every other store). Numbers come as text (`fetchAsString`), so NUMBER(38, 0) keeps all its
 * digits; the driver spells a null of them `NULL`.
 */
const STATEMENT = { parameters: { TIMEZONE: "UTC" }, fetchAsString: ["Number" as const] };

/**
 * One snowflake-sdk connection, opened on first use (the driver is loaded then, not at startup).
 * Temporary tables live as long as it does. Errors carry the SQL, never the credentials.
 */
export class SnowflakeSession {
  private connection?: Promise<Connection>;

  constructor(private readonly options: SnowflakeSessionOptions) {}

  /** Runs `sql` and yields its rows a page of at most `pageRows` at a time, in order. */
  async *pages(sql: string, pageRows = 10_000): AsyncGenerator<SnowflakePage> {
    const connection = await this.connect();
    let statement: RowStatement;
    try {
      statement = await new Promise<RowStatement>((resolve, reject) => {
        connection.execute({ sqlText: sql, streamResult: true, ...STATEMENT, complete: (error, s) => (error ? reject(error) : resolve(s)) });
      });
    } catch (error) {
      throw new QueryError("snowflake", sql, error, hintFor(error));
    }
    const columns = (statement.getColumns() ?? []).map((c: Column) => ({ name: c.getName(), type: c.getType(), scale: c.getScale() }));
    let rows: Record<string, unknown>[] = [];
    try {
      for await (const row of statement.streamRows()) {
        rows.push(row as Record<string, unknown>);
        if (rows.length >= pageRows) {
          yield { rows, columns };
          rows = [];
        }
      }
    } catch (error) {
      throw new QueryError("snowflake", sql, error, hintFor(error));
    }
    yield { rows, columns };
  }

  /** Every row of `sql` (for small results: schemas, counts, DDL). */
  async queryAll(sql: string): Promise<SnowflakePage> {
    const all: SnowflakePage = { rows: [], columns: [] };
    for await (const page of this.pages(sql)) {
      all.rows.push(...page.rows);
      all.columns = page.columns;
    }
    return all;
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    const open = await connection.catch(() => undefined);
    if (open) await new Promise<void>((resolve) => open.destroy(() => resolve()));
  }

  private connect(): Promise<Connection> {
    this.connection ??= openConnection(this.options);
    this.connection.catch(() => { this.connection = undefined; });
    return this.connection;
  }
}

async function openConnection(options: SnowflakeSessionOptions): Promise<Connection> {
  const sdk = requirePeer<typeof import("snowflake-sdk")>("snowflake-sdk", "offline_store type snowflake.offline");
  // The driver writes a log file in the working directory unless told not to.
  sdk.configure({ logLevel: "OFF", additionalLogToConsole: false, ...(options.endpoint ? { disableOCSPChecks: true } : {}) });
  const connectionOptions: ConnectionOptions = {
    account: options.account ?? (options.endpoint ? "emulator" : ""),
    username: options.user,
    password: options.password,
    role: options.role,
    warehouse: options.warehouse,
    database: options.database,
    schema: options.schema,
    authenticator: options.authenticator ?? (options.privateKey || options.privateKeyPath ? "SNOWFLAKE_JWT" : undefined),
    privateKey: options.privateKey,
    privateKeyPath: options.privateKeyPath,
    privateKeyPass: options.privateKeyPassphrase,
    application: "Skewless",
    ...(options.endpoint ? endpointOptions(options.endpoint) : {}),
  };
  const where = options.endpoint ? `the Snowflake emulator at ${options.endpoint}` : `Snowflake account ${options.account ?? "(none)"} as ${options.user ?? "(no user)"}`;
  try {
    const connection = sdk.createConnection(connectionOptions);
    await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
    return connection;
  } catch (error) {
    throw new BackendError("snowflake", `connect to ${where}`, withoutSecrets(error, options), "check offline_store.account, user and password (or private_key), role and warehouse");
  }
}

function endpointOptions(endpoint: string): Partial<ConnectionOptions> {
  const url = new URL(endpoint);
  const protocol = url.protocol.replace(":", "");
  return { accessUrl: endpoint, host: url.hostname, port: Number(url.port) || (protocol === "https" ? 443 : 80), protocol } as Partial<ConnectionOptions>;
}

/** The driver's error with any secret of the config cut out of its message. */
function withoutSecrets(error: unknown, options: SnowflakeSessionOptions): Error {
  let message = error instanceof Error ? error.message : String(error);
  for (const secret of [options.password, options.privateKey, options.privateKeyPassphrase]) {
    if (secret) message = message.split(secret).join("***");
  }
  return new Error(message);
}

function hintFor(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (/does not exist or not authorized/i.test(message)) return "check the database, schema and table names (quoted names match case) and the role's grants";
  if (/No active warehouse/i.test(message)) return "set offline_store.warehouse";
  return undefined;
}
