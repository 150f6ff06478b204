import * as path from "node:path";
import { InvalidArgumentError, PushSourceNotFoundError } from "../errors";
import type { FeatureStore } from "../feature-store";
import type { OfflineRows, OfflineWriteResult, PulledBatch } from "../offline/offline-store";
import type { FeatureViewInfo } from "../registry/catalog";
import { DUMMY_ENTITY_ID } from "../registry/to-proto";
import { checkedBatch, type PushRows } from "./push-batch";
import { prepareOnlineWrite, writeOnline, type OnlineWrite, type ViewWrite } from "./online-write";

/** Feast's PushMode: where pushed rows go. */
export type PushMode = "online" | "offline" | "online_and_offline";
export const PUSH_MODES: readonly PushMode[] = ["online", "offline", "online_and_offline"];

export interface PushOptions {
  /** Default `online`, as in Feast. `offline` appends to the push source's batch source. */
  to?: PushMode;
  /** How far past now an event time may be (default 300 s); later rows are refused. */
  futureSkewSeconds?: number;
}

export interface PushResult {
  /** Online writes, one per feature view fed by the push source. */
  views: ViewWrite[];
  /** Offline appends, one per distinct batch source. */
  offline: OfflineWriteResult[];
}

/** Rows checked and typed for every view a push reaches, before anything is written. */
export interface PreparedPush {
  online: OnlineWrite[];
  offline: { view: FeatureViewInfo; rows: OfflineRows }[];
}

/**
 * Feast's `push`: rows given as columns (named as in the push source's batch source) go to every
 * feature view whose stream source is `pushSource`. Every view's rows are checked before the
 * first write, so a refused push writes nothing. With `online_and_offline` the offline append
 * comes first: a row that was served is then always in the training data (a retry after a
 * failed online write appends identical rows, which the point-in-time join reads as one).
 */
export async function push(store: FeatureStore, pushSource: string, rows: PushRows, options: PushOptions = {}): Promise<PushResult> {
  const to = pushMode(options.to);
  const prepared = preparePush(store, await pushViews(store, pushSource), rows, to, options.futureSkewSeconds);
  const result: PushResult = { views: [], offline: [] };
  for (const item of prepared.offline) result.offline.push(await writeOffline(store, item.view, item.rows));
  for (const write of prepared.online) result.views.push(await writeOnline(store, write));
  return result;
}

/** The feature views a push source feeds; none is Feast's PushSourceNotFoundException. */
export async function pushViews(store: FeatureStore, pushSource: string): Promise<FeatureViewInfo[]> {
  const views = (await store.servingCatalog()).featureViews().filter((v) => v.streamSource?.type === "push" && v.streamSource.name === pushSource);
  if (views.length === 0) throw new PushSourceNotFoundError(pushSource, store.project);
  return views;
}

/** `to` checked: one of Feast's push modes. */
export function pushMode(to: unknown, what = "push: to"): PushMode {
  if (to === undefined || to === null) return "online";
  if (!PUSH_MODES.includes(to as PushMode)) {
    throw new InvalidArgumentError(`${what} ${JSON.stringify(to)} is not a push mode`, `use one of ${PUSH_MODES.join(", ")}`);
  }
  return to as PushMode;
}

export function preparePush(store: FeatureStore, views: readonly FeatureViewInfo[], rows: PushRows, to: PushMode, futureSkewSeconds?: number): PreparedPush {
  const now = new Date();
  const prepared: PreparedPush = { online: [], offline: [] };
  const offlineTargets = new Set<string>();
  for (const view of views) {
    const batch = checkedBatch(view, rows, futureSkewSeconds, now);
    if (to !== "offline") prepared.online.push(prepareOnlineWrite(store, view, batch));
    // Views sharing one batch source get its rows once (Feast appends them once per view).
    const target = batchTarget(store, view);
    if (to !== "online" && !offlineTargets.has(target)) {
      offlineTargets.add(target);
      prepared.offline.push({ view, rows: offlineRows(view, rows, batch) });
    }
  }
  return prepared;
}

export async function writeOffline(store: FeatureStore, view: FeatureViewInfo, rows: OfflineRows): Promise<OfflineWriteResult> {
  const offline = store.offlineStore();
  if (!offline.writeBatch) {
    throw new InvalidArgumentError(`push to the offline store: the ${store.config.offlineStore.type} offline store cannot append rows (feature view ${view.name})`, 'push with to: "online"');
  }
  return offline.writeBatch(view, rows);   // the store opened lazily refuses the same way when its backend cannot append
}

function batchTarget(store: FeatureStore, view: FeatureViewInfo): string {
  const s = view.batchSource;
  if (s.type === "file" && s.path && !/^[a-z][a-z0-9+.-]*:\/\//i.test(s.path)) return `file:${path.resolve(store.config.repoPath, s.path)}`;
  return `${s.type}:${s.path ?? s.table ?? s.query ?? s.name}`;
}

/**
 * The pushed columns under their source names, with the values typed as the online write typed
 * them (Int64 as bigint, timestamps as dates); columns the view does not declare pass as given.
 */
export function offlineRows(view: FeatureViewInfo, rows: PushRows, batch: PulledBatch): OfflineRows {
  const typed = new Map<string, unknown[]>();
  view.joinKeys.filter((k) => k.name !== DUMMY_ENTITY_ID).forEach((k, i) => typed.set(k.name, batch.joinKeyColumns[i]!));
  (view.inputColumns ?? view.features).forEach((f, i) => typed.set(f.name, batch.featureColumns[i]!));
  typed.set(view.batchSource.timestampField, batch.eventTimestamps);
  if (view.batchSource.createdTimestampColumn && batch.createdTimestamps) typed.set(view.batchSource.createdTimestampColumn, batch.createdTimestamps);
  const mapping = view.batchSource.fieldMapping;
  const columns: Record<string, unknown[]> = {};
  for (const [column, values] of Object.entries(rows)) columns[column] = typed.get(mapping[column] ?? column) ?? values;
  return { rowCount: batch.rowCount, columns };
}
