import { ValueType } from "../definitions/dtypes";
import { InvalidArgumentError, PushSourceNotFoundError } from "../errors";
import type { FeatureStore } from "../feature-store";
import { BatchEncoder } from "../materialize/batch-encoder";
import type { PulledBatch } from "../offline/offline-store";
import { INTEGER } from "../online/entity-key";
import { onlineTable } from "../online/open-online-store";
import type { ColumnInfo, FeatureViewInfo } from "../registry/catalog";
import { DUMMY_ENTITY_ID } from "../registry/to-proto";

export interface PushResult {
  views: { view: string; written: number; skipped: number }[];
}

/**
 * Feast's push to the online store: rows given as columns (`{ col: [v0, v1] }`) are written to every
 * feature view whose stream source is the push source, after the batch source's field mapping, with
 * the same type checks as materialization (a value that does not fit its declared type is refused).
 */
export async function pushOnline(store: FeatureStore, pushSource: string, df: Record<string, unknown[]>): Promise<PushResult> {
  const views = (await store.catalog()).featureViews().filter((v) => v.streamSource?.name === pushSource);
  if (views.length === 0) throw new PushSourceNotFoundError(pushSource, store.project);
  const result: PushResult = { views: [] };
  for (const view of views) result.views.push(await writeOnline(store, view, df));
  return result;
}

/**
 * Feast's `write_to_online_store`: rows given as columns written to one feature view's online
 * table, with the same mapping and checks as a push.
 */
export async function writeOnline(store: FeatureStore, view: FeatureViewInfo, df: Record<string, unknown[]>): Promise<PushResult["views"][number]> {
  const batch = toBatch(view, renamed(df, view.batchSource.fieldMapping));
  const rows = new BatchEncoder(view, store.config.entityKeySerializationVersion).encode(batch);
  const written = await store.onlineStore().write(onlineTable(view), rows);
  return { view: view.name, ...written };
}

function renamed(df: Record<string, unknown[]>, mapping: Record<string, string>): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(df).map(([name, values]) => [mapping[name] ?? name, values]));
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
  const featureColumns = view.features.map((f) => column(f.name, "feature").map((v) => fromJson(v, f)));
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
