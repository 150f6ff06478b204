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
import { addEvent, prune, tileGroup, type TileState } from "./tile-state";

/**
 * The one field a stream view's tiles live in: each entity's row of the view's own online table
 * (Feast's layout: the same key bytes, SQLite table or Redis hash) holds its tiles as JSON in a
 * string Value under this name, beside any field Feast writes. See docs/aggregations.md.
 */
export const TILES_FIELD = "__skewless_tiles";

export function tileTable(view: FeatureViewInfo): OnlineTable {
  return { ...onlineTable(view), features: [TILES_FIELD] };
}

// Tiles are read, updated and written back; updates of one view are serialized in this process so
// two pushes never overwrite each other's events (across processes: one writer per entity, as a
// stream worker's partitions give).
const queues = new Map<string, Promise<unknown>>();

/**
 * Adds pushed events to their tiles: the aggregation path of every push (the server's /push and
 * the stream worker both write through it). Rows are the push's, after mapping and type checks.
 */
export function updateTiles(store: OnlineStore, view: FeatureViewInfo, batch: PulledBatch, version: EntityKeyVersion): Promise<WriteResult> {
  const key = `${view.project}/${view.name}`;
  const run = (queues.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => applyEvents(store, view, batch, version));
  queues.set(key, run);
  return run;
}

async function applyEvents(store: OnlineStore, view: FeatureViewInfo, batch: PulledBatch, version: EntityKeyVersion): Promise<WriteResult> {
  const table = tileTable(view);
  const keys = view.joinKeys.filter((k) => k.name !== DUMMY_ENTITY_ID);
  const encoder = new EntityKeyEncoder(view.joinKeys, version);
  const byKey = new Map<string, { key: Buffer; rows: number[] }>();
  for (let i = 0; i < batch.rowCount; i++) {
    const key = encoder.encode(view.joinKeys.map((k) => (k.name === DUMMY_ENTITY_ID ? "" : batch.joinKeyColumns[keys.indexOf(k)][i])));
    const hex = key.toString("hex");
    const entry = byKey.get(hex) ?? { key, rows: [] };
    entry.rows.push(i);
    byKey.set(hex, entry);
  }
  const entries = [...byKey.values()];
  const [stored] = await store.read([{ table, features: [TILES_FIELD], entityKeys: entries.map((e) => e.key) }]);
  const groups = groupsOf(view.aggregations ?? []);
  const columns = new Map((view.inputColumns ?? []).map((c, i) => [c.name, i]));
  const writer = new ValueWriter();
  const rows: OnlineRow[] = entries.map((entry, e) => {
    const text = stored.values.has(e, 0) ? decodeValueAt(stored.values.buffer(e)!, stored.values.start(e, 0), stored.values.end(e, 0)) : null;
    const state: TileState = typeof text === "string" ? (JSON.parse(text) as TileState) : { tiles: {} };
    let latest = 0;
    for (const i of entry.rows) {
      const eventMs = batch.eventTimestamps[i].getTime();
      latest = Math.max(latest, eventMs);
      for (const g of groups) {
        const column = view.inputColumns![columns.get(g.column)!];
        addEvent(state, tileGroup(g.column, g.slideMs), g.slideMs, eventMs, batch.featureColumns[columns.get(g.column)!][i], column.valueType);
      }
    }
    for (const g of groups) prune(state, tileGroup(g.column, g.slideMs), Math.floor(latest / g.slideMs), g.keep);
    // Stores skip a row that is not newer than the stored one: the row's time moves past both
    const previous = stored.eventTimes[e] ?? 0;
    return {
      entityKey: entry.key,
      packedValues: packValues([Buffer.from(writer.encode(ValueType.STRING, JSON.stringify(state)))]),
      eventTime: new Date(Math.max(latest, previous + 1000)),
    };
  });
  return store.write(table, rows);
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
