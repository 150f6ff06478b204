import { FeatureReferenceError } from "../../errors";
import type { RegistryCatalog } from "../../registry/catalog";
import { resolveFeatures, type FeatureSelection } from "../../registry/feature-refs";
import type { RequestedOnDemandView } from "../../registry/on-demand-refs";
import type { AggregationInfo } from "../../registry/aggregation-catalog";
import { tileTable, TILES_FIELD } from "../aggregation/tile-store";
import { DUMMY_ENTITY_ID } from "../../registry/to-proto";
import { EntityKeyEncoder, type EntityKeyVersion } from "../entity-key";
import { onlineTable } from "../open-online-store";
import type { OnlineTable } from "../online-store";

/** How to read one view for a request: compiled once per selection and registry version. */
export interface ViewPlan {
  viewName: string;
  table: OnlineTable;
  features: string[];
  outputNames: string[];
  /** Feast value type of each feature, aligned with `features`. */
  valueTypes: number[];
  encoder: EntityKeyEncoder;
  /** Per join key (in the view's order): the entity-row column it comes from; undefined for Feast's dummy key. */
  requestColumns: (string | undefined)[];
  /** 0 = no ttl. */
  ttlMs: number;
  /** Groups views whose entity keys are identical, so keys are encoded once per request. */
  keySignature: string;
  /** A stream view's requested aggregations (aligned with `outputNames`): read from tiles, `features` is the tiles field. */
  aggregations?: AggregationInfo[];
}

export interface RetrievalPlan {
  views: ViewPlan[];
  /** On-demand views to compute from the views' values and the request data. */
  onDemand: RequestedOnDemandView[];
  /** Feature columns in request order (transform inputs not asked for are left out). */
  outputNames: string[];
}

/** Feast's value for the placeholder key of entityless views. */
export const DUMMY_ENTITY_VALUE = "";

const plans = new WeakMap<RegistryCatalog, Map<string, RetrievalPlan>>();

/** The plan for a selection, cached against the catalog it was made from. */
export function retrievalPlan(
  catalog: RegistryCatalog, selection: FeatureSelection, fullFeatureNames: boolean, version: EntityKeyVersion,
): RetrievalPlan {
  const key = `${selectionKey(selection)}|${fullFeatureNames}`;
  let byKey = plans.get(catalog);
  if (!byKey) {
    byKey = new Map();
    plans.set(catalog, byKey);
  }
  let plan = byKey.get(key);
  if (!plan) {
    plan = compilePlan(catalog, selection, fullFeatureNames, version);
    if (byKey.size > 1000) byKey.clear();   // callers building selections dynamically: bound the cache
    byKey.set(key, plan);
  }
  return plan;
}

function compilePlan(catalog: RegistryCatalog, selection: FeatureSelection, fullFeatureNames: boolean, version: EntityKeyVersion): RetrievalPlan {
  const resolved = resolveFeatures(catalog, selection, fullFeatureNames);
  return {
    views: resolved.views.map((r): ViewPlan => {
      if (!r.view.online) {
        throw new FeatureReferenceError(`feature view ${r.view.name} is not online`, "set online: true on the view, apply, and materialize it");
      }
      const requestColumns = r.view.joinKeys.map((k) => (k.name === DUMMY_ENTITY_ID ? undefined : r.entityColumns[k.name] ?? k.name));
      return {
        viewName: r.view.name,
        table: r.view.aggregations ? tileTable(r.view) : onlineTable(r.view),
        features: r.view.aggregations ? [TILES_FIELD] : r.features.map((f) => f.name),
        aggregations: r.view.aggregations && r.features.map((f) => r.view.aggregations!.find((a) => a.name === f.name)!),
        outputNames: r.outputNames,
        valueTypes: r.features.map((f) => f.valueType),
        encoder: new EntityKeyEncoder(r.view.joinKeys, version),
        requestColumns,
        ttlMs: r.view.ttlSeconds * 1000,
        keySignature: r.view.joinKeys.map((k, i) => `${k.name}:${k.valueType}:${requestColumns[i] ?? ""}`).join(","),
      };
    }),
    onDemand: resolved.onDemand,
    outputNames: resolved.outputNames,
  };
}

function selectionKey(selection: FeatureSelection): string {
  if (Array.isArray(selection)) return `refs:${(selection as readonly string[]).join("\u0000")}`;
  const named = (selection as { featureService?: unknown }).featureService;
  if (typeof named === "string") return `service:${named}`;
  return `service:${(selection as { name?: string }).name ?? ""}`;
}
