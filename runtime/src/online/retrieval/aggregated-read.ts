import type { OnlineReadResult } from "../online-store";
import { combine, type TileState } from "../aggregation/tile-state";
import { decodeValueAt, type DecodeOptions } from "../value-decoder";
import { presentValue } from "./present-value";
import type { FeatureVector, FieldStatus } from "./online-response";
import type { ViewPlan } from "./retrieval-plan";

/**
 * A stream view's aggregations for the window ending now, from each entity's tiles. An entity
 * with no event in any requested window is NOT_FOUND (null), as the offline join gives nulls.
 */
export function aggregatedColumns(view: ViewPlan, read: OnlineReadResult, nowMs: number, decode: DecodeOptions): FeatureVector[] {
  const rows = read.eventTimes.length;
  const aggregations = view.aggregations!;
  const out: FeatureVector[] = aggregations.map((a, f) => ({
    name: view.outputNames[f], values: new Array(rows), statuses: new Array<FieldStatus>(rows),
    eventTimestamps: new Array<Date | null>(rows).fill(null), valueType: a.valueType,
  }));
  for (let i = 0; i < rows; i++) {
    const text = read.values.has(i, 0) ? decodeValueAt(read.values.buffer(i)!, read.values.start(i, 0), read.values.end(i, 0)) : null;
    const state: TileState = typeof text === "string" ? (JSON.parse(text) as TileState) : { tiles: {} };
    const results = aggregations.map((a) => combine(state, a, nowMs));
    const found = results.some((r) => r.events > 0);
    results.forEach((r, f) => {
      out[f].values[i] = found ? presentValue(r.value, aggregations[f].valueType, decode) : null;
      out[f].statuses[i] = found ? "PRESENT" : "NOT_FOUND";
      out[f].eventTimestamps[i] = found ? new Date(nowMs) : null;
    });
  }
  return out;
}
