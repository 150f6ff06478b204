import { ValueType } from "../definitions/dtypes";
import { InvalidArgumentError } from "../errors";
import type { PulledBatch } from "../offline/offline-store";
import { INTEGER } from "../online/entity-key";
import type { ColumnInfo, FeatureViewInfo } from "../registry/catalog";
import { DUMMY_ENTITY_ID } from "../registry/to-proto";
import { DEFAULT_FUTURE_SKEW_SECONDS, rejectFutureEventTimes } from "../server/future-events";

// Pushed rows (columns named as in the push source's batch source) turned into a typed batch for
// one feature view: the batch source's field mapping applied, values given their declared types,
// event times checked. Online and offline writes both start from this batch.

/** Pushed rows as columns: `{ column: [v0, v1, ...] }`, named as in the batch source. */
export type PushRows = Record<string, unknown[]>;

/** The rows for one view, after its field mapping, refused when an event time is too far ahead. */
export function checkedBatch(view: FeatureViewInfo, df: PushRows, futureSkewSeconds: number | undefined, now: Date): PulledBatch {
  const mapping = view.batchSource.fieldMapping;
  const batch = toBatch(view, renamed(df, mapping));
  const skew = futureSkewSeconds ?? DEFAULT_FUTURE_SKEW_SECONDS;
  rejectFutureEventTimes(view.name, pushedName(df, view.batchSource.timestampField, mapping), batch.eventTimestamps, skew, now);
  return batch;
}

function renamed(df: Record<string, unknown[]>, mapping: Record<string, string>): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(df).map(([name, values]) => [mapping[name] ?? name, values]));
}

/** The df column that became `name` after the field mapping (what the caller called it). */
function pushedName(df: Record<string, unknown[]>, name: string, mapping: Record<string, string>): string {
  return Object.keys(df).find((k) => mapping[k] === name) ?? name;
}

function toBatch(view: FeatureViewInfo, df: Record<string, unknown[]>): PulledBatch {
  const column = (name: string, what: string): unknown[] => {
    const values = df[name];
    if (!Array.isArray(values)) throw new InvalidArgumentError(`push to ${view.name}: df has no ${what} column ${name}`, `df columns: ${Object.keys(df).join(", ")}`);
    return values;
  };
  const timestampField = view.batchSource.timestampField;
  const times = column(timestampField, "timestamp").map((v, i) => toDate(v, `${timestampField}[${i}]`, view.name));
  const rowCount = times.length;
  const keys = view.joinKeys.filter((k) => k.name !== DUMMY_ENTITY_ID);
  const joinKeyColumns = keys.map((k) => column(k.name, "join key").map((v) => fromJson(v, k)));
  const featureColumns = (view.inputColumns ?? view.features).map((f) => column(f.name, "feature").map((v) => fromJson(v, f)));
  for (const values of [...joinKeyColumns, ...featureColumns]) {
    if (values.length !== rowCount) throw new InvalidArgumentError(`push to ${view.name}: df columns have different lengths`);
  }
  const created = view.batchSource.createdTimestampColumn;
  return {
    rowCount,
    joinKeyColumns,
    featureColumns,
    eventTimestamps: times,
    createdTimestamps: created && df[created] ? df[created].map((v, i) => (v == null ? null : toDate(v, `${created}[${i}]`, view.name))) : undefined,
  };
}

/**
 * JSON carries numbers (bigint past 2^53, see exact-json.ts) and strings; give each value its
 * declared type (Float32 rounded as float32 stores it, a decimal string for an Int64 converted as
 * Feast converts it).
 */
function fromJson(value: unknown, column: ColumnInfo): unknown {
  if (value === null || value === undefined) return null;
  switch (column.valueType) {
    case ValueType.FLOAT: return float(value, true);
    case ValueType.DOUBLE: return float(value, false);
    case ValueType.INT32: return typeof value === "bigint" ? Number(value) : value;
    case ValueType.INT64: return int64(value);
    case ValueType.BYTES: return typeof value === "string" ? Buffer.from(value, "base64") : value;
    case ValueType.UNIX_TIMESTAMP: return typeof value === "string" ? new Date(value) : value;
    case ValueType.FLOAT_LIST: return Array.isArray(value) ? value.map((v) => float(v, true)) : value;
    case ValueType.DOUBLE_LIST: return Array.isArray(value) ? value.map((v) => float(v, false)) : value;
    case ValueType.INT64_LIST: return Array.isArray(value) ? value.map(int64) : value;
    default: return value;
  }
}

function float(value: unknown, single: boolean): unknown {
  const n = typeof value === "bigint" ? Number(value) : value;
  return typeof n === "number" && single ? Math.fround(n) : n;
}

function int64(value: unknown): unknown {
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  return typeof value === "string" && INTEGER.test(value.trim()) ? BigInt(value.trim()) : value;
}

/** ISO strings (naive = UTC, as Feast) or epoch seconds. */
function toDate(value: unknown, what: string, view: string): Date {
  const date = typeof value === "number" ? new Date(value * 1000)
    : typeof value === "string" ? new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`)
    : value instanceof Date ? value : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError(`push to ${view}: ${what} ${JSON.stringify(value)} is not a timestamp`);
  return date;
}
