import type { TableField } from "@google-cloud/bigquery";
import type { Dtype, ScalarDtype } from "../../definitions/dtypes";
import type { TypeFit } from "../duckdb/duckdb-types";
import { timestampMicros } from "../warehouse/result-table";

// BigQuery has one integer and one float type: Int32 and Float32 are stored as INT64 and FLOAT64
// there (as Feast maps them), so those are exact, and values are narrowed on the way out.
const ACCEPTED: Record<ScalarDtype, { exact: string[]; widen: string[] }> = {
  Int32: { exact: ["INT64", "INTEGER"], widen: [] },
  Int64: { exact: ["INT64", "INTEGER"], widen: [] },
  Float32: { exact: ["FLOAT64", "FLOAT"], widen: [] },
  Float64: { exact: ["FLOAT64", "FLOAT"], widen: ["INT64", "INTEGER"] },
  String: { exact: ["STRING"], widen: [] },
  Bool: { exact: ["BOOL", "BOOLEAN"], widen: [] },
  Bytes: { exact: ["BYTES"], widen: [] },
  UnixTimestamp: { exact: ["TIMESTAMP"], widen: ["DATETIME", "DATE"] },
};

/** A field's type as messages show it: `INT64`, `ARRAY<STRING>`. */
export function describeField(field: TableField): string {
  return field.mode === "REPEATED" ? `ARRAY<${field.type}>` : String(field.type);
}

/** Whether a BigQuery column can be read as `dtype`. */
export function bigQueryFit(field: TableField, dtype: Dtype): TypeFit {
  const array = /^Array\((\w+)\)$/.exec(dtype);
  if ((field.mode === "REPEATED") !== Boolean(array)) return "mismatch";
  const accepted = ACCEPTED[(array ? array[1] : dtype) as ScalarDtype];
  const type = String(field.type);
  if (!accepted) return "mismatch";
  if (accepted.exact.includes(type)) return "exact";
  return accepted.widen.includes(type) ? "widen" : "mismatch";
}

/** Event and created timestamps: TIMESTAMP as is; DATETIME (naive = UTC) and DATE converted. */
export function bigQueryTimestampFit(field: TableField): TypeFit {
  if (field.mode === "REPEATED") return "mismatch";
  if (field.type === "TIMESTAMP") return "exact";
  return field.type === "DATETIME" || field.type === "DATE" ? "widen" : "mismatch";
}

/**
 * A cell as the JavaScript value of its declared type (see `PulledBatch`): integers arrive as
 * `BigQueryInt` (a decimal string), timestamps as `BigQueryTimestamp`, bytes as Buffers.
 */
export function fromBigQuery(value: unknown, dtype: Dtype | "Timestamp"): unknown {
  if (value === null || value === undefined) return null;
  const array = /^Array\((\w+)\)$/.exec(dtype);
  if (array) return (value as unknown[]).map((v) => fromBigQuery(v, array[1] as ScalarDtype));
  switch (dtype) {
    case "Int64":
      return BigInt(integerText(value));
    case "Int32":
      return Number(integerText(value));
    case "Float32":
    case "Float64":
      return typeof value === "number" ? value : Number(value);
    case "Bytes":
      return value instanceof Uint8Array ? new Uint8Array(value) : Buffer.from(String(value), "base64");
    case "UnixTimestamp":
    case "Timestamp":
      return new Date(Number(timestampMicros(value) / 1000n));
    default:
      return value;
  }
}

function integerText(value: unknown): string {
  return typeof value === "object" && value !== null && "value" in value ? String(value.value) : String(value);
}

const FROM_DUCKDB: Record<string, string> = {
  TINYINT: "INT64", SMALLINT: "INT64", INTEGER: "INT64", BIGINT: "INT64", UTINYINT: "INT64", USMALLINT: "INT64", UINTEGER: "INT64",
  FLOAT: "FLOAT64", DOUBLE: "FLOAT64", VARCHAR: "STRING", BOOLEAN: "BOOL", BLOB: "BYTES", DATE: "DATE",
  TIMESTAMP: "DATETIME", "TIMESTAMP WITH TIME ZONE": "TIMESTAMP",
};

/** The BigQuery column a DuckDB column is uploaded as (entity rows), or undefined when none fits. */
export function bigQueryFieldOf(name: string, duckdbType: string): TableField | undefined {
  const list = duckdbType.endsWith("[]");
  const type = FROM_DUCKDB[list ? duckdbType.slice(0, -2) : duckdbType];
  return type ? { name, type, mode: list ? "REPEATED" : "NULLABLE" } : undefined;
}
