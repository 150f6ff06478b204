import { ValueType } from "../../definitions/dtypes";
import type { PulledBatch } from "../../offline/offline-store";
import type { AggregationInfo } from "../../registry/aggregation-catalog";
import type { FeatureViewInfo } from "../../registry/catalog";
import { DUMMY_ENTITY_ID } from "../../registry/to-proto";
import { EntityKeyEncoder, type EntityKeyVersion } from "../entity-key";
import { onlineTable } from "../open-online-store";
import type { OnlineRow, OnlineStore, OnlineTable, WriteResult } from "../online-store";
import { decodeValueAt } from "../value-decoder";
import { packValues, ValueWriter } from "../value-encoder";
import { addEvent, prune, replaceTiles, tileGroup, type TileState } from "./tile-state";

/**
 * The one field a stream view's tiles live in: each entity's row of the view's own online table
 * (Feast's layout: the same key bytes, SQLite table or Redis hash) holds its tiles as JSON in a
 * string Value under this name, beside any field Feast writes. See docs/transforms-and-aggregations.md.
 */
export const TILES_FIELD = "__skewless_tiles";

export function tileTable(view: FeatureViewInfo): OnlineTable {
  return { ...onlineTable(view), features: [TILES_FIELD] };
}

/** Where a batch's events sit in their stream: one partition, and each row's offset in it. */
export interface EventPositions {
  /** `<topic>/<partition>`. */
  partition: string;
  /** Aligned with the batch's rows. */
  offsets: readonly bigint[];
}

/** What a tile rebuild read and wrote. */
export interface TileRebuild extends WriteResult {
  /** Events read from the batch source. */
  rows: number;
}

// Tiles are read, updated and written back; updates of one view are serialized in this process so
// two pushes never overwrite each other's events (across processes: one writer per entity, as a
// stream worker's partitions give).
const queues = new Map<string, Promise<unknown>>();

function serialized<T>(view: FeatureViewInfo, work: () => Promise<T>): Promise<T> {
  const key = `${view.project}/${view.name}`;
  const run = (queues.get(key) ?? Promise.resolve()).catch(() => undefined).then(work);
  queues.set(key, run);
  return run;
}

/**
 * Adds pushed events to their tiles: the aggregation path of every push (the server's /push and
 * the stream worker both write through it). Rows are the push's, after mapping and type checks.
 * With `positions` (a stream's), an event whose offset the entity's tiles already counted is
 * passed over: a redelivered message changes nothing. Without (a push), every row is added.
 */
export function updateTiles(store: OnlineStore, view: FeatureViewInfo, batch: PulledBatch, version: EntityKeyVersion, positions?: EventPositions): Promise<WriteResult> {
  return serialized(view, () => applyEvents(store, view, batch, version, positions));
}

/**
 * The first instant a backfill of `[start, end]` reads: the start of the earliest tile holding
 * `start`, so that every tile the interval reaches is rebuilt whole.
 */
export function tileAlignedStart(view: FeatureViewInfo, start: Date): Date {
  const slides = groupsOf(view.aggregations ?? []).map((g) => g.slideMs);
  return new Date(Math.min(...slides.map((s) => Math.floor(start.getTime() / s) * s)));
}

/**
 * Backfill: sets each entity's tiles from `tileAlignedStart(start)` to the tile holding `end` to
 * what `events` (every event of the batch source in that range) give, for the entities that have
 * events there. Tiles outside the range, and the stream offsets already counted, are kept.
 */
export function rebuildTiles(store: OnlineStore, view: FeatureViewInfo, events: AsyncIterable<PulledBatch>, start: Date, end: Date, version: EntityKeyVersion): Promise<TileRebuild> {
  return serialized(view, async () => {
    const groups = groupsOf(view.aggregations ?? []);
    const columns = inputColumns(view);
    const encoder = new EntityKeyEncoder(view.joinKeys, version);
    const fresh = new Map<string, { key: Buffer; state: TileState; latest: number }>();
    let rows = 0;
    for await (const batch of events) {
      rows += batch.rowCount;
      for (const [hex, entry] of byEntity(view, batch, encoder)) {
        const into = fresh.get(hex) ?? { key: entry.key, state: { tiles: {} }, latest: 0 };
        fresh.set(hex, into);
        for (const i of entry.rows) {
          const eventMs = batch.eventTimestamps[i].getTime();
          into.latest = Math.max(into.latest, eventMs);
          for (const g of groups) {
            if (Math.floor(eventMs / g.slideMs) < Math.floor(start.getTime() / g.slideMs)) continue;
            addEvent(into.state, tileGroup(g.column, g.slideMs), g.slideMs, eventMs, batch.featureColumns[columns.get(g.column)!.index][i], columns.get(g.column)!.valueType);
          }
        }
      }
    }
    const result: TileRebuild = { rows, written: 0, skipped: 0 };
    const entries = [...fresh.values()];
    for (let at = 0; at < entries.length; at += REBUILD_CHUNK) {
      const chunk = entries.slice(at, at + REBUILD_CHUNK);
      const stored = await readStates(store, view, chunk.map((c) => c.key));
      const out = chunk.map((entry, e) => {
        const state = stored.states[e];
        for (const g of groups) {
          const group = tileGroup(g.column, g.slideMs);
          const last = Math.floor(end.getTime() / g.slideMs);
          replaceTiles(state, entry.state, group, Math.floor(start.getTime() / g.slideMs), last);
          prune(state, group, last, g.keep);
        }
        return tileRow(entry.key, state, entry.latest, stored.eventTimes[e]);
      });
      const written = await store.write(tileTable(view), out);
      result.written += written.written;
      result.skipped += written.skipped;
    }
    return result;
  });
}

