import { DefinitionError } from "../errors";
import { Aggregation, type AggregationOptions } from "./aggregation";
import { DEFINITION_KIND } from "./definition";
import { FeatureView, type FeatureViewOptions } from "./feature-view";

export interface StreamFeatureViewOptions extends FeatureViewOptions {
  /** Windowed aggregations over the schema's columns; each is one feature of the view. */
  aggregations: AggregationOptions[];
}

/**
 * A view fed by a stream (a PushSource or a KafkaSource) whose features are windowed aggregations of its events
 * (Feast's `StreamFeatureView` with `aggregations`). Offline they are computed over the event
 * log in the point-in-time join; online from tiles kept in the online store, updated on each push.
 *
 * @example
 * export const txnStats = new StreamFeatureView({
 *   name: "txn_stats", entities: [user], source: txnPush,
 *   schema: [{ name: "amount", dtype: "Float64" }],
 *   aggregations: [{ column: "amount", function: "sum", timeWindow: "1h" }, { column: "amount", function: "count", timeWindow: "1d" }],
 * });
 */
export class StreamFeatureView extends FeatureView {
  override readonly [DEFINITION_KIND] = "featureView" as const;
  readonly streamView = true as const;
  readonly aggregations: readonly Aggregation[];

  constructor(options: StreamFeatureViewOptions) {
    super(options);
    const what = `stream feature view ${this.name}`;
    if (this.source.sourceType !== "push" && this.source.sourceType !== "kafka") {
      throw new DefinitionError(`${what}: source must be a PushSource or a KafkaSource (the stream its events arrive on)`);
    }
    if (!Array.isArray(options.aggregations) || options.aggregations.length === 0) {
      throw new DefinitionError(`${what}: aggregations must list at least one aggregation`, 'e.g. { column: "amount", function: "sum", timeWindow: "1h" }');
    }
    this.aggregations = options.aggregations.map((a) => new Aggregation(a, what));
    const names = new Set<string>();
    for (const agg of this.aggregations) {
      if (!this.schema.some((f) => f.name === agg.column)) {
        throw new DefinitionError(`${what}: aggregation ${agg.name} reads column ${agg.column}, which is not in the schema`, `the schema has: ${this.schema.map((f) => f.name).join(", ")}`);
      }
      if (names.has(agg.name)) throw new DefinitionError(`${what}: two aggregations are named ${agg.name}`, "give one a name");
      names.add(agg.name);
    }
  }
}

/** True for stream feature views, including ones made by another copy of this package. */
export function isStreamFeatureView(value: unknown): value is StreamFeatureView {
  return typeof value === "object" && value !== null && (value as { streamView?: unknown }).streamView === true;
}
