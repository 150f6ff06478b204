import type { FeatureStore } from "@skewless/runtime";

export interface LatencyResult {
  label: string;
  calls: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** With {@link measureRounds}: each round's p99 (the percentiles above are the rounds' medians). */
  roundP99s?: number[];
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

/**
 * {@link measureLatency} in `rounds` back-to-back rounds of `calls` calls: percentiles are the
 * median of the rounds' (max is the largest), so a burst of load from another tenant of a shared
 * machine moves one round, not the verdict. Every round's p99 is returned to be printed.
 */
export async function measureRounds(
  label: string, store: FeatureStore, features: string[], population: number, entities: number, calls: number, warmup: number, rounds: number,
): Promise<LatencyResult> {
  const results: LatencyResult[] = [];
  for (let r = 0; r < rounds; r++) results.push(await measureLatency(label, store, features, population, entities, calls, r === 0 ? warmup : 0));
  const median = (pick: (r: LatencyResult) => number) => results.map(pick).sort((a, b) => a - b)[Math.floor(rounds / 2)];
  return {
    label, calls: calls * rounds,
    p50: median((r) => r.p50), p90: median((r) => r.p90), p99: median((r) => r.p99),
    max: Math.max(...results.map((r) => r.max)), roundP99s: results.map((r) => r.p99),
  };
}
