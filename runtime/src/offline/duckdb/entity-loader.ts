import type { DuckDBConnection } from "@duckdb/node-api";
import type { Dtype } from "../../definitions/dtypes";
import { InvalidArgumentError, QueryError, SchemaMismatchError } from "../../errors";
import { describeEntityInput, ENTITY_TIMESTAMP, type EntityInput } from "../entity-data";
import type { EntityRelation } from "../point-in-time";
import type { SqlDialect } from "../sql/dialect";
import { fitOf, timestampFit } from "./duckdb-types";
import { run } from "./duckdb-session";
import { checkEntityQuery } from "./entity-query";
import { writeEntityRows } from "./entity-rows";

const TABLE = "skewless_entity";
const STAGING = "skewless_entity_rows";
const INTEGERS = ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"];

/**
 * Copies the entity rows into a temporary table of the connection, in input order (its `rowid`
 * numbers them), with `event_timestamp` converted to UTC timestamps. Checks the timestamp column,
 * that join key columns hold the kind of value their keys declare, and that no timestamp is null.
 */
export async function loadEntities(
  connection: DuckDBConnection, input: EntityInput, keyTypes: ReadonlyMap<string, Dtype>, dialect: SqlDialect,
): Promise<EntityRelation> {
  const description = describeEntityInput(input);
  const q = (name: string) => dialect.quoteIdentifier(name);
  if (input.kind === "rows") await writeEntityRows(connection, STAGING, input.rows, keyTypes);
  // A query's closing parenthesis goes on its own line, so a trailing `-- comment` cannot swallow it.
  const from = input.kind === "rows" ? q(STAGING)
    : input.kind === "parquet" ? dialect.relation({ kind: "file", path: input.path })
    : dialect.relation({ kind: "query", query: `${await checkEntityQuery(connection, input.query, description)}\n` });
  const columns = await describe(connection, `DESCRIBE SELECT * FROM ${from}`, description);
  const tsType = columns.get(ENTITY_TIMESTAMP);
  if (tsType === undefined) {
    throw new SchemaMismatchError(
      `${description} has no ${ENTITY_TIMESTAMP} column (its columns: ${[...columns.keys()].join(", ") || "none"})`,
      `add an ${ENTITY_TIMESTAMP} column: the point in time each row asks about (a timestamp, ISO string or date)`,
    );
  }
  if (tsType !== "VARCHAR" && timestampFit(tsType) === "mismatch") {
    throw new SchemaMismatchError(`${description}: ${ENTITY_TIMESTAMP} is ${tsType}, not a timestamp, date or ISO string`);
  }
  if (columns.has("rowid")) throw new InvalidArgumentError(`${description} has a column named rowid, which Skewless reserves`, "rename it");
  for (const [column, dtype] of keyTypes) {
    const stored = columns.get(column);
    if (stored !== undefined && !sameKind(stored, dtype)) {
      throw new SchemaMismatchError(
        `${description}: join key column ${column} is ${stored}, but the feature view declares it ${dtype}`,
        `give ${column} ${dtype} values`,
      );
    }
  }
  const ts = q(ENTITY_TIMESTAMP);
  const create = `CREATE TEMP TABLE ${q(TABLE)} AS SELECT * REPLACE (CAST(${ts} AS TIMESTAMPTZ) AS ${ts}) FROM ${from}`;
  await run(connection, create).catch((error: unknown) => {
    const detail = error instanceof QueryError && error.cause instanceof Error ? error.cause.message : String(error);
    if (/Conversion Error|timestamp/i.test(detail)) {
      throw new InvalidArgumentError(`${description}: ${ENTITY_TIMESTAMP} has a value that is not a timestamp: ${detail}`,
        "use Dates, ISO strings (naive means UTC) or dates");
    }
    throw error;
  });
  if (input.kind === "rows") await run(connection, `DROP TABLE ${q(STAGING)}`);
  const stats = await run(connection,
    `SELECT count(*) AS n, min(${ts}) AS lo, max(${ts}) AS hi, count(*) FILTER (WHERE ${ts} IS NULL) AS nulls, min(rowid) FILTER (WHERE ${ts} IS NULL) AS first_null FROM ${q(TABLE)}`);
  const [row] = await stats.getRowObjectsJS();
  if (Number(row.nulls) > 0) {
    throw new InvalidArgumentError(`${description}: ${ENTITY_TIMESTAMP} is missing in ${row.nulls} row(s), the first being row ${row.first_null}`,
      "every entity row needs the point in time it asks about");
  }
  return {
    location: { kind: "table", table: TABLE },
    description,
    rowId: "rowid",
    timestampColumn: ENTITY_TIMESTAMP,
    columns: [...columns.keys()],
    timeRange: row.lo instanceof Date && row.hi instanceof Date ? { min: row.lo, max: row.hi } : undefined,
    rowCount: Number(row.n),
  };
}

function sameKind(stored: string, dtype: Dtype): boolean {
  if (dtype === "Int32" || dtype === "Int64") return INTEGERS.includes(stored);
  return fitOf(stored, dtype) !== "mismatch";
}

async function describe(connection: DuckDBConnection, sql: string, description: string): Promise<Map<string, string>> {
  try {
    const rows = await (await run(connection, sql)).getRowObjectsJS();
    return new Map(rows.map((r) => [String(r.column_name), String(r.column_type)]));
  } catch (error) {
    if (error instanceof QueryError) {
      const detail = error.cause instanceof Error ? error.cause.message : String(error.cause);
      throw new QueryError("duckdb", error.sql, error.cause, `${description} could not be read: ${detail.split("\n")[0]}`);
    }
    throw error;
  }
}
