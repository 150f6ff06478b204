import type { StreamFeatureView } from "../definitions/stream-feature-view";
import { durationFromSeconds } from "./proto/time";
import type { AggregationProto, StreamFeatureViewProto } from "./proto/types";
import { featureViewToProto, type EntityResolver } from "./to-proto";

/**
 * A stream feature view as Feast stores it (`Registry.stream_feature_views`): the feature view's
 * fields under StreamFeatureViewSpec's numbers, the aggregations in Feast's `Aggregation`
 * message, tiling on with the smallest slide as hop. No UDF: the aggregations are the transform.
 */
export function streamFeatureViewToProto(view: StreamFeatureView, project: string, resolveEntity: EntityResolver): StreamFeatureViewProto {
  const s = featureViewToProto(view, project, resolveEntity).spec!;
  const aggregations = view.aggregations.map((a): AggregationProto => ({
    column: a.column,
    function: a.function,
    time_window: durationFromSeconds(a.windowSeconds),
    slide_interval: durationFromSeconds(a.slideSeconds),
    name: a.name,
  }));
  return {
    spec: {
      name: s.name,
      project,
      entities: s.entities,
      features: s.features,
      entity_columns: s.entity_columns,
      description: s.description,
      tags: s.tags,
      owner: s.owner,
      ttl: s.ttl,
      batch_source: s.batch_source,
      stream_source: s.stream_source,
      online: s.online,
      aggregations,
      timestamp_field: s.stream_source?.timestamp_field ?? s.batch_source?.timestamp_field,
      enable_tiling: true,
      tiling_hop_size: durationFromSeconds(Math.min(...view.aggregations.map((a) => a.slideSeconds))),
      version: "latest",
    },
    meta: {},
  };
}