const REBUILD_CHUNK = 1_000;

async function applyEvents(store: OnlineStore, view: FeatureViewInfo, batch: PulledBatch, version: EntityKeyVersion, positions?: EventPositions): Promise<WriteResult> {
  const entries = [...byEntity(view, batch, new EntityKeyEncoder(view.joinKeys, version)).values()];
  const stored = await readStates(store, view, entries.map((e) => e.key));
  const groups = groupsOf(view.aggregations ?? []);
  const columns = inputColumns(view);
  const rows: OnlineRow[] = [];
  let redelivered = 0;
  entries.forEach((entry, e) => {
    const state = stored.states[e];
    const counted = positions ? state.offsets?.[positions.partition] : undefined;
    const seen = counted === undefined ? undefined : BigInt(counted);
    let highest = seen;
    let latest = 0;
    let added = 0;
    for (const i of entry.rows) {
      if (positions) {
        const offset = positions.offsets[i];
        if (seen !== undefined && offset <= seen) continue;
        if (highest === undefined || offset > highest) highest = offset;
      }
      added++;
      const eventMs = batch.eventTimestamps[i].getTime();
      latest = Math.max(latest, eventMs);
      for (const g of groups) {
        const column = columns.get(g.column)!;
        addEvent(state, tileGroup(g.column, g.slideMs), g.slideMs, eventMs, batch.featureColumns[column.index][i], column.valueType);
      }
    }
    if (added === 0) {
      redelivered++;   // every event already counted: nothing to write
      return;
    }
    if (positions) (state.offsets ??= {})[positions.partition] = highest!.toString();
    for (const g of groups) prune(state, tileGroup(g.column, g.slideMs), Math.floor(latest / g.slideMs), g.keep);
    rows.push(tileRow(entry.key, state, latest, stored.eventTimes[e]));
  });
  const result = rows.length ? await store.write(tileTable(view), rows) : { written: 0, skipped: 0 };
  return { written: result.written, skipped: result.skipped + redelivered };
}

/** The batch's rows per entity key (hex), in batch order. */
function byEntity(view: FeatureViewInfo, batch: PulledBatch, encoder: EntityKeyEncoder): Map<string, { key: Buffer; rows: number[] }> {
  const keys = view.joinKeys.filter((k) => k.name !== DUMMY_ENTITY_ID);
  // a store may send a column for every key, Feast's dummy key included
  const column = (k: (typeof view.joinKeys)[number]) => batch.joinKeyColumns[batch.joinKeyColumns.length === view.joinKeys.length ? view.joinKeys.indexOf(k) : keys.indexOf(k)];
  const out = new Map<string, { key: Buffer; rows: number[] }>();
  for (let i = 0; i < batch.rowCount; i++) {
    const key = encoder.encode(view.joinKeys.map((k) => (k.name === DUMMY_ENTITY_ID ? "" : column(k)[i])));
    const hex = key.toString("hex");
    const entry = out.get(hex) ?? { key, rows: [] };
    entry.rows.push(i);
    out.set(hex, entry);
  }
  return out;
}

async function readStates(store: OnlineStore, view: FeatureViewInfo, keys: Buffer[]): Promise<{ states: TileState[]; eventTimes: (number | undefined)[] }> {
  const [stored] = await store.read([{ table: tileTable(view), features: [TILES_FIELD], entityKeys: keys }]);
  const states = keys.map((_k, e) => {
    const text = stored.values.has(e, 0) ? decodeValueAt(stored.values.buffer(e)!, stored.values.start(e, 0), stored.values.end(e, 0)) : null;
    return typeof text === "string" ? (JSON.parse(text) as TileState) : { tiles: {} };
  });
  return { states, eventTimes: stored.eventTimes };
}

const writer = new ValueWriter();

function tileRow(entityKey: Buffer, state: TileState, latestEventMs: number, previousMs: number | undefined): OnlineRow {
  return {
    entityKey,
    packedValues: packValues([Buffer.from(writer.encode(ValueType.STRING, JSON.stringify(state)))]),
    // Stores skip a row that is not newer than the stored one: the row's time moves past both
    eventTime: new Date(Math.max(latestEventMs, (previousMs ?? 0) + 1000)),
  };
}

/** The view's event columns by name: their index in a batch's feature columns and value type. */
function inputColumns(view: FeatureViewInfo): Map<string, { index: number; valueType: number }> {
  return new Map((view.inputColumns ?? []).map((c, index) => [c.name, { index, valueType: c.valueType }]));
}

/** Tile groups (column, slide) of a view, each kept as long as its longest window needs. */
function groupsOf(aggregations: readonly AggregationInfo[]): { column: string; slideMs: number; keep: number }[] {
  const out = new Map<string, { column: string; slideMs: number; keep: number }>();
  for (const a of aggregations) {
    const slideMs = a.slideSeconds * 1000;
    const group = out.get(tileGroup(a.column.name, slideMs)) ?? { column: a.column.name, slideMs, keep: 0 };
    group.keep = Math.max(group.keep, a.windowSeconds / a.slideSeconds + 1);
    out.set(tileGroup(a.column.name, slideMs), group);
  }
  return [...out.values()];
}
