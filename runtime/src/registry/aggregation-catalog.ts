import { ValueType, valueTypeToDtype } from "../definitions/dtypes";
import type { AggregationFunction } from "../definitions/aggregation";
import type { ColumnInfo } from "./catalog";
import { durationToSeconds } from "./proto/time";
import type { FeatureSpecProto, StreamFeatureViewSpecProto } from "./proto/types";

/** One aggregation as retrieval reads it from a stream feature view. */
export interface AggregationInfo {
  /** The output feature. */
  name: string;
  column: ColumnInfo;
  function: AggregationFunction;
  windowSeconds: number;
  slideSeconds: number;
  /** The output's value type: count Int64, mean Float64, sum Int64 or Float64, the column's otherwise. */
  valueType: number;
}

/** The aggregations of a stream feature view's spec, with their output types. */
export function aggregationInfos(spec: StreamFeatureViewSpecProto): AggregationInfo[] {
  const columns = new Map((spec.features ?? []).map((f) => [f.name ?? "", f]));
  return (spec.aggregations ?? []).map((a) => {
    const column = columnInfo(columns.get(a.column ?? "") ?? { name: a.column });
    const fn = (a.function ?? "") as AggregationFunction;
    const windowSeconds = durationToSeconds(a.time_window);
    const slideSeconds = durationToSeconds(a.slide_interval) || Math.max(1, Math.floor(windowSeconds / 60));
    return { name: a.name || `${a.column}_${fn}`, column, function: fn, windowSeconds, slideSeconds, valueType: outputType(fn, column.valueType) };
  });
}

/** The features a stream feature view serves: one per aggregation. */
export function aggregationFeatures(spec: StreamFeatureViewSpecProto): FeatureSpecProto[] {
  return aggregationInfos(spec).map((a) => ({ name: a.name, value_type: a.valueType }));
}

function outputType(fn: AggregationFunction, input: number): number {
  if (fn === "count") return ValueType.INT64;
  if (fn === "mean") return ValueType.DOUBLE;
  if (fn === "sum") return input === ValueType.INT32 || input === ValueType.INT64 ? ValueType.INT64 : ValueType.DOUBLE;
  return input;
}

function columnInfo(spec: FeatureSpecProto): ColumnInfo {
  const valueType = spec.value_type ?? 0;
  return { name: spec.name ?? "", valueType, dtype: valueTypeToDtype(valueType) };
}
