import { DuckDBListType, LIST, timestampTZValue, type DuckDBAppender, type DuckDBConnection, type DuckDBType, type DuckDBValue } from "@duckdb/node-api";
import { BIGINT, BLOB, BOOLEAN, DOUBLE, FLOAT, INTEGER, TIMESTAMPTZ, VARCHAR } from "@duckdb/node-api";
import type { Dtype, ScalarDtype } from "../../definitions/dtypes";
import type { PointInTimePlan } from "../point-in-time";
import { InvalidArgumentError } from "../../errors";
import { run } from "../duckdb/duckdb-session";

/**
 * Microseconds since the epoch of a timestamp given as text (ISO or `YYYY-MM-DD HH:MM:SS`, up to
 * nine fraction digits; no zone means UTC) or as an object with such a `value` (BigQuery's
 * `BigQueryTimestamp`): a `Date` would drop the microseconds.
 */
export function timestampMicros(value: unknown): bigint {
  const text = typeof value === "object" && value !== null && "value" in value ? String(value.value) : String(value);
  const match = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?$/.exec(text.replace(" ", "T"));
  const whole = Date.parse(`${match?.[1] ?? text}${match?.[3] ?? "Z"}`);
  if (Number.isNaN(whole)) throw new Error(`not a timestamp: ${text}`);
  const fraction = (match?.[2] ?? "").padEnd(6, "0").slice(0, 6);
  return BigInt(whole) * 1000n + BigInt(fraction);
}

/** The DuckDB column types a warehouse result is kept in, by the names DuckDB's DESCRIBE gives. */
const TYPES: Record<string, DuckDBType> = {
  BIGINT, INTEGER, DOUBLE, FLOAT, VARCHAR, BOOLEAN, BLOB, "TIMESTAMP WITH TIME ZONE": TIMESTAMPTZ,
};

const DECLARED: Record<ScalarDtype, string> = {
  Int64: "BIGINT", Int32: "INTEGER", Float64: "DOUBLE", Float32: "FLOAT", String: "VARCHAR", Bool: "BOOLEAN", Bytes: "BLOB",
  UnixTimestamp: "TIMESTAMP WITH TIME ZONE",
};

/** The DuckDB type a declared dtype comes back as (what DuckDB's own store returns). */
export function duckdbTypeOf(dtype: Dtype): string {
  const array = /^Array\((\w+)\)$/.exec(dtype);
  return array ? `${DECLARED[array[1] as ScalarDtype]}[]` : DECLARED[dtype as ScalarDtype];
}

export interface ResultColumn {
  name: string;
  /** A DuckDB type name: one of `TYPES`, or one of them with `[]`. */
  type: string;
}

/**
 * A DuckDB table holding a warehouse result in the types the DuckDB store returns, so rows,
 * Arrow and parquet come out of one formatter whichever engine ran the query.
 */
export class ResultTable {
  private constructor(private readonly appender: DuckDBAppender, private readonly columns: { name: string; type: DuckDBType }[]) {}

  static async create(connection: DuckDBConnection, table: string, columns: readonly ResultColumn[]): Promise<ResultTable> {
    const types = columns.map((c) => ({ name: c.name, type: duckdbType(c) }));
    const ddl = columns.map((c) => `"${c.name.replace(/"/g, '""')}" ${c.type}`).join(", ");
    await run(connection, `CREATE TEMP TABLE "${table}" (${ddl})`);
    return new ResultTable(await connection.createAppender(table), types);
  }

  /**
   * Appends rows keyed by column name: integers as bigint, number or decimal text (or BigQuery's
   * `{ value }`), floats as numbers, bytes as Uint8Array or base64, timestamps as `timestampMicros` reads them.
   */
  append(rows: readonly Record<string, unknown>[]): void {
    for (const row of rows) {
      for (const column of this.columns) appendCell(this.appender, column.type, row[column.name]);
      this.appender.endRow();
    }
  }

  finish(): void {
    try {
      this.appender.flushSync();
    } finally {
      this.appender.closeSync();
    }
  }
}

function duckdbType(column: ResultColumn): DuckDBType {
  const list = column.type.endsWith("[]");
  const element = TYPES[list ? column.type.slice(0, -2) : column.type];
  if (!element) throw new InvalidArgumentError(`column ${column.name} is ${column.type}, which a warehouse store cannot return`, "use integers, floats, strings, booleans, bytes or timestamps");
  return list ? LIST(element) : element;
}

function appendCell(appender: DuckDBAppender, type: DuckDBType, value: unknown): void {
  if (value === null || value === undefined) return appender.appendNull();
  if (type instanceof DuckDBListType) {
    return appender.appendList((value as unknown[]).map((v) => toValue(type.valueType, v) as DuckDBValue), type);
  }
  const v = toValue(type, value);
  switch (type) {
    case BIGINT: return appender.appendBigInt(v as bigint);
    case INTEGER: return appender.appendInteger(v as number);
    case DOUBLE: return appender.appendDouble(v as number);
    case FLOAT: return appender.appendFloat(v as number);
    case VARCHAR: return appender.appendVarchar(v as string);
    case BOOLEAN: return appender.appendBoolean(v as boolean);
    case BLOB: return appender.appendBlob(v as Uint8Array);
    default: return appender.appendTimestampTZ(v as ReturnType<typeof timestampTZValue>);
  }
}

function toValue(type: DuckDBType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const text = () => (typeof value === "object" && value !== null && "value" in value ? String(value.value) : String(value));
  switch (type) {
    case BIGINT: return BigInt(text());
    case INTEGER: return Number(text());
    case DOUBLE:
    case FLOAT: return typeof value === "number" ? value : Number(value);
    case VARCHAR: return String(value);
    case BOOLEAN: return value === true || value === "true";
    case BLOB: return value instanceof Uint8Array ? value : Buffer.from(String(value), "base64");
    default: return timestampTZValue(timestampMicros(value));
  }
}

/** The result's columns in the types DuckDB's store would give: entity columns as loaded, features as declared. */
export async function resultColumns(connection: DuckDBConnection, entityTable: string, plan: PointInTimePlan): Promise<ResultColumn[]> {
  const described = await (await connection.run(`DESCRIBE "${entityTable}"`)).getRowObjectsJS();
  const entityTypes = new Map(described.map((r) => [String(r.column_name), String(r.column_type)]));
  const columns: ResultColumn[] = plan.entity.columns.map((name) => ({ name, type: entityTypes.get(name) ?? "VARCHAR" }));
  for (const view of plan.views) {
    const dtypes = new Map(view.source.features.map((f) => [f.name, f.dtype]));
    for (const f of view.features) columns.push({ name: f.outputName, type: duckdbTypeOf(dtypes.get(f.name) ?? "String") });
    if (view.sourceTimestampNames) {
      columns.push({ name: view.sourceTimestampNames.event, type: "TIMESTAMP WITH TIME ZONE" });
      if (view.sourceTimestampNames.created) columns.push({ name: view.sourceTimestampNames.created, type: "TIMESTAMP WITH TIME ZONE" });
    }
  }
  return columns;
}
