import type { OnlineReadRequest, OnlineReadResult } from "../online-store";
import { keySlot } from "./key-slot";
import { decodeTimestamp, redisKey, timestampField, type FieldNames } from "./redis-layout";

// The parts of a Redis read that do not talk to the server: which keys and fields to ask for, and
// how replies become per-row results.

/** A request's distinct keys (with the project appended) and which one each entity row uses. */
export interface ReadPlan {
  request: OnlineReadRequest;
  fields: Buffer[];
  keys: Buffer[];
  rowKey: number[];
}

export function planRead(request: OnlineReadRequest, names: FieldNames, project: Buffer): ReadPlan {
  const fields = [...request.features.map((f) => names.of(request.table.name, f)), timestampField(request.table.name)];
  const index = new Map<string, number>();
  const keys: Buffer[] = [];
  const rowKey: number[] = [];
  for (const key of request.entityKeys) {
    const id = key.toString("latin1");
    let at = index.get(id);
    if (at === undefined) {
      at = keys.length;
      index.set(id, at);
      keys.push(redisKey(key, project));
    }
    rowKey.push(at);
  }
  return { request, fields, keys, rowKey };
}

/** Key indexes grouped by cluster slot (a single group on one server), in order. */
export function slotGroups(keys: Buffer[], cluster: boolean): number[][] {
  if (!cluster) return keys.length ? [keys.map((_k, i) => i)] : [];
  const groups = new Map<number, number[]>();
  keys.forEach((key, i) => {
    const slot = keySlot(key);
    const group = groups.get(slot);
    if (group) group.push(i);
    else groups.set(slot, [i]);
  });
  return [...groups.values()];
}

/** Per entity row: the features and the event time, from the per-key replies (features, then `_ts`). */
export function assemble(plan: ReadPlan, replies: (Buffer | null)[][]): OnlineReadResult {
  const nFeatures = plan.request.features.length;
  const eventTimes: (number | undefined)[] = [];
  const values: (Uint8Array | undefined)[][] = [];
  for (const at of plan.rowKey) {
    const reply = replies[at];
    const ts = reply[nFeatures];
    const row: (Uint8Array | undefined)[] = new Array(nFeatures);
    let any = ts !== null;
    for (let f = 0; f < nFeatures; f++) {
      const v = reply[f];
      row[f] = v === null ? undefined : v;
      if (v !== null) any = true;
    }
    if (!any) eventTimes.push(undefined);
    else {
      const [s, ns] = ts ? decodeTimestamp(ts) : [0, 0];
      eventTimes.push(s * 1000 + Math.floor(ns / 1_000_000));
    }
    values.push(row);
  }
  return { eventTimes, values };
}
