import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Dtype } from "../../definitions/dtypes";
import { BackendError } from "../../errors";
import type { EntityInput } from "../entity-data";
import { run } from "../duckdb/duckdb-session";
import { loadEntities } from "../duckdb/entity-loader";
import type { EntityRelation } from "../point-in-time";
import type { SqlDialect } from "../sql/dialect";
import type { BigQuerySession } from "./bigquery-session";

/** The column numbering uploaded entity rows in input order (BigQuery tables have no row id). */
export const ENTITY_ROW = "skewless_row";

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
  keyTypes: ReadonlyMap<string, Dtype>, dialect: SqlDialect, createDataset: boolean,
): Promise<UploadedEntities> {
  const local = await loadEntities(connection, input, keyTypes, dialect);
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
    await target.table(name).load(file, { sourceFormat: "PARQUET", writeDisposition: "WRITE_EMPTY" });
    const table = `${projectId}.${dataset}.${name}`;
    return { relation: { ...local, location: { kind: "table", table }, rowId: ENTITY_ROW }, table, localTable };
  } catch (error) {
    if (error instanceof BackendError) throw error;
    throw new BackendError("bigquery", `upload the entity rows to ${dataset}.${name}`, error, "check that offline_store.dataset exists (or may be created) and the credentials can write to it");
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
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
