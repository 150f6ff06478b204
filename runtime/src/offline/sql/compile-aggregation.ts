import type { Dtype } from "../../definitions/dtypes";
import type { AggregationInfo } from "../../registry/aggregation-catalog";
import type { PointInTimePlan, ViewJoin } from "../point-in-time";
import { EVENT_TS } from "../source-relation";
import { ENTITY, ROW } from "./compile-point-in-time";
import type { SqlDialect } from "./dialect";

/**
 * Per entity row, a stream view's windowed aggregations over its event log: the rows with the
 * same keys and an event time in `[tileEnd - window, entity_ts]`, where `tileEnd` is the end of
 * the slide tile holding the entity timestamp. Online tiles cover exactly that range at read
 * time (online/aggregation), so the two give the same numbers. An entity row with no event in
 * any requested window gets nulls, count included, as online returns for no tiles.
 */
export function aggregateMatches(plan: PointInTimePlan, view: ViewJoin, dialect: SqlDialect): string {
  const q = (name: string) => dialect.quoteIdentifier(name);
  const e = (column: string) => `${q(ENTITY)}.${q(column)}`;
  const s = (column: string) => `${q(view.alias)}.${q(column)}`;
  const entityTs = e(plan.entity.timestampColumn);
  const eventUs = dialect.epochMicros(s(EVENT_TS));
  const inWindow = (a: AggregationInfo) => {
    const slide = a.slideSeconds * 1_000_000;
    return `${eventUs} >= (${dialect.floorDiv(dialect.epochMicros(entityTs), String(slide))} + 1) * ${slide} - ${a.windowSeconds * 1_000_000}`;
  };
  const aggregations = view.aggregations!;
  const selects = aggregations.map((a, i) => `${aggregate(a, inWindow(a), s(a.column.name), s(EVENT_TS), dialect)} AS ${q(view.features[i].name)}`);
  const on = [
    ...view.keys.map((k) => `${e(k.entityColumn)} = ${s(k.sourceColumn)}`),
    `${s(EVENT_TS)} <= ${entityTs}`,
    `(${[...new Set(aggregations.map(inWindow))].join(" OR ")})`,
  ];
  return [
    `SELECT ${e(plan.entity.rowId)} AS ${q(ROW)},`,
    `  ${selects.join(",\n  ")}`,
    `FROM ${dialect.relation(plan.entity.location)} AS ${q(ENTITY)}`,
    `JOIN ${q(`${view.alias}__source`)} AS ${q(view.alias)} ON ${on.join("\n  AND ")}`,
    `GROUP BY ${e(plan.entity.rowId)}`,
  ].join("\n");
}

function aggregate(a: AggregationInfo, condition: string, value: string, eventTs: string, dialect: SqlDialect): string {
  const when = `CASE WHEN ${condition} THEN ${value} END`;
  const output: Dtype = a.function === "count" || (a.function === "sum" && a.valueType === 4) ? "Int64" : a.function === "mean" || a.function === "sum" ? "Float64" : a.column.dtype!;
  switch (a.function) {
    case "sum": return dialect.castTo(`SUM(${when})`, output);
    case "count": return dialect.castTo(`COUNT(${when})`, output);
    case "mean": return `${dialect.castTo(`SUM(${when})`, "Float64")} / NULLIF(COUNT(${when}), 0)`;
    case "min": return `MIN(${when})`;
    case "max": return `MAX(${when})`;
    // the latest event; among events at the same instant, the greatest value (online keeps the same one)
    case "last": return dialect.lastValue(value, [`${eventTs} DESC`, `${value} DESC`], condition);
  }
}
