import type { EntityKeyVersion } from "../entity-key";
import type { FeatureService } from "../../definitions/feature-service";
import { InvalidArgumentError, SkewlessError } from "../../errors";
import type { FeatureSelection } from "../../registry/feature-refs";
import type { RegistryCache } from "../../registry/registry-cache";
import type { OnlineReadRequest, OnlineStore } from "../online-store";
import { ValueType } from "../../definitions/dtypes";
import { INTEGER } from "../entity-key";
import type { OnlineReadResult } from "../online-store";
import { decodeValueAt, type DecodeOptions, type Int64Mode, type OnlineValue } from "../value-decoder";
import { int64AsNumber } from "../../int64-values";
import { ValueGrid } from "../value-grid";
import { toEntityColumns, type EntityColumns, type EntityRows } from "./entity-rows";
import { OnlineResponse, type FeatureColumn, type FeatureVector, type FieldStatus } from "./online-response";
import type { OnDemandTransforms } from "../../on-demand/transforms";
import { withOnDemand } from "./on-demand-online";
import { aggregatedColumns } from "./aggregated-read";
import { DUMMY_ENTITY_VALUE, retrievalPlan, type RetrievalPlan, type ViewPlan } from "./retrieval-plan";

export interface OnlineFeaturesRequest {
  /** `"view:feature"` references, or a feature service. */
  features?: readonly string[] | FeatureService;
  /** A feature service, by object or name (instead of `features`). */
  featureService?: FeatureService | string;
  entityRows: EntityRows;
  /** Name columns `view__feature` (Feast's `full_feature_names`). */
  fullFeatureNames?: boolean;
  /**
   * How Int64 feature values come back: `"bigint"` (default, every value) or `"number"` (every
   * value, an Int64PrecisionError naming the feature and row for one past ±2^53).
   */
  int64?: Int64Mode;
  /** How UnixTimestamp values come back: `"date"` (Date, default) or `"seconds"` (epoch seconds, as Feast's HTTP server sends them). */
  timestamps?: "date" | "seconds";
}

/** The columns a request's literal `features` give (see {@link FeatureColumn}); `string` otherwise. */
export type RequestedColumns<R extends OnlineFeaturesRequest> =
  R extends { features: readonly (infer Ref extends string)[] }
    ? FeatureColumn<Ref, R extends { fullFeatureNames: true } ? true : false>
    : string;

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
    private readonly transforms?: OnDemandTransforms,
  ) {}

  async get(request: OnlineFeaturesRequest): Promise<OnlineResponse> {
    const selection = selectionOf(request);
    const pending = this.registry.catalog();
    const catalog = pending instanceof Promise ? await pending : pending;
    const plan = retrievalPlan(catalog, selection, request.fullFeatureNames ?? false, this.entityKeyVersion);
    const entities = toEntityColumns(request.entityRows);
    const keysBySignature = new Map<string, Buffer[] | undefined>();
    const keys = plan.views.map((view) => {
      if (!keysBySignature.has(view.keySignature)) keysBySignature.set(view.keySignature, encodeKeys(view, entities));
      return keysBySignature.get(view.keySignature);
    });
    const reads: OnlineReadRequest[] = [];
    plan.views.forEach((view, v) => {
      if (keys[v]) reads.push({ table: view.table, features: view.features, entityKeys: keys[v]! });
    });
    const stored = await this.store.read(reads);
    let next = 0;
    // A view whose compound key the rows give only part of finds nothing, as in Feast (which looks the partial key up)
    const results = plan.views.map((view, v) => (keys[v] ? stored[next++] : notFound(entities.rowCount, view.features.length)));
    const now = this.now();
    const decode: DecodeOptions = { int64: request.int64 ?? "bigint", timestamps: request.timestamps ?? "date" };
    const numbers = decode.int64 === "number";
    const columns: FeatureVector[] = entities.names.map((name) => ({
      name,
      values: entityValues(plan, name, entities.columns.get(name)!, decode.int64!),
      statuses: new Array<FieldStatus>(entities.rowCount).fill("PRESENT"),
      eventTimestamps: new Array<Date | null>(entities.rowCount).fill(null),
      valueType: joinKeyType(plan, name),
    }));
    plan.views.forEach((view, v) => {
      if (view.aggregations) {
        columns.push(...aggregatedColumns(view, results[v], now, decode));
        return;
      }
      const { eventTimes, values } = results[v];
      const dates = eventTimes.map((t) => (t === undefined ? null : new Date(t)));
      const expired = eventTimes.map((t) => t !== undefined && view.ttlMs > 0 && now - t > view.ttlMs);
      view.outputNames.forEach((name, f) => {
        const out: FeatureVector = {
          name,
          values: new Array(entities.rowCount),
          statuses: new Array(entities.rowCount),
          eventTimestamps: dates,
          valueType: view.valueTypes[f],
        };
        for (let i = 0; i < entities.rowCount; i++) {
          if (eventTimes[i] === undefined || !values.has(i, f)) {
            out.values[i] = null;
            out.statuses[i] = "NOT_FOUND";
          } else if (expired[i]) {
            out.values[i] = null;
            out.statuses[i] = "OUTSIDE_MAX_AGE";
          } else {
            // A stored null is PRESENT with a null value: what Feast 0.66 reports for it
            const value = decodeValueAt(values.buffer(i)!, values.start(i, f), values.end(i, f), decode);
            // In number mode the decoder leaves only inexact Int64 values as bigint: refuse those.
            out.values[i] = numbers && (typeof value === "bigint" || (typeof value === "object" && value !== null))
              ? int64AsNumber(value, name, i) as OnlineValue : value;
            out.statuses[i] = "PRESENT";
          }
        }
        columns.push(out);
      });
    });
    if (plan.onDemand.length === 0) return new OnlineResponse(columns, entities.rowCount);
    return new OnlineResponse(await withOnDemand(plan, columns, entities, this.transforms, decode), entities.rowCount);
  }
}

function notFound(rows: number, width: number): OnlineReadResult {
  return { eventTimes: new Array(rows).fill(undefined), values: new ValueGrid(rows, width) };
}

/** The Feast value type of an entity column that is some view's join key. */
function joinKeyType(plan: RetrievalPlan, column: string): number | undefined {
  for (const view of plan.views) {
    const k = view.requestColumns.indexOf(column);
    if (k >= 0) return view.encoder.columns[k].valueType;
  }
  return undefined;
}

/**
 * Entity columns echo the request; a decimal string given for an integer key comes back as the
 * integer (as Feast echoes it), a bigint or (in number mode) a number.
 */
function entityValues(plan: RetrievalPlan, column: string, values: readonly unknown[], int64: Int64Mode): OnlineValue[] {
  const type = joinKeyType(plan, column);
  if ((type !== ValueType.INT64 && type !== ValueType.INT32) || !values.some((v) => typeof v === "string")) return values as OnlineValue[];
  return values.map((v, row) => {
    if (typeof v !== "string" || !INTEGER.test(v.trim())) return v as OnlineValue;
    const n = BigInt(v.trim());
    return int64 === "number" ? int64AsNumber(n, column, row) as number : n;
  });
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

/** The view's entity keys; undefined when the rows give some of its join keys but not all. */
function encodeKeys(view: ViewPlan, entities: EntityColumns): Buffer[] | undefined {
  if (entities.rowCount === 0) return [];
  const given = view.requestColumns.filter((c) => c !== undefined && entities.columns.has(c)).length;
  if (given > 0 && given < view.requestColumns.filter((c) => c !== undefined).length) return undefined;
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
