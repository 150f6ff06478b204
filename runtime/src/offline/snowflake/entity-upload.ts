import { randomBytes } from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Dtype } from "../../definitions/dtypes";
import { BackendError, InvalidArgumentError, SkewlessError } from "../../errors";
import { DuckDBDialect } from "../duckdb/duckdb-dialect";
import { run } from "../duckdb/duckdb-session";
import { loadEntities } from "../duckdb/entity-loader";
import type { EntityInput } from "../entity-data";
import type { EntityRelation } from "../point-in-time";
import type { SnowflakeSession } from "./snowflake-session";
import { snowflakeTypeOfDuckDB } from "./snowflake-types";

/** The column numbering uploaded entity rows in input order. */
export const ENTITY_ROW = "skewless_row";
/** Statements stay well under Snowflake's 1 MB of SQL text. */
const STATEMENT_BYTES = 512 * 1024;

export interface UploadedEntities {
  relation: EntityRelation;
  /** The temporary table's (quoted) name, to drop when the job closes. */
  table: string;
  /** The DuckDB table holding the rows as loaded (for `entityRowsToParquet`). */
  localTable: string;
}

/**
 * Checks and loads entity rows (JS rows or a parquet file) as DuckDB's store does, then copies
 * them, numbered, into a TEMPORARY table of the session (dropped when the job closes, and by
 * Snowflake when the session ends), with `copyTable`.
 */
export async function uploadEntities(
  session: SnowflakeSession, connection: DuckDBConnection, input: EntityInput, keyTypes: ReadonlyMap<string, Dtype>,
): Promise<UploadedEntities> {
  const local = await loadEntities(connection, input, keyTypes, new DuckDBDialect());
  const localTable = local.location.kind === "table" ? local.location.table : "";
  const name = `skewless_entity_${Date.now()}_${randomBytes(4).toString("hex")}`;
  const table = quote(name);
  try {
    await copyTable(session, connection, localTable, table, { temporary: true, rowNumber: ENTITY_ROW, what: "entity column" });
    return { relation: { ...local, location: { kind: "table", table: name, parts: [name] }, rowId: ENTITY_ROW }, table, localTable };
  } catch (error) {
    await dropEntities(session, table);
    if (error instanceof SkewlessError) throw error;
    throw new BackendError("snowflake", `upload the entity rows to the temporary table ${name}`, error,
      "check that the role may create temporary tables in offline_store.database and schema");
  }
}

/**
 * Creates `target` (a quoted name) with the columns of the DuckDB table `localTable` in their
 * Snowflake types, and copies its rows in order; `rowNumber` adds a column numbering them. Rows
 * travel as literals in INSERT statements of at most 512 KB each, spelled by DuckDB from the
 * values, so every value arrives exactly (microsecond timestamps, 17-digit floats, 64-bit integers).
 */
export async function copyTable(
  session: SnowflakeSession, connection: DuckDBConnection, localTable: string, target: string, options: { temporary?: boolean; rowNumber?: string; what?: string } = {},
): Promise<void> {
  const described = await (await run(connection, `DESCRIBE "${localTable}"`)).getRowObjectsJS();
  const columns = described.map((r) => ({ name: String(r.column_name), duckdb: String(r.column_type) }));
  const ddl = columns.map((c) => {
    const type = snowflakeTypeOfDuckDB(c.duckdb);
    if (!type) {
      throw new InvalidArgumentError(`${options.what ?? "column"} ${c.name} is ${c.duckdb}, which the Snowflake store cannot upload`,
        "use integers, floats, strings, booleans, bytes, dates or timestamps");
    }
    return `${quote(c.name)} ${type}`;
  });
  const names = columns.map((c) => quote(c.name));
  const literals = columns.map((c) => literal(quote(c.name), c.duckdb));
  if (options.rowNumber) {
    ddl.push(`${quote(options.rowNumber)} NUMBER(38, 0) NOT NULL`);
    names.push(quote(options.rowNumber));
    literals.push("CAST(rowid AS VARCHAR)");
  }
  await session.queryAll(`CREATE ${options.temporary ? "TEMPORARY " : ""}TABLE ${target} (${ddl.join(", ")})`);
  const rows = await run(connection, `SELECT '(' || concat_ws(', ', ${literals.join(", ")}) || ')' AS row FROM "${localTable}" ORDER BY rowid`);
  const insert = `INSERT INTO ${target} (${names.join(", ")}) VALUES\n`;
  let batch: string[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length) await session.queryAll(insert + batch.join(",\n"));
    batch = [];
    bytes = 0;
  };
  for (const row of await rows.getRowObjectsJS()) {
    const text = String(row.row);
    if (bytes + text.length > STATEMENT_BYTES) await flush();
    batch.push(text);
    bytes += text.length + 2;
  }
  await flush();
}

/** Drops an uploaded entity table; a table already gone is fine. */
export async function dropEntities(session: SnowflakeSession, table: string): Promise<void> {
  await session.queryAll(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A DuckDB expression giving the Snowflake literal of column `c` (a DuckDB type) for each row; `NULL` for null. */
function literal(c: string, duckdbType: string): string {
  const text = (() => {
    switch (duckdbType) {
      case "FLOAT":
      case "DOUBLE":
        return `CASE WHEN isnan(${c}) THEN '''NaN''::FLOAT' WHEN isinf(${c}) AND ${c} > 0 THEN '''inf''::FLOAT'` +
          ` WHEN isinf(${c}) THEN '''-inf''::FLOAT' ELSE printf('%.17g', CAST(${c} AS DOUBLE)) || '::FLOAT' END`;
      case "VARCHAR":
        return `'''' || replace(replace(${c}, '\\', '\\\\'), '''', '''''') || ''''`;
      case "BOOLEAN":
        return `CASE WHEN ${c} THEN 'TRUE' ELSE 'FALSE' END`;
      case "BLOB":
        return `'TO_BINARY(''' || hex(${c}) || ''', ''HEX'')'`;
      case "DATE":
        return `'CAST(''' || strftime(${c}, '%Y-%m-%d') || ''' AS DATE)'`;
      case "TIMESTAMP":
        return `'CAST(''' || strftime(${c}, '%Y-%m-%d %H:%M:%S.%f') || ''' AS TIMESTAMP_NTZ)'`;
      case "TIMESTAMP WITH TIME ZONE":
        return `'CAST(''' || strftime(CAST(${c} AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%f') || ' +00:00'' AS TIMESTAMP_TZ)'`;
      default:
        return `CAST(${c} AS VARCHAR)`;
    }
  })();
  return `coalesce(${text}, 'NULL')`;
}
