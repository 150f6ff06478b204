import { ValueType } from "../definitions/dtypes";
import { InvalidArgumentError, PushSourceNotFoundError } from "../errors";
import type { FeatureStore } from "../feature-store";
import { BatchEncoder } from "../materialize/batch-encoder";
import type { PulledBatch } from "../offline/offline-store";
import { INTEGER } from "../online/entity-key";
import { updateTiles } from "../online/aggregation/tile-store";
import { onlineTable } from "../online/open-online-store";
import type { ColumnInfo, FeatureViewInfo } from "../registry/catalog";
import { DUMMY_ENTITY_ID } from "../registry/to-proto";
import { DEFAULT_FUTURE_SKEW_SECONDS, rejectFutureEventTimes } from "./future-events";

export interface PushOptions {
  /** How far past now an event time may be (default 300 s); later rows are refused. */
  futureSkewSeconds?: number;
}

export interface PushResult {
  views: { view: string; written: number; skipped: number }[];
}

/**
 * Feast's push to the online store: rows given as columns (`{ col: [v0, v1] }`) are written to every
 * feature view whose stream source is the push source, after the batch source's field mapping, with
 * the same type checks as materialization (a value that does not fit its declared type is refused).
 */
export async function pushOnline(store: FeatureStore, pushSource: string, df: Record<string, unknown[]>, options: PushOptions = {}): Promise<PushResult> {
  const views = (await store.servingCatalog()).featureViews().filter((v) => v.streamSource?.name === pushSource);
  if (views.length === 0) throw new PushSourceNotFoundError(pushSource, store.project);
  // Every view's batch is checked before the first write, so a refused push writes nothing.
  const now = new Date();
  const batches = views.map((view) => checkedBatch(view, df, options, now));
  const result: PushResult = { views: [] };
  for (const [i, view] of views.entries()) result.views.push(await writeBatch(store, view, batches[i]!));
  return result;
}

/**
 * Feast's `write_to_online_store`: rows given as columns written to one feature view's online
 * table, with the same mapping and checks as a push.
 */
export async function writeOnline(store: FeatureStore, view: FeatureViewInfo, df: Record<string, unknown[]>, options: PushOptions = {}): Promise<PushResult["views"][number]> {
  return writeBatch(store, view, checkedBatch(view, df, options, new Date()));
}

/** The rows for one view, after its field mapping, refused when an event time is too far ahead. */
function checkedBatch(view: FeatureViewInfo, df: Record<string, unknown[]>, options: PushOptions, now: Date): PulledBatch {
  const mapping = view.batchSource.fieldMapping;
  const batch = toBatch(view, renamed(df, mapping));
  const skew = options.futureSkewSeconds ?? DEFAULT_FUTURE_SKEW_SECONDS;
  rejectFutureEventTimes(view.name, pushedName(df, view.batchSource.timestampField, mapping), batch.eventTimestamps, skew, now);
  return batch;
}

async function writeBatch(store: FeatureStore, view: FeatureViewInfo, batch: PulledBatch): Promise<PushResult["views"][number]> {
  // A stream view's aggregations keep tiles online, not the rows themselves
  if (view.aggregations) return { view: view.name, ...(await updateTiles(store.onlineStore(), view, batch, store.config.entityKeySerializationVersion)) };
  const rows = new BatchEncoder(view, store.config.entityKeySerializationVersion).encode(batch);
  const written = await store.onlineStore().write(onlineTable(view), rows);
  return { view: view.name, ...written };
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
