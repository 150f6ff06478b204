import { expect } from "vitest";
import type { StreamFeatureView } from "../../runtime/src/definitions/stream-feature-view";
import type { FeatureStore } from "../../runtime/src/feature-store";

// Randomized event logs for windowed aggregations, and the check that online tiles and the
// offline point-in-time join give the same number for the window ending at the same instant.

const HOUR = 3600_000;

export interface TxnEvent {
  user_id: number;
  event_timestamp: Date;
  amount: number | null;
  qty: number | null;
}

/**
 * Events for one log: random times over the 8 days before `now`, ties (same user and instant),
 * and events on each window's first instant and just before it.
 */
export function eventLog(rand: () => number, now: number, view: StreamFeatureView, users: number, events = 500): TxnEvent[] {
  const out: TxnEvent[] = [];
  const add = (id: number, ms: number) => out.push({
    user_id: id, event_timestamp: new Date(ms),
    // quarters: float sums are exact whatever order they are added in
    amount: rand() < 0.1 ? null : Math.floor(rand() * 4000) / 4,
    qty: rand() < 0.1 ? null : Math.floor(rand() * 200) - 50,
  });
  for (let i = 0; i < events; i++) {
    const id = 1 + Math.floor(rand() * users);
    const ms = now - 60_000 - Math.floor(rand() * 8 * 24 * HOUR);
    add(id, ms);
    if (rand() < 0.15) add(id, ms);   // a tie
  }
  for (const a of view.aggregations) {
    const slide = a.slideSeconds * 1000;
    const start = (Math.floor(now / slide) + 1) * slide - a.windowSeconds * 1000;
    for (let id = 1; id <= Math.min(3, users); id++) {
      add(id, start);
      add(id, start - 1);
    }
  }
  return out;
}

/**
 * Reads the view's aggregates online for users 1..`users + 2` (the last two have no events), then
 * the training set at the instant of the read, and expects them equal cell for cell. Returns the
 * online values and how many cells were neither null nor zero.
 */
export async function expectOnlineEqualsOffline(store: FeatureStore, view: StreamFeatureView, users: number): Promise<{ online: Record<string, unknown[]>; present: number }> {
  const features = view.aggregations.map((a) => `${view.name}:${a.name}`);
  const entityRows = Array.from({ length: users + 2 }, (_, i) => ({ user_id: i + 1 }));
  const slides = view.aggregations.map((a) => a.slideSeconds * 1000);
  let online: Record<string, unknown[]> = {};
  let at = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = Date.now();
    online = (await store.getOnlineFeatures({ features, entityRows, int64: "bigint" })).toObject();
    at = Date.now();
    // the same tiles were read as the offline join will use (no slide boundary crossed meanwhile)
    if (slides.every((s) => Math.floor(before / s) === Math.floor(at / s))) break;
  }
  const job = await store.getHistoricalFeatures({ entityDf: entityRows.map((r) => ({ ...r, event_timestamp: new Date(at) })), features });
  const offline = await job.toRows();
  await job.close();
  let present = 0;
  offline.forEach((row, i) => {
    for (const a of view.aggregations) {
      expect(online[a.name][i], `${a.name} of user ${i + 1}`).toStrictEqual(row[a.name]);
      if (row[a.name] !== null && row[a.name] !== 0n) present++;
    }
  });
  return { online, present };
}
