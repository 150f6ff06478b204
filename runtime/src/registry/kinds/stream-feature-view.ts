import { formatDuration } from "../../duration";
import type { FeatureViewProto, StreamFeatureViewProto } from "../proto/types";
import { durationToSeconds } from "../proto/time";
import { others } from "./flat";
import { flattenFeatureView } from "./feature-view";
import type { FlatHandler } from "./handler";

/** Stream feature views are written by `skewless apply` only: plans diff them, Pulumi does not manage them. */
export const streamFeatureViewHandler: FlatHandler<StreamFeatureViewProto> = {
  /** A feature view's properties plus one `name: function(column) over window by slide` per aggregation. */
  flatten(proto) {
    const s = proto.spec ?? {};
    const view = flattenFeatureView({ spec: { ...s, aggregations: undefined, timestamp_field: undefined, enable_tiling: undefined, tiling_hop_size: undefined } as FeatureViewProto["spec"] });
    const covered = [
      ...Object.keys(s).filter((k) => k in view || ["entities", "entity_columns", "batch_source", "stream_source", "name", "project", "version"].includes(k)),
      "aggregations", "timestamp_field", "enable_tiling", "tiling_hop_size",
    ];
    return {
      ...view,
      aggregations: (s.aggregations ?? []).map((a) =>
        `${a.name}: ${a.function}(${a.column}) over ${formatDuration(durationToSeconds(a.time_window))} by ${formatDuration(durationToSeconds(a.slide_interval))}`),
      ...others(s, covered),
    };
  },
};
