import { valueTypeToDtype } from "../definitions/dtypes";
import type { ColumnInfo, ProjectionInfo } from "./catalog";
import { TYPESCRIPT_MODE } from "./on-demand-to-proto";
import type { FeatureSpecProto, OnDemandFeatureViewProto } from "./proto/types";

/** An on-demand view as retrieval reads it from the registry. */
export interface OnDemandViewInfo {
  name: string;
  features: ColumnInfo[];
  /** The feature views it reads, as projections (their features are the transform's inputs). */
  viewSources: ProjectionInfo[];
  /** Columns the request itself carries. */
  requestFields: ColumnInfo[];
  /** Feast's `mode`: `typescript` for Skewless's own, `pandas` / `python` / `substrait` for Feast's. */
  mode: string;
  /** The TypeScript source recorded at apply time (typescript mode only). */
  transformText?: string;
}

export function onDemandViewInfo(proto: OnDemandFeatureViewProto): OnDemandViewInfo {
  const s = proto.spec ?? {};
  const viewSources: ProjectionInfo[] = [];
  const requestFields: ColumnInfo[] = [];
  for (const source of Object.values(s.sources ?? {})) {
    const projection = source.feature_view_projection;
    const view = source.feature_view?.spec;
    if (projection) {
      viewSources.push({
        viewName: projection.feature_view_name ?? "",
        alias: projection.feature_view_name_alias || undefined,
        features: (projection.feature_columns ?? []).map((f) => f.name ?? ""),
        joinKeyMap: { ...(projection.join_key_map ?? {}) },
      });
    } else if (view) {
      viewSources.push({ viewName: view.name ?? "", features: (view.features ?? []).map((f) => f.name ?? ""), joinKeyMap: {} });
    } else if (source.request_data_source) {
      requestFields.push(...(source.request_data_source.request_data_options?.schema ?? []).map(column));
    }
  }
  // Feast writes the mode on the spec; older registries only on the function (or neither: pandas)
  const udf = s.feature_transformation?.user_defined_function ?? s.user_defined_function;
  const mode = (s.mode || udf?.mode || (s.feature_transformation?.substrait_transformation ? "substrait" : "pandas")).toLowerCase();
  return {
    name: s.name ?? "",
    features: (s.features ?? []).map(column),
    viewSources,
    requestFields,
    mode,
    transformText: mode === TYPESCRIPT_MODE ? udf?.body_text ?? "" : undefined,
  };
}

function column(spec: FeatureSpecProto): ColumnInfo {
  const valueType = spec.value_type ?? 0;
  return { name: spec.name ?? "", valueType, dtype: valueTypeToDtype(valueType) };
}
