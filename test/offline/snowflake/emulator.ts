import { afterAll, beforeAll } from "vitest";
import { DuckDBInstance } from "@duckdb/node-api";
import { copyTable } from "../../../runtime/src/offline/snowflake/entity-upload";
import { SnowflakeSession } from "../../../runtime/src/offline/snowflake/snowflake-session";
import { ensureEmulators, startSnowflakeServer, type LocalServer } from "../../helpers/emulators";

export const DATABASE = "SKEWLESS";

/**
 * One Snowflake emulator (fakesnow's server, see scripts/emulators/snowflake_server.py) for the
 * test file, started on loopback, with SKEWLESS_SNOWFLAKE_ENDPOINT pointing the store at it.
 * `session()` is a driver session (the store's own) for loading test data.
 */
export function snowflakeEmulator(): { session: () => SnowflakeSession; yaml: (schema: string) => string } {
  let server: LocalServer | undefined;
  let session: SnowflakeSession | undefined;
  const previous = process.env.SKEWLESS_SNOWFLAKE_ENDPOINT;
  beforeAll(async () => {
    await ensureEmulators();
    server = await startSnowflakeServer();
    process.env.SKEWLESS_SNOWFLAKE_ENDPOINT = server.endpoint;
    session = new SnowflakeSession({ endpoint: server.endpoint, user: "skewless", password: "emulator-secret", database: DATABASE, schema: "PUBLIC" });
    await session.queryAll(`CREATE DATABASE IF NOT EXISTS ${DATABASE}`);
  }, 20 * 60_000);
  afterAll(async () => {
    if (previous === undefined) delete process.env.SKEWLESS_SNOWFLAKE_ENDPOINT;
    else process.env.SKEWLESS_SNOWFLAKE_ENDPOINT = previous;
    await session?.close();
    await server?.stop();
  });
  return {
    session: () => session!,
    yaml: (schema) => `offline_store:\n  type: snowflake.offline\n  user: skewless\n  password: emulator-secret\n  database: ${DATABASE}\n  schema: ${schema}\n`,
  };
}

/** Creates `schema` and loads each parquet file into a new table of it, columns typed as the store uploads them. */
export async function loadParquetTables(session: SnowflakeSession, schema: string, tables: Record<string, string>): Promise<void> {
  await session.queryAll(`CREATE SCHEMA IF NOT EXISTS "${DATABASE}"."${schema}"`);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");   // timestamps are copied as UTC text
  try {
    for (const [name, file] of Object.entries(tables)) {
      await connection.run(`CREATE TABLE "${name}" AS SELECT * FROM read_parquet('${file}')`);
      await copyTable(session, connection, name, `"${DATABASE}"."${schema}"."${name}"`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
