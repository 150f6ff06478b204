import { ValueType } from "../../definitions/dtypes";
import type { AggregationInfo } from "../../registry/aggregation-catalog";

// The tiles of one entity of a stream view, as stored: per event column and slide (ms), per tile
// index (floor(event ms / slide)), the running state of every function over that tile's events.
// Views sharing a column and slide share tiles; the window's functions are combined at read time.

/** [events, sum, non-null count, min, max, last event ms, last value]; values in stored form. */
export type Tile = [number, StoredValue, number, StoredValue, StoredValue, number | null, StoredValue];
export type StoredValue = number | string | boolean | null;
export interface TileState {
  /** `<column>@<slide ms>` → tile index → tile. */
  tiles: Record<string, Record<string, Tile>>;
  /**
   * Per stream partition (`<topic>/<partition>`), the highest offset already counted in these
   * tiles: a redelivered message (offset not above it) is not added again. Written in the same
   * value as the tiles, so the two never disagree.
   */
  offsets?: Record<string, string>;
}

export function tileGroup(column: string, slideMs: number): string {
  return `${column}@${slideMs}`;
}

/** Adds one event to its tile. `value` is the column's value as pushed (bigint for Int64, Date for timestamps). */
export function addEvent(state: TileState, group: string, slideMs: number, eventMs: number, value: unknown, valueType: number): void {
  const index = String(Math.floor(eventMs / slideMs));
  const tiles = (state.tiles[group] ??= {});
  const tile = (tiles[index] ??= [0, null, 0, null, null, null, null]);
  tile[0] += 1;
  if (value === null || value === undefined) return;
  const v = toStored(value, valueType);
  if (isNumeric(valueType)) tile[1] = add(tile[1], v, valueType);
  tile[2] += 1;
  if (tile[3] === null || compare(v, tile[3], valueType) < 0) tile[3] = v;
  if (tile[4] === null || compare(v, tile[4], valueType) > 0) tile[4] = v;
  // the latest event wins; at the same instant, the greater value (the offline plan's order)
  if (tile[5] === null || eventMs > tile[5] || (eventMs === tile[5] && compare(v, tile[6], valueType) > 0)) {
    tile[5] = eventMs;
    tile[6] = v;
  }
}

/** Drops tiles no window can reach once the latest tile is `latestIndex`. */
export function prune(state: TileState, group: string, latestIndex: number, tilesKept: number): void {
  const tiles = state.tiles[group] ?? {};
  for (const index of Object.keys(tiles)) if (Number(index) <= latestIndex - tilesKept) delete tiles[index];
}

/**
 * Puts `fresh`'s tiles of `group` with indices `first..last` in place of `state`'s (tiles
 * outside that range are kept): a backfill of an interval sets its tiles to what history holds.
 */
export function replaceTiles(state: TileState, fresh: TileState, group: string, first: number, last: number): void {
  const tiles = (state.tiles[group] ??= {});
  for (const index of Object.keys(tiles)) if (Number(index) >= first && Number(index) <= last) delete tiles[index];
  for (const [index, tile] of Object.entries(fresh.tiles[group] ?? {})) {
    if (Number(index) >= first && Number(index) <= last) tiles[index] = tile;
  }
}

/**
 * The aggregation over the window ending at `nowMs`: tiles `floor(now / slide) - window / slide + 1`
 * up to `floor(now / slide)`. `undefined` when the window holds no event at all.
 */
export function combine(state: TileState, a: AggregationInfo, nowMs: number): { events: number; value: unknown } {
  const slideMs = a.slideSeconds * 1000;
  const last = Math.floor(nowMs / slideMs);
  const first = last - a.windowSeconds / a.slideSeconds + 1;
  const tiles = state.tiles[tileGroup(a.column.name, slideMs)] ?? {};
  const type = a.column.valueType;
  let events = 0, count = 0;
  let sum: StoredValue = null, min: StoredValue = null, max: StoredValue = null, lastValue: StoredValue = null;
  let lastMs: number | null = null;
  for (let k = first; k <= last; k++) {
    const t = tiles[String(k)];
    if (!t) continue;
    events += t[0];
    count += t[2];
    if (t[1] !== null) sum = add(sum, t[1], type);
    if (t[3] !== null && (min === null || compare(t[3], min, type) < 0)) min = t[3];
    if (t[4] !== null && (max === null || compare(t[4], max, type) > 0)) max = t[4];
    if (t[5] !== null && (lastMs === null || t[5] > lastMs || (t[5] === lastMs && compare(t[6], lastValue, type) > 0))) {
      lastMs = t[5];
      lastValue = t[6];
    }
  }
  switch (a.function) {
    case "count": return { events, value: BigInt(count) };
    case "sum": return { events, value: count === 0 ? null : a.valueType === ValueType.INT64 ? BigInt(sum as string) : Number(sum) };
    case "mean": return { events, value: count === 0 ? null : Number(isInteger(type) ? BigInt(sum as string) : sum) / count };
    case "min": return { events, value: fromStored(min, type) };
    case "max": return { events, value: fromStored(max, type) };
    case "last": return { events, value: fromStored(lastValue, type) };
  }
}

function isInteger(valueType: number): boolean {
  return valueType === ValueType.INT64 || valueType === ValueType.INT32;
}

function isNumeric(valueType: number): boolean {
  return isInteger(valueType) || valueType === ValueType.FLOAT || valueType === ValueType.DOUBLE;
}

// Integers are kept as decimal strings (sums of Int64 must not round through a double).
function toStored(value: unknown, valueType: number): StoredValue {
  if (isInteger(valueType)) return BigInt(value as number | bigint).toString();
  if (valueType === ValueType.UNIX_TIMESTAMP) return value instanceof Date ? value.getTime() : Number(value) * 1000;
  return value as StoredValue;
}

function fromStored(value: StoredValue, valueType: number): unknown {
  if (value === null) return null;
  if (valueType === ValueType.INT64) return BigInt(value as string);
  if (valueType === ValueType.INT32) return Number(value);
  if (valueType === ValueType.UNIX_TIMESTAMP) return new Date(value as number);
  return value;
}

function add(total: StoredValue, value: StoredValue, valueType: number): StoredValue {
  if (isInteger(valueType)) return (BigInt((total as string | null) ?? "0") + BigInt(value as string)).toString();
  return ((total as number | null) ?? 0) + (value as number);
}

function compare(a: StoredValue, b: StoredValue, valueType: number): number {
  if (b === null) return a === null ? 0 : 1;
  if (a === null) return -1;
  if (isInteger(valueType)) {
    const d = BigInt(a as string) - BigInt(b as string);
    return d > 0n ? 1 : d < 0n ? -1 : 0;
  }
  if (typeof a === "boolean") return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}
