import { timestampTZValue, type DuckDBAppender, type DuckDBConnection } from "@duckdb/node-api";
import type { Dtype } from "../../definitions/dtypes";
import { InvalidArgumentError } from "../../errors";
import { ENTITY_TIMESTAMP, type EntityRow } from "../entity-data";
import { run } from "./duckdb-session";

type Kind = "BIGINT" | "INTEGER" | "DOUBLE" | "FLOAT" | "VARCHAR" | "BOOLEAN" | "TIMESTAMPTZ" | "BLOB";

// Join keys get the view's declared type; the timestamp column is staged as text and parsed by
// DuckDB (so naive strings are UTC and microseconds survive); other columns take the JS type of
// their values (number → DOUBLE, so numbers come back as numbers).
const DECLARED: Partial<Record<Dtype, Kind>> = {
  Int64: "BIGINT", Int32: "INTEGER", Float64: "DOUBLE", Float32: "FLOAT", String: "VARCHAR", Bool: "BOOLEAN", Bytes: "BLOB",
  UnixTimestamp: "TIMESTAMPTZ",
};

/**
 * Writes JS entity rows into a new temporary table `table`, in input order, one column per key
 * seen in any row (first-seen order). Values that do not fit their column are an error naming
 * the row and column.
 */
export async function writeEntityRows(
  connection: DuckDBConnection, table: string, rows: readonly EntityRow[], keyTypes: ReadonlyMap<string, Dtype>,
): Promise<void> {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    if (row === null || typeof row !== "object") throw new InvalidArgumentError(`entity row ${rows.indexOf(row)} is not an object`);
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) names.push(key);
      seen.add(key);
    }
  }
  const kinds = names.map((name): Kind => {
    if (name === ENTITY_TIMESTAMP) return "VARCHAR";
    const declared = keyTypes.get(name);
    return (declared && DECLARED[declared]) || inferKind(rows, name);
  });
  const columns = names.map((n, i) => `"${n.replace(/"/g, '""')}" ${kinds[i]}`).join(", ");
  await run(connection, `CREATE TEMP TABLE "${table}" (${columns})`);
  const appender = await connection.createAppender(table);
  try {
    rows.forEach((row, r) => {
      names.forEach((name, c) => append(appender, kinds[c], name === ENTITY_TIMESTAMP ? timestampText(row[name], r) : row[name], r, name));
      appender.endRow();
    });
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

function inferKind(rows: readonly EntityRow[], name: string): Kind {
  const value = rows.find((row) => row[name] !== null && row[name] !== undefined)?.[name];
  if (value === undefined) return "VARCHAR";
  if (typeof value === "bigint") return "BIGINT";
  if (typeof value === "number") return "DOUBLE";
  if (typeof value === "string") return "VARCHAR";
  if (typeof value === "boolean") return "BOOLEAN";
  if (value instanceof Date) return "TIMESTAMPTZ";
  if (value instanceof Uint8Array) return "BLOB";
  throw new InvalidArgumentError(`entity column ${name} holds ${describe(value)}, which Skewless cannot store`, "use numbers, bigints, strings, booleans, Dates or Uint8Arrays");
}

function timestampText(value: unknown, row: number): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new InvalidArgumentError(`entity row ${row}: ${ENTITY_TIMESTAMP} is an invalid Date`);
    return value.toISOString();
  }
  if (typeof value === "string") return value;
  throw new InvalidArgumentError(
    `entity row ${row}: ${ENTITY_TIMESTAMP} is ${describe(value)}`,
    "use a Date, an ISO string (naive strings are UTC) or a date string such as 2024-05-01",
  );
}

function append(appender: DuckDBAppender, kind: Kind, value: unknown, row: number, column: string): void {
  if (value === null || value === undefined) return appender.appendNull();
  const wrong = () =>
    new InvalidArgumentError(`entity row ${row}: column ${column} is ${describe(value)}, expected ${expected(kind)}`, "give every row the same type for a column");
  switch (kind) {
    case "BIGINT":
      if (typeof value === "bigint") return appender.appendBigInt(value);
      if (typeof value === "number" && Number.isSafeInteger(value)) return appender.appendBigInt(BigInt(value));
      throw wrong();
    case "INTEGER":
      if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) <= 2 ** 31 - 1) return appender.appendInteger(value);
      if (typeof value === "bigint" && value >= -(2n ** 31n) && value < 2n ** 31n) return appender.appendInteger(Number(value));
      throw wrong();
    case "DOUBLE":
    case "FLOAT":
      if (typeof value !== "number") throw wrong();
      return kind === "DOUBLE" ? appender.appendDouble(value) : appender.appendFloat(value);
    case "VARCHAR":
      if (typeof value !== "string") throw wrong();
      return appender.appendVarchar(value);
    case "BOOLEAN":
      if (typeof value !== "boolean") throw wrong();
      return appender.appendBoolean(value);
    case "TIMESTAMPTZ":
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw wrong();
      return appender.appendTimestampTZ(timestampTZValue(BigInt(value.getTime()) * 1000n));
    case "BLOB":
      if (!(value instanceof Uint8Array)) throw wrong();
      return appender.appendBlob(value);
  }
}

function expected(kind: Kind): string {
  return {
    BIGINT: "an integer (Int64)", INTEGER: "an integer (Int32)", DOUBLE: "a number", FLOAT: "a number", VARCHAR: "a string",
    BOOLEAN: "a boolean", TIMESTAMPTZ: "a Date", BLOB: "a Uint8Array",
  }[kind];
}

function describe(value: unknown): string {
  if (value instanceof Date) return "a Date";
  if (typeof value === "object" && value !== null) return `a ${value.constructor?.name ?? "object"}`;
  return `${typeof value} ${typeof value === "bigint" ? `${value}n` : JSON.stringify(value)}`;
}
