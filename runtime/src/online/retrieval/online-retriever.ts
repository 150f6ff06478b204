import type { EntityKeyVersion } from "../entity-key";
import type { FeatureService } from "../../definitions/feature-service";
import { InvalidArgumentError, SkewlessError } from "../../errors";
import type { FeatureSelection } from "../../registry/feature-refs";
import type { RegistryCache } from "../../registry/registry-cache";
import type { OnlineReadRequest, OnlineStore } from "../online-store";
import { decodeValueAt, isNullValueAt, type OnlineValue } from "../value-decoder";
import { toEntityColumns, type EntityColumns, type EntityRows } from "./entity-rows";
import { OnlineResponse, type FeatureVector, type FieldStatus } from "./online-response";
import { DUMMY_ENTITY_VALUE, retrievalPlan, type ViewPlan } from "./retrieval-plan";

export interface OnlineFeaturesRequest {
  /** `"view:feature"` references, or a feature service. */
  features?: readonly string[] | FeatureService;
  /** A feature service, by object or name (instead of `features`). */
  featureService?: FeatureService | string;
  entityRows: EntityRows;
  /** Name columns `view__feature` (Feast's `full_feature_names`). */
  fullFeatureNames?: boolean;
  /** How Int64 values come back: `"auto"` (numbers while exact, else bigint) or always `"bigint"`. */
  int64?: "auto" | "bigint";
}

/**
 * Online retrieval: resolves the selection against the cached registry, encodes entity keys as
 * Feast does, reads every view in one store call (one Redis round trip) and decodes the values.
 */
export class OnlineRetriever {
  constructor(
    private readonly registry: RegistryCache,
    private readonly store: OnlineStore,
    private readonly entityKeyVersion: EntityKeyVersion,
    private readonly now: () => number = Date.now,
  ) {}

  async get(request: OnlineFeaturesRequest): Promise<OnlineResponse> {
    const selection = selectionOf(request);
    const pending = this.registry.catalog();
    const catalog = pending instanceof Promise ? await pending : pending;
    const plan = retrievalPlan(catalog, selection, request.fullFeatureNames ?? false, this.entityKeyVersion);
    const entities = toEntityColumns(request.entityRows);
    const keysBySignature = new Map<string, Buffer[]>();
    const reads: OnlineReadRequest[] = plan.views.map((view) => {
      let keys = keysBySignature.get(view.keySignature);
      if (!keys) {
        keys = encodeKeys(view, entities);
        keysBySignature.set(view.keySignature, keys);
      }
      return { table: view.table, features: view.features, entityKeys: keys };
    });
    const results = await this.store.read(reads);
    const now = this.now();
    const int64 = { int64: request.int64 ?? "auto" } as const;
    const columns: FeatureVector[] = entities.names.map((name) => ({
      name,
      values: entities.columns.get(name) as OnlineValue[],
      statuses: new Array<FieldStatus>(entities.rowCount).fill("PRESENT"),
      eventTimestamps: new Array<Date | null>(entities.rowCount).fill(null),
    }));
    plan.views.forEach((view, v) => {
      const { eventTimes, values } = results[v];
      const dates = eventTimes.map((t) => (t === undefined ? null : new Date(t)));
      const expired = eventTimes.map((t) => t !== undefined && view.ttlMs > 0 && now - t > view.ttlMs);
      view.outputNames.forEach((name, f) => {
        const out: FeatureVector = {
          name,
          values: new Array(entities.rowCount),
          statuses: new Array(entities.rowCount),
          eventTimestamps: dates,
        };
        for (let i = 0; i < entities.rowCount; i++) {
          if (eventTimes[i] === undefined || !values.has(i, f)) {
            out.values[i] = null;
            out.statuses[i] = "NOT_FOUND";
            continue;
          }
          const buffer = values.buffer(i)!;
          const start = values.start(i, f);
          const end = values.end(i, f);
          if (expired[i]) {
            out.values[i] = null;
            out.statuses[i] = "OUTSIDE_MAX_AGE";
          } else if (isNullValueAt(buffer, start, end)) {
            out.values[i] = null;
            out.statuses[i] = "NULL_VALUE";
          } else {
            out.values[i] = decodeValueAt(buffer, start, end, int64);
            out.statuses[i] = "PRESENT";
          }
        }
        columns.push(out);
      });
    });
    return new OnlineResponse(columns, entities.rowCount);
  }
}

function selectionOf(request: OnlineFeaturesRequest): FeatureSelection {
  const hasFeatures = request.features !== undefined;
  const hasService = request.featureService !== undefined;
  if (hasFeatures === hasService) {
    throw new InvalidArgumentError("pass exactly one of features and featureService", 'e.g. { features: ["user_stats:clicks"], entityRows: [{ user_id: 1 }] }');
  }
  if (hasService) {
    const service = request.featureService!;
    return typeof service === "string" ? { featureService: service } : service;
  }
  return request.features as FeatureSelection;
}

function encodeKeys(view: ViewPlan, entities: EntityColumns): Buffer[] {
  if (entities.rowCount === 0) return [];
  const sources = view.requestColumns.map((column, k) => {
    if (column === undefined) return undefined;
    const values = entities.columns.get(column);
    if (!values) {
      const joinKey = view.encoder.columns[k].name;
      const mapped = joinKey !== column ? ` (the feature service maps join key ${joinKey} to ${column})` : "";
      throw new InvalidArgumentError(
        `entity rows lack ${column}, needed by feature view ${view.viewName}${mapped}`,
        `entity rows have: ${entities.names.join(", ") || "no columns"}`,
      );
    }
    return values;
  });
  const keys: Buffer[] = new Array(entities.rowCount);
  const row: unknown[] = new Array(sources.length);
  for (let i = 0; i < entities.rowCount; i++) {
    for (let k = 0; k < sources.length; k++) row[k] = sources[k] ? sources[k]![i] : DUMMY_ENTITY_VALUE;
    try {
      keys[i] = view.encoder.encode(row);
    } catch (e) {
      if (e instanceof SkewlessError) throw new InvalidArgumentError(`entityRows[${i}]: ${e.message}`, e.hint);
      throw e;
    }
  }
  return keys;
}
