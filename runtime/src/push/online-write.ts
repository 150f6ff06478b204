import type { FeatureStore } from "../feature-store";
import { BatchEncoder } from "../materialize/batch-encoder";
import type { PulledBatch } from "../offline/offline-store";
import { updateTiles, type EventPositions } from "../online/aggregation/tile-store";
import type { OnlineRow } from "../online/online-store";
import { onlineTable } from "../online/open-online-store";
import type { FeatureViewInfo } from "../registry/catalog";

export interface ViewWrite {
  view: string;
  /** Rows stored. */
  written: number;
  /** Rows not stored because the store already held a newer event time for the entity. */
  skipped: number;
}

/** A typed batch for one view and its encoded online rows: encoding is where a bad value is refused. */
export interface OnlineWrite {
  view: FeatureViewInfo;
  batch: PulledBatch;
  rows: OnlineRow[];
  /** A stream's batch: where its rows sit in their partition, so tiles count a redelivered event once. */
  positions?: EventPositions;
}

/** Encodes a batch for the online store; throws (writing nothing) when a value does not fit its type. */
export function prepareOnlineWrite(store: FeatureStore, view: FeatureViewInfo, batch: PulledBatch): OnlineWrite {
  // A stream view's aggregations keep tiles online, not the rows themselves (see writeOnline)
  if (view.aggregations) return { view, batch, rows: [] };
  return { view, batch, rows: new BatchEncoder(view, store.config.entityKeySerializationVersion).encode(batch) };
}

/**
 * The one online write of pushed and streamed rows: `store.push`, the server's `/push` and
 * `/write-to-online-store`, and the `skewless stream` worker all end here, so anything that must
 * see every such row (e.g. aggregation tiles) hooks in at this point, with `write.batch` typed.
 * The stores keep the newest event time per entity, so writing the same rows twice, or older rows
 * after newer ones, changes nothing: that is what makes a stream's redelivery after a restart
 * harmless. Tiles add events, so they are idempotent by position instead: with `positions`, each
 * entity's tiles record the highest offset per partition they counted and pass over the rest.
 */
export async function writeOnline(store: FeatureStore, write: OnlineWrite): Promise<ViewWrite> {
  if (write.view.aggregations) {
    return { view: write.view.name, ...(await updateTiles(store.onlineStore(), write.view, write.batch, store.config.entityKeySerializationVersion, write.positions)) };
  }
  const result = await store.onlineStore().write(onlineTable(write.view), write.rows);
  return { view: write.view.name, ...result };
}
