import type { Dtype, ScalarDtype } from "../../definitions/dtypes";
import type { TypeFit } from "../duckdb/duckdb-types";
import { timestampMicros } from "../warehouse/result-table";
import type { SnowflakeColumn } from "./snowflake-session";

// Snowflake has one integer type (NUMBER(38, 0), the driver's `fixed` with scale 0) and one float
// (FLOAT, `real`): Int32 and Float32 are stored in them, as Feast maps them, and narrowed on the way out.
const ACCEPTED: Record<ScalarDtype, { exact: string[]; widen: string[] }> = {
  Int32: { exact: ["integer"], widen: [] },
  Int64: { exact: ["integer"], widen: [] },
  Float32: { exact: ["real"], widen: [] },
  Float64: { exact: ["real"], widen: ["integer", "fixed"] },
  String: { exact: ["text"], widen: [] },
  Bool: { exact: ["boolean"], widen: [] },
  Bytes: { exact: ["binary"], widen: [] },
  UnixTimestamp: { exact: ["timestamp_tz"], widen: ["timestamp_ntz", "timestamp_ltz", "date"] },
};

/** `fixed` with scale 0 is an integer; with a scale, a decimal. */
function kind(column: SnowflakeColumn): string {
  return column.type === "fixed" && !column.scale ? "integer" : column.type;
}

/** A column's type as messages show it: `NUMBER(38, 0)`, `NUMBER(38, 2)`, `TEXT`, `TIMESTAMP_TZ`. */
export function describeColumn(column: SnowflakeColumn): string {
  if (column.type === "fixed") return `NUMBER(38, ${column.scale ?? 0})`;
  return column.type.toUpperCase();
}

/** Whether a Snowflake column can be read as `dtype`. Arrays are semi-structured ARRAY, elements unchecked. */
export function snowflakeFit(column: SnowflakeColumn, dtype: Dtype): TypeFit {
  if (dtype.startsWith("Array(")) return column.type === "array" ? "exact" : "mismatch";
  const accepted = ACCEPTED[dtype as ScalarDtype];
  if (!accepted) return "mismatch";
  if (accepted.exact.includes(kind(column))) return "exact";
  return accepted.widen.includes(kind(column)) ? "widen" : "mismatch";
}

/** Event and created timestamps: TIMESTAMP_TZ as is; NTZ (naive = UTC), LTZ and DATE converted. */
export function snowflakeTimestampFit(column: SnowflakeColumn): TypeFit {
  if (column.type === "timestamp_tz") return "exact";
  return ["timestamp_ntz", "timestamp_ltz", "date"].includes(column.type) ? "widen" : "mismatch";
}

/** The driver's date (a `Date` with `getEpochSeconds` and `getNanoSeconds`) as epoch microseconds. */
function sfDateMicros(value: unknown): bigint {
  const date = value as Date & { getEpochSeconds?: () => number; getNanoSeconds?: () => number };
  if (typeof date.getEpochSeconds === "function" && typeof date.getNanoSeconds === "function") {
    return BigInt(date.getEpochSeconds()) * 1_000_000n + BigInt(Math.floor(date.getNanoSeconds() / 1000));
  }
  return value instanceof Date ? BigInt(value.getTime()) * 1000n : timestampMicros(value);
}

/** Numbers come as text (`fetchAsString`): the driver spells their null `NULL`, and Snowflake its infinities `inf`. */
function numberText(value: unknown): string | null {
  const text = String(value);
  return text === "NULL" ? null : text;
}

function float(text: string): number {
  if (/^[+-]?inf(inity)?$/i.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  return Number(text);
}

/**
 * A cell of a Snowflake result as the JavaScript value of its declared type (see `PulledBatch`),
 * or for `"Timestamp"` an event or created timestamp (a `Date`).
 */
export function fromSnowflake(value: unknown, dtype: Dtype | "Timestamp"): unknown {
  if (value === null || value === undefined) return null;
  const array = /^Array\((\w+)\)$/.exec(dtype);
  if (array) {
    const items = typeof value === "string" ? (JSON.parse(value) as unknown[]) : (value as unknown[]);
    return items.map((v) => fromSnowflake(typeof v === "number" ? String(v) : v, array[1] as ScalarDtype));
  }
  switch (dtype) {
    case "Int64":
    case "Int32": {
      const text = numberText(value);
      if (text === null) return null;
      return dtype === "Int64" ? BigInt(text) : Number(text);
    }
    case "Float32":
    case "Float64": {
      const text = numberText(value);
      return text === null ? null : float(text);
    }
    case "Bool":
      return value === true || value === "true" || value === "1";
    case "Bytes":
      return value instanceof Uint8Array ? new Uint8Array(value) : Buffer.from(String(value), "hex");
    case "UnixTimestamp":
    case "Timestamp":
      return new Date(Number(sfDateMicros(value) / 1000n));
    default:
      return value;
  }
}

/**
 * A result row's cells as `ResultTable` takes them: integers as bigint, floats as numbers,
 * timestamps as ISO text with microseconds.
 */
export function resultCells(row: Record<string, unknown>, columns: readonly SnowflakeColumn[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const column of columns) out[column.name] = resultCell(row[column.name], column);
  return out;
}

function resultCell(value: unknown, column: SnowflakeColumn): unknown {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case "fixed": {
      const text = numberText(value);
      return text === null ? null : column.scale ? Number(text) : BigInt(text);
    }
    case "real": {
      const text = numberText(value);
      return text === null ? null : float(text);
    }
    case "timestamp_tz":
    case "timestamp_ntz":
    case "timestamp_ltz":
    case "date": {
      const micros = sfDateMicros(value);
      const ms = micros / 1000n;
      return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${String(((micros % 1_000_000n) + 1_000_000n) % 1_000_000n).padStart(6, "0")}Z`;
    }
    case "array":
      return typeof value === "string" ? JSON.parse(value) : value;
    default:
      return value;
  }
}

const FROM_DUCKDB: Record<string, string> = {
  TINYINT: "NUMBER(38, 0)", SMALLINT: "NUMBER(38, 0)", INTEGER: "NUMBER(38, 0)", BIGINT: "NUMBER(38, 0)", UTINYINT: "NUMBER(38, 0)",
  USMALLINT: "NUMBER(38, 0)", UINTEGER: "NUMBER(38, 0)", FLOAT: "FLOAT", DOUBLE: "FLOAT", VARCHAR: "VARCHAR", BOOLEAN: "BOOLEAN",
  BLOB: "BINARY", DATE: "DATE", TIMESTAMP: "TIMESTAMP_NTZ", "TIMESTAMP WITH TIME ZONE": "TIMESTAMP_TZ",
};

/** The Snowflake column type a DuckDB column is uploaded as (entity rows, test tables), or undefined when none fits. */
export function snowflakeTypeOfDuckDB(duckdbType: string): string | undefined {
  return FROM_DUCKDB[duckdbType];
}
