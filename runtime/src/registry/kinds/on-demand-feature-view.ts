import type { OnDemandFeatureViewProto } from "../proto/types";
import { withoutOwnership } from "../ownership";
import { canonical, describeField, others, type FlatSpec } from "./flat";
import type { FlatHandler } from "./handler";

/** On-demand views are written by `skewless apply` only: plans diff them, Pulumi does not manage them. */
export const onDemandFeatureViewHandler: FlatHandler<OnDemandFeatureViewProto> = {
  /** Its sources by name, its schema, mode and transform source (a changed function shows as `transform`). */
  flatten(proto) {
    const s = proto.spec ?? {};
    const udf = s.feature_transformation?.user_defined_function;
    const sources = Object.entries(s.sources ?? {}).map(([name, source]) => {
      if (source.request_data_source) return `${name}: request (${(source.request_data_source.request_data_options?.schema ?? []).map(describeField).join(", ")})`;
      const p = source.feature_view_projection;
      if (p) return `${name}: ${p.feature_view_name}${p.feature_view_name_alias ? ` as ${p.feature_view_name_alias}` : ""} (${(p.feature_columns ?? []).map((f) => f.name).join(", ")})`;
      return `${name}: ${canonical(source)}`;
    });
    const out: FlatSpec = {
      sources: sources.sort(),
      features: (s.features ?? []).map(describeField),
      mode: s.mode ?? "",
      transform: udf?.body_text ?? (udf?.body?.length ? `pickled ${udf.body.length} bytes` : ""),
      description: s.description ?? "",
      owner: s.owner ?? "",
      tags: withoutOwnership(s.tags),
    };
    const covered = ["name", "project", "sources", "features", "mode", "feature_transformation", "description", "owner", "tags", "version"];
    return { ...out, ...others(s, covered) };
  },
};
