import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Dtype } from "../../definitions/dtypes";
import type { TableField } from "@google-cloud/bigquery";
import { BackendError, InvalidArgumentError, SkewlessError } from "../../errors";
import type { EntityInput } from "../entity-data";
import { DuckDBDialect } from "../duckdb/duckdb-dialect";
import { run } from "../duckdb/duckdb-session";
import { loadEntities } from "../duckdb/entity-loader";
import type { EntityRelation } from "../point-in-time";
import type { BigQuerySession } from "./bigquery-session";
import { bigQueryFieldOf } from "./bigquery-types";

/** The column numbering uploaded entity rows in input order (BigQuery tables have no row id). */
export const ENTITY_ROW = "skewless_row";
const ENTITY_TABLE_LIFETIME_MS = 24 * 3600_000;

export interface UploadedEntities {
  relation: EntityRelation;
  /** The table's full name, to delete when the job closes. */
  table: string;
  /** The DuckDB table holding the rows as loaded (for `entityRowsToParquet`). */
  localTable: string;
}

/**
 * Checks and loads entity rows (JS rows or a parquet file) as DuckDB's store does, then uploads
 * them, numbered, as parquet into a new table of `dataset`: one load job, however many rows.
 */
export async function uploadEntities(
  session: BigQuerySession, dataset: string, connection: DuckDBConnection, input: EntityInput,
  keyTypes: ReadonlyMap<string, Dtype>, createDataset: boolean,
): Promise<UploadedEntities> {
  const local = await loadEntities(connection, input, keyTypes, new DuckDBDialect());
  const localTable = local.location.kind === "table" ? local.location.table : "";
  const folder = await mkdtemp(path.join(os.tmpdir(), "skewless-bq-"));
  const file = path.join(folder, "entities.parquet");
  const name = `skewless_entity_${Date.now()}_${randomBytes(4).toString("hex")}`;
  try {
    await run(connection, `COPY (SELECT *, rowid AS ${ENTITY_ROW} FROM "${localTable}" ORDER BY rowid) TO '${file.replace(/'/g, "''")}' (FORMAT parquet)`);
    const client = await session.bigquery();
    const projectId = await session.projectId();
    const target = client.dataset(dataset, { projectId });
    if (createDataset && !(await target.exists())[0]) await target.create().catch(ignoreExisting);
    const [table] = await target.createTable(name, {
      schema: { fields: await uploadSchema(connection, localTable) },
      // A safety net: the job deletes the table on close, but a killed process cannot.
      expirationTime: String(Date.now() + ENTITY_TABLE_LIFETIME_MS),
    });
    await table.load(file, { sourceFormat: "PARQUET", writeDisposition: "WRITE_APPEND" });
    const full = `${projectId}.${dataset}.${name}`;
    return { relation: { ...local, location: { kind: "table", table: full }, rowId: ENTITY_ROW }, table: full, localTable };
  } catch (error) {
    if (error instanceof SkewlessError) throw error;
    throw new BackendError("bigquery", `upload the entity rows to ${dataset}.${name}`, error, "check that offline_store.dataset exists (or may be created) and the credentials can write to it");
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** The uploaded table's columns: the entity rows' own, then the row number. */
async function uploadSchema(connection: DuckDBConnection, localTable: string): Promise<TableField[]> {
  const described = await (await run(connection, `DESCRIBE "${localTable}"`)).getRowObjectsJS();
  const fields = described.map((r) => {
    const field = bigQueryFieldOf(String(r.column_name), String(r.column_type));
    if (!field) {
      throw new InvalidArgumentError(`entity column ${String(r.column_name)} is ${String(r.column_type)}, which BigQuery has no type for`,
        "use integers, floats, strings, booleans, bytes, dates or timestamps");
    }
    return field;
  });
  return [...fields, { name: ENTITY_ROW, type: "INT64", mode: "REQUIRED" }];
}

/** Deletes an uploaded entity table; a table already gone is fine. */
export async function dropEntities(session: BigQuerySession, table: string): Promise<void> {
  const client = await session.bigquery();
  const [project, dataset, name] = table.split(".");
  await client.dataset(dataset, { projectId: project }).table(name).delete({ ignoreNotFound: true }).catch(() => undefined);
}

function ignoreExisting(error: unknown): void {
  if (!/Already Exists/i.test(error instanceof Error ? error.message : String(error))) throw error;
}
