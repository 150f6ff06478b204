import { afterAll } from "vitest";
import type { FeatureStore, HistoricalFeaturesRequest } from "../../../runtime/src/feature-store";
import { DuckDBOfflineStore } from "../../../runtime/src/offline/duckdb/duckdb-offline-store";
import type { RetrievalJob } from "../../../runtime/src/offline/retrieval-job";
import type { JoinStrategy } from "../../../runtime/src/offline/sql/compile-point-in-time";
import { resolveFeatures } from "../../../runtime/src/registry/feature-refs";

/** Both ways a plan can run on DuckDB: ASOF joins, and the portable window-function form BigQuery uses. */
export const STRATEGIES: JoinStrategy[] = ["auto", "window"];

/**
 * Runs a retrieval the public way (`FeatureStore.getHistoricalFeatures`) for `auto`, and through
 * a DuckDB store forced to the window plan for `window`, so every semantic is checked in both.
 */
export function retriever(store: FeatureStore, repoPath: string) {
  const windowStore = new DuckDBOfflineStore({ repoPath, joinStrategy: "window" });
  afterAll(async () => {
    await windowStore.close();
    await store.close();
  });
  return async (strategy: JoinStrategy, request: HistoricalFeaturesRequest): Promise<RetrievalJob> => {
    if (strategy === "auto") return store.getHistoricalFeatures(request);
    const { views } = resolveFeatures(await store.catalog(), request.features, request.fullFeatureNames);
    return windowStore.getHistoricalFeatures({ ...request, views });
  };
}

/** Runs a job to rows and closes it. */
export async function rowsOf(job: RetrievalJob | Promise<RetrievalJob>): Promise<Record<string, unknown>[]> {
  const j = await job;
  try {
    return await j.toRows();
  } finally {
    await j.close();
  }
}
