import type { OnlineValue } from "../value-decoder";

/**
 * Feast's field statuses. A value older than its view's ttl is OUTSIDE_MAX_AGE and returned as
 * null, as the offline store's point-in-time join returns null past the ttl: training and serving
 * see the same thing.
 */
export type FieldStatus = "PRESENT" | "NULL_VALUE" | "NOT_FOUND" | "OUTSIDE_MAX_AGE";

/** One output column: a value, a status and an event time per entity row. */
export interface FeatureVector {
  name: string;
  values: OnlineValue[];
  statuses: FieldStatus[];
  /** The stored row's event time; null for entity columns and entities not found. */
  eventTimestamps: (Date | null)[];
  /** Feast value type of the column (the feature's, or the join key's); undefined for an entity column no view keys on. */
  valueType?: number;
}

/**
 * The column a requested feature reference gives: `"view:feature"` is `feature`, or
 * `view__feature` with full feature names (any other string, e.g. a service's, is just `string`).
 */
export type FeatureColumn<Ref extends string, Full extends boolean = false> =
  Ref extends `${infer View}:${infer Feature}` ? (Full extends true ? `${View}__${Feature}` : Feature) : string;

/** One response row: the requested features' columns by name, plus the entity columns. */
export type OnlineRow<Columns extends string = string> = { [K in Columns]: OnlineValue } & Record<string, OnlineValue>;

/**
 * What `getOnlineFeatures` returns (typed by the requested columns' names when the request's
 * feature references are literals): columns in Feast's order (entity columns as given, then
 * features in request order), each with values, statuses and event times.
 *
 * @example
 * const res = await store.getOnlineFeatures({ features: ["user_stats:clicks"], entityRows: [{ user_id: 123 }] });
 * res.toObject();   // { user_id: [123], clicks: [5n] }
 */
export class OnlineResponse<Columns extends string = string> {
  constructor(readonly results: readonly FeatureVector[], readonly rowCount: number) {}

  /** Column names, entity columns first. */
  get featureNames(): string[] {
    return this.results.map((r) => r.name);
  }

  /** Column-major values, as Feast's `to_dict()`. */
  toObject(): { [K in Columns]: OnlineValue[] } & Record<string, OnlineValue[]> {
    const out: Record<string, OnlineValue[]> = {};
    for (const r of this.results) out[r.name] = r.values;
    return out as { [K in Columns]: OnlineValue[] } & Record<string, OnlineValue[]>;
  }

  /** One object per entity row. */
  toRows(): OnlineRow<Columns>[] {
    return Array.from({ length: this.rowCount }, (_, i) => {
      const row: Record<string, OnlineValue> = {};
      for (const r of this.results) row[r.name] = r.values[i];
      return row as OnlineRow<Columns>;
    });
  }

  /** The column `name`; throws when the response has no such column. */
  column(name: Columns | (string & {})): FeatureVector {
    const found = this.results.find((r) => r.name === name);
    if (!found) throw new RangeError(`the response has no column ${name} (columns: ${this.featureNames.join(", ")})`);
    return found;
  }
}
