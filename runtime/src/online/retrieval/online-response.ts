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
 * What `getOnlineFeatures` returns: columns in Feast's order (entity columns as given, then
 * features in request order), each with values, statuses and event times.
 *
 * @example
 * const res = await store.getOnlineFeatures({ features: ["user_stats:clicks"], entityRows: [{ user_id: 123 }] });
 * res.toObject();   // { user_id: [123], clicks: [5] }
 */
export class OnlineResponse {
  constructor(readonly results: readonly FeatureVector[], readonly rowCount: number) {}

  /** Column names, entity columns first. */
  get featureNames(): string[] {
    return this.results.map((r) => r.name);
  }

  /** Column-major values, as Feast's `to_dict()`. */
  toObject(): Record<string, OnlineValue[]> {
    const out: Record<string, OnlineValue[]> = {};
    for (const r of this.results) out[r.name] = r.values;
    return out;
  }

  /** One object per entity row. */
  toRows(): Record<string, OnlineValue>[] {
    return Array.from({ length: this.rowCount }, (_, i) => {
      const row: Record<string, OnlineValue> = {};
      for (const r of this.results) row[r.name] = r.values[i];
      return row;
    });
  }

  /** The column `name`; throws when the response has no such column. */
  column(name: string): FeatureVector {
    const found = this.results.find((r) => r.name === name);
    if (!found) throw new RangeError(`the response has no column ${name} (columns: ${this.featureNames.join(", ")})`);
    return found;
  }
}
