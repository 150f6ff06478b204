import type { Dtype, ScalarDtype } from "../../definitions/dtypes";

/** How a stored DuckDB type relates to a declared dtype. */
export type TypeFit = "exact" | "widen" | "mismatch";

const TIMESTAMP_TZ = "TIMESTAMP WITH TIME ZONE";
const OTHER_TIMESTAMPS = ["TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATE"];

// Stored types each dtype accepts: `exact` is read as is; `widen` is cast without loss. Anything
// else contradicts the declaration (a DOUBLE for an Int64, a BIGINT for an Int32) and is an error,
// never a silent cast.
const ACCEPTED: Record<ScalarDtype, { exact: string; widen: string[] }> = {
  Int32: { exact: "INTEGER", widen: ["TINYINT", "SMALLINT", "UTINYINT", "USMALLINT"] },
  Int64: { exact: "BIGINT", widen: ["TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT", "UINTEGER"] },
  Float32: { exact: "FLOAT", widen: ["TINYINT", "SMALLINT", "UTINYINT", "USMALLINT"] },
  Float64: { exact: "DOUBLE", widen: ["FLOAT", "TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT", "UINTEGER"] },
  String: { exact: "VARCHAR", widen: [] },
  Bool: { exact: "BOOLEAN", widen: [] },
  Bytes: { exact: "BLOB", widen: [] },
  UnixTimestamp: { exact: TIMESTAMP_TZ, widen: OTHER_TIMESTAMPS },
};

/** Whether a column stored as `stored` (DuckDB's type name) can be read as `dtype`. */
export function fitOf(stored: string, dtype: Dtype): TypeFit {
  const array = /^Array\((\w+)\)$/.exec(dtype);
  if (array) {
    const element = /^(.*)\[\]$/.exec(stored)?.[1];
    return element === undefined ? "mismatch" : fitOf(element, array[1] as ScalarDtype);
  }
  const accepted = ACCEPTED[dtype as ScalarDtype];
  if (!accepted) return "mismatch";
  if (stored === accepted.exact) return "exact";
  return accepted.widen.includes(stored) ? "widen" : "mismatch";
}

/** Event and created timestamps: any timestamp or date; anything but TIMESTAMPTZ is converted (naive = UTC). */
export function timestampFit(stored: string): TypeFit {
  if (stored === TIMESTAMP_TZ) return "exact";
  return OTHER_TIMESTAMPS.includes(stored) ? "widen" : "mismatch";
}

/** The DuckDB type a dtype is stored as when Skewless writes it (pushed rows into a new source). */
export function duckdbType(dtype: Dtype): string {
  const array = /^Array\((\w+)\)$/.exec(dtype);
  if (array) return `${duckdbType(array[1] as ScalarDtype)}[]`;
  const accepted = ACCEPTED[dtype as ScalarDtype];
  return accepted ? accepted.exact : "VARCHAR";
}

/** Whether a stored type is a timestamp or date (what `timestampFit` accepts). */
export function isTimestampType(stored: string): boolean {
  return timestampFit(stored) !== "mismatch";
}
