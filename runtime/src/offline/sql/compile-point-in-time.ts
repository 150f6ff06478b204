import { eventTimeBounds, type PointInTimePlan, type ViewJoin } from "../point-in-time";
import { CREATED_TS, EVENT_TS, TIE } from "../source-relation";
import { aggregateMatches } from "./compile-aggregation";
import { compileSourceSelect, indent, latestFirst } from "./compile-source";
import type { SqlDialect } from "./dialect";

/**
 * `auto`: an ASOF join where the dialect has one and the semantics allow it (no created-timestamp
 * cutoff); `window`: the portable form everywhere (join on keys and the TTL window, keep the
 * top-ranked row per entity row with ROW_NUMBER).
 */
export type JoinStrategy = "auto" | "window";

export const ENTITY = "entity";
export const ROW = "__row";
const RANK = "__rank";

/**
 * The point-in-time query for `plan` in `dialect`: one CTE per view's source (pruned to the
 * entity rows' time range), per-view matches joined back to the entity rows, ordered as input.
 */
export function compilePointInTime(plan: PointInTimePlan, dialect: SqlDialect, strategy: JoinStrategy = "auto"): string {
  const q = (name: string) => dialect.quoteIdentifier(name);
  const entity = plan.entity;
  const rowId = `${q(ENTITY)}.${q(entity.rowId)}`;
  const ctes: string[] = [];
  const joins: string[] = [];
  const selects = entity.columns.map((c) => `${q(ENTITY)}.${q(c)}`);
  for (const view of plan.views) {
    const sourceCte = `${view.alias}__source`;
    ctes.push(`${q(sourceCte)} AS (\n${indent(compileSourceSelect(view.source, dialect, eventTimeBounds(view, entity)))}\n)`);
    const useAsof = strategy === "auto" && dialect.asofJoin !== undefined && !(view.createdTimestampCutoff && view.source.createdTimestamp);
    const matches = view.aggregations ? aggregateMatches(plan, view, dialect) : useAsof ? asofMatches(plan, view, dialect) : windowMatches(plan, view, dialect);
    ctes.push(`${q(view.alias)} AS (\n${indent(matches)}\n)`);
    // Each view's matches are narrow (row id, timestamps, features) and joined back by row id, so
    // adding a view adds one join of entity-row size: cost grows linearly with the views.
    joins.push(`LEFT JOIN ${q(view.alias)} ON ${q(view.alias)}.${q(ROW)} = ${rowId}`);
    const a = (column: string) => `${q(view.alias)}.${q(column)}`;
    for (const f of view.features) selects.push(`${f.floating ? dialect.nanAsNull(a(f.name)) : a(f.name)} AS ${q(f.outputName)}`);
    if (view.sourceTimestampNames) {
      selects.push(`${a(EVENT_TS)} AS ${q(view.sourceTimestampNames.event)}`);
      if (view.sourceTimestampNames.created) selects.push(`${a(CREATED_TS)} AS ${q(view.sourceTimestampNames.created)}`);
    }
  }
  return [
    `WITH ${ctes.join(",\n")}`,
    `SELECT ${selects.join(",\n  ")}`,
    `FROM ${dialect.relation(entity.location)} AS ${q(ENTITY)}`,
    ...joins,
    `ORDER BY ${rowId}`,
  ].join("\n");
}

/** What both match strategies spell: quoting, entity and source columns, the columns carried out. */
function matchParts(plan: PointInTimePlan, view: ViewJoin, dialect: SqlDialect) {
  const q = (name: string) => dialect.quoteIdentifier(name);
  const e = (column: string) => `${q(ENTITY)}.${q(column)}`;
  const s = (column: string) => `${q(view.alias)}.${q(column)}`;
  const hasCreated = view.source.createdTimestamp !== undefined;
  const carried = [EVENT_TS, ...(hasCreated ? [CREATED_TS] : []), ...view.features.map((f) => f.name)];
  return { q, e, s, entityTs: e(plan.entity.timestampColumn), hasCreated, carried };
}

/** Per entity row, the ASOF match (latest row at or before the entity timestamp), kept if inside the TTL. */
function asofMatches(plan: PointInTimePlan, view: ViewJoin, dialect: SqlDialect): string {
  const { q, e, s, entityTs, hasCreated, carried } = matchParts(plan, view, dialect);
  const join = dialect.asofJoin!({
    right: q(`${view.alias}__source`),
    rightAlias: q(view.alias),
    leftAlias: q(ENTITY),
    keys: view.keys.map((k) => [e(k.entityColumn), s(k.sourceColumn)]),
    leftTimestamp: entityTs,
    rightTimestamp: s(EVENT_TS),
    rightCreated: hasCreated ? s(CREATED_TS) : undefined,
    rightTie: s(TIE),
  });
  return [
    `SELECT ${e(plan.entity.rowId)} AS ${q(ROW)}, ${carried.map(s).join(", ")}`,
    `FROM ${dialect.relation(plan.entity.location)} AS ${q(ENTITY)}`,
    join,
    // The match is the latest row at or before the entity timestamp; if even it is older than
    // the TTL window, no row is inside the window.
    ...(view.ttlSeconds > 0 ? [`WHERE ${s(EVENT_TS)} >= ${dialect.subtractSeconds(entityTs, view.ttlSeconds)}`] : []),
  ].join("\n");
}

/** Per entity row, the top-ranked source row among those with matching keys inside the window. */
function windowMatches(plan: PointInTimePlan, view: ViewJoin, dialect: SqlDialect): string {
  const { q, e, s, entityTs, hasCreated, carried } = matchParts(plan, view, dialect);
  const on = [
    ...view.keys.map((k) => `${e(k.entityColumn)} = ${s(k.sourceColumn)}`),
    `${s(EVENT_TS)} <= ${entityTs}`,
    ...(view.ttlSeconds > 0 ? [`${s(EVENT_TS)} >= ${dialect.subtractSeconds(entityTs, view.ttlSeconds)}`] : []),
    ...(view.createdTimestampCutoff && hasCreated ? [`${s(CREATED_TS)} <= ${entityTs}`] : []),
  ];
  const order = latestFirst(view.source, s);
  return [
    `SELECT ${[ROW, ...carried].map(q).join(", ")}`,
    "FROM (",
    `  SELECT ${e(plan.entity.rowId)} AS ${q(ROW)}, ${carried.map(s).join(", ")},`,
    `    ROW_NUMBER() OVER (PARTITION BY ${e(plan.entity.rowId)} ORDER BY ${order.join(", ")}) AS ${q(RANK)}`,
    `  FROM ${dialect.relation(plan.entity.location)} AS ${q(ENTITY)}`,
    `  JOIN ${q(`${view.alias}__source`)} AS ${q(view.alias)} ON ${on.join("\n    AND ")}`,
    `) AS ${q("ranked")}`,
    `WHERE ${q(RANK)} = 1`,
  ].join("\n");
}
