import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { FeatureStore } from "../feature-store";
import { resolveFeatures } from "../registry/feature-refs";
import type { OnlineFeaturesRequest } from "../online/retrieval/online-retriever";
import { OnlineResponse } from "../online/retrieval/online-response";
import { checkRequestSize, rowCount, type ServerLimits } from "./limits";

/** Values looked up per slice: small enough that one slice blocks the event loop for milliseconds. */
export const SLICE_VALUES = 50_000;

export interface ColumnRequest extends OnlineFeaturesRequest {
  entityRows: Record<string, unknown[]>;
}

/**
 * `getOnlineFeatures` for a server: refuses requests past the limits (413), then looks the
 * entities up in slices of about {@link SLICE_VALUES} values, yielding to the event loop between
 * slices, so `/health` and other clients are answered while a large request runs. Stops between
 * slices once `signal` aborts (the request timed out).
 */
export async function getOnlineFeaturesInSlices(store: FeatureStore, request: ColumnRequest, limits: ServerLimits, signal?: AbortSignal): Promise<OnlineResponse> {
  const rows = rowCount(request.entityRows, "entities");
  checkRequestSize(limits, rows, "entities");
  const features = await featureCount(store, request);
  checkRequestSize(limits, rows, "entities", features);
  const sliceRows = Math.max(1, Math.floor(SLICE_VALUES / Math.max(1, features)));
  if (rows <= sliceRows) return store.getOnlineFeatures(request);
  const parts: OnlineResponse[] = [];
  for (let start = 0; start < rows; start += sliceRows) {
    signal?.throwIfAborted();
    const entityRows = Object.fromEntries(Object.entries(request.entityRows).map(([name, values]) => [name, values.slice(start, start + sliceRows)]));
    parts.push(await store.getOnlineFeatures({ ...request, entityRows }));
    await yieldToEventLoop();
  }
  return concat(parts);
}

/** How many features the request selects (a feature service's, resolved against the serving registry). */
async function featureCount(store: FeatureStore, request: OnlineFeaturesRequest): Promise<number> {
  if (Array.isArray(request.features)) return request.features.length;
  if (typeof request.featureService !== "string") return 1;
  const { views } = resolveFeatures(await store.servingCatalog(), { featureService: request.featureService });
  return views.reduce((sum, view) => sum + view.features.length, 0);
}

/** Slices of one answer, joined back in entity order. */
function concat(parts: readonly OnlineResponse[]): OnlineResponse {
  const results = parts[0].results.map((column, i) => ({
    name: column.name,
    values: parts.flatMap((p) => p.results[i].values),
    statuses: parts.flatMap((p) => p.results[i].statuses),
    eventTimestamps: parts.flatMap((p) => p.results[i].eventTimestamps),
  }));
  return new OnlineResponse(results, parts.reduce((sum, p) => sum + p.rowCount, 0));
}
