import type { FeatureViewInfo } from "../registry/catalog";

const WEEKS_52_MS = 52 * 7 * 86_400_000;

/**
 * Where an incremental run starts for a view, as Feast decides: the latest end of its recorded
 * intervals; without any, `now - ttl`, or 52 weeks back when the view has no ttl.
 */
export function incrementalStart(view: FeatureViewInfo, now: Date): Date {
  const ends = view.materializationIntervals.map((i) => i.end.getTime());
  if (ends.length > 0) return new Date(Math.max(...ends));
  return new Date(now.getTime() - (view.ttlSeconds > 0 ? view.ttlSeconds * 1000 : WEEKS_52_MS));
}

/** The end of the last materialized interval, if any. */
export function lastMaterializedEnd(view: FeatureViewInfo): Date | undefined {
  const ends = view.materializationIntervals.map((i) => i.end.getTime());
  return ends.length > 0 ? new Date(Math.max(...ends)) : undefined;
}
