import type { FeatureStore } from "../feature-store";
import type { FeatureViewInfo } from "../registry/catalog";
import { checkedBatch, type PushRows } from "../push/push-batch";
import { prepareOnlineWrite, writeOnline as writeOnlineRows, type ViewWrite } from "../push/online-write";
import { push, type PushOptions, type PushResult } from "../push/push";

/** Feast's push to the online store (the server's default `to`). */
export function pushOnline(store: FeatureStore, pushSource: string, df: PushRows, options: Omit<PushOptions, "to"> = {}): Promise<PushResult> {
  return push(store, pushSource, df, { ...options, to: "online" });
}

/**
 * Feast's `write_to_online_store`: rows given as columns written to one feature view's online
 * table, with the same mapping and checks as a push.
 */
export async function writeOnline(store: FeatureStore, view: FeatureViewInfo, df: PushRows, options: Omit<PushOptions, "to"> = {}): Promise<ViewWrite> {
  const batch = checkedBatch(view, df, options.futureSkewSeconds, new Date());
  return writeOnlineRows(store, prepareOnlineWrite(store, view, batch));
}
