import type { FeatureStore } from "@skewless/runtime";

export interface LatencyResult {
  label: string;
  calls: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * Times `calls` getOnlineFeatures calls (after `warmup` untimed ones), each for `entities` random
 * entities out of `population`, and returns percentiles in milliseconds.
 */
export async function measureLatency(
  label: string, store: FeatureStore, features: string[], population: number, entities: number, calls: number, warmup: number,
): Promise<LatencyResult> {
  let seed = 12345;
  const nextId = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % population;
  };
  const rows = () => Array.from({ length: entities }, () => ({ user_id: nextId() }));
  for (let i = 0; i < warmup; i++) await store.getOnlineFeatures({ features, entityRows: rows() });
  const times = new Float64Array(calls);
  let present = 0;
  for (let i = 0; i < calls; i++) {
    const entityRows = rows();
    const t0 = process.hrtime.bigint();
    const res = await store.getOnlineFeatures({ features, entityRows });
    times[i] = Number(process.hrtime.bigint() - t0) / 1e6;
    if (i === 0) present = res.results[1].statuses.filter((s) => s === "PRESENT").length;
  }
  if (present === 0) throw new Error(`${label}: the first call found nothing; the store was not populated`);
  times.sort();
  const at = (q: number) => times[Math.min(calls - 1, Math.floor(q * calls))];
  return { label, calls, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: times[calls - 1] };
}
