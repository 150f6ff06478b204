import { afterAll, beforeAll } from "vitest";
import { DuckDBInstance } from "@duckdb/node-api";
import type { BigQuery } from "@google-cloud/bigquery";
import { BigQuerySession } from "../../../runtime/src/offline/bigquery/bigquery-session";
import { bigQueryFieldOf } from "../../../runtime/src/offline/bigquery/bigquery-types";
import { ensureEmulators, startBigQueryServer, type LocalServer } from "../../helpers/emulators";

export const PROJECT = "emulator";

/**
 * One BigQuery emulator (bqemulator) for the test file, started on loopback, with
 * SKEWLESS_BIGQUERY_ENDPOINT pointing the store at it. `client()` is a client for loading test data.
 */
export function bigQueryEmulator(): { client: () => BigQuery; host: () => string } {
  let server: LocalServer | undefined;
  let bigquery: BigQuery | undefined;
  const previous = process.env.SKEWLESS_BIGQUERY_ENDPOINT;
  beforeAll(async () => {
    await ensureEmulators();
    server = await startBigQueryServer(PROJECT);
    process.env.SKEWLESS_BIGQUERY_ENDPOINT = server.endpoint;
    // The store's own client setup (an emulator endpoint, a fixed token), for loading test data.
    bigquery = await new BigQuerySession({ projectId: PROJECT, endpoint: server.endpoint }).bigquery();
  }, 20 * 60_000);
  afterAll(async () => {
    if (previous === undefined) delete process.env.SKEWLESS_BIGQUERY_ENDPOINT;
    else process.env.SKEWLESS_BIGQUERY_ENDPOINT = previous;
    await server?.stop();
  });
  return { client: () => bigquery!, host: () => process.env.SKEWLESS_BIGQUERY_ENDPOINT! };
}

/** Creates `dataset` (if needed) and loads each parquet file into a new table of it, columns typed as the store uploads them. */
export async function loadParquetTables(bigquery: BigQuery, dataset: string, tables: Record<string, string>): Promise<void> {
  const target = bigquery.dataset(dataset);
  if (!(await target.exists())[0]) await target.create();
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    for (const [name, file] of Object.entries(tables)) {
      const described = await (await connection.run(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjectsJS();
      const fields = described.map((r) => bigQueryFieldOf(String(r.column_name), String(r.column_type))!);
      const [table] = await target.createTable(name, { schema: { fields } });
      await table.load(file, { sourceFormat: "PARQUET" });
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
