import { eventTimeBounds, type PointInTimePlan, type ViewJoin } from "../point-in-time";
import { CREATED_TS, EVENT_TS } from "../source-relation";
import { compileSourceSelect, indent } from "./compile-source";
import type { SqlDialect } from "./dialect";

/**
 * `auto`: an ASOF join where the dialect has one and the semantics allow it (no created-timestamp
 * cutoff); `window`: the portable form everywhere (join on keys and the TTL window, keep the
 * top-ranked row per entity row with ROW_NUMBER).
 */
export type JoinStrategy = "auto" | "window";

const ENTITY = "entity";
const ROW = "__row";
const RANK = "__rank";

/**
 * The point-in-time query for `plan` in `dialect`: one CTE per view's source (pruned to the
 * entity rows' time range), per-view matches joined back to the entity rows, ordered as input.
 */
export function compilePointInTime(plan: PointInTimePlan, dialect: SqlDialect, strategy: JoinStrategy = "auto"): string {
  const q = (name: string) => dialect.quoteIdentifier(name);
  const entity = plan.entity;
  const entityTs = `${q(ENTITY)}.${q(entity.timestampColumn)}`;
  const rowId = `${q(ENTITY)}.${q(entity.rowId)}`;
  const ctes: string[] = [];
  const joins: string[] = [];
  const selects = entity.columns.map((c) => `${q(ENTITY)}.${q(c)}`);
  for (const view of plan.views) {
    const sourceCte = `${view.alias}__source`;
    ctes.push(`${q(sourceCte)} AS (\n${indent(compileSourceSelect(view.source, dialect, eventTimeBounds(view, entity)))}\n)`);
    const a = (column: string) => `${q(view.alias)}.${q(column)}`;
    const outputs: [string, string][] = view.features.map((f) => [a(f.name), f.outputName]);
    if (view.sourceTimestampNames) {
      outputs.push([a(EVENT_TS), view.sourceTimestampNames.event]);
      if (view.sourceTimestampNames.created) outputs.push([a(CREATED_TS), view.sourceTimestampNames.created]);
    }
    if (strategy === "auto" && dialect.asofJoin && !(view.createdTimestampCutoff && view.source.createdTimestamp)) {
      joins.push(dialect.asofJoin({
        right: q(sourceCte),
        rightAlias: q(view.alias),
        leftAlias: q(ENTITY),
        keys: view.keys.map((k) => [`${q(ENTITY)}.${q(k.entityColumn)}`, a(k.sourceColumn)]),
        leftTimestamp: entityTs,
        rightTimestamp: a(EVENT_TS),
        rightCreated: view.source.createdTimestamp ? a(CREATED_TS) : undefined,
      }));
      // The ASOF match is the latest row at or before the entity timestamp; if even that one is
      // older than the TTL window, no row is inside it.
      const inWindow = view.ttlSeconds > 0 ? `${a(EVENT_TS)} >= ${dialect.subtractSeconds(entityTs, view.ttlSeconds)}` : undefined;
      for (const [expr, name] of outputs) selects.push(`${inWindow ? `CASE WHEN ${inWindow} THEN ${expr} END` : expr} AS ${q(name)}`);
    } else {
      ctes.push(`${q(view.alias)} AS (\n${indent(windowMatches(plan, view, dialect))}\n)`);
      joins.push(`LEFT JOIN ${q(view.alias)} ON ${a(ROW)} = ${rowId}`);
      for (const [expr, name] of outputs) selects.push(`${expr} AS ${q(name)}`);
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

/** Per entity row, the top-ranked source row among those with matching keys inside the window. */
function windowMatches(plan: PointInTimePlan, view: ViewJoin, dialect: SqlDialect): string {
  const q = (name: string) => dialect.quoteIdentifier(name);
  const e = (column: string) => `${q(ENTITY)}.${q(column)}`;
  const s = (column: string) => `${q(view.alias)}.${q(column)}`;
  const entityTs = e(plan.entity.timestampColumn);
  const hasCreated = view.source.createdTimestamp !== undefined;
  const carried = [EVENT_TS, ...(hasCreated ? [CREATED_TS] : []), ...view.features.map((f) => f.name)];
  const on = [
    ...view.keys.map((k) => `${e(k.entityColumn)} = ${s(k.sourceColumn)}`),
    `${s(EVENT_TS)} <= ${entityTs}`,
    ...(view.ttlSeconds > 0 ? [`${s(EVENT_TS)} >= ${dialect.subtractSeconds(entityTs, view.ttlSeconds)}`] : []),
    ...(view.createdTimestampCutoff && hasCreated ? [`${s(CREATED_TS)} <= ${entityTs}`] : []),
  ];
  const order = [`${s(EVENT_TS)} DESC`, ...(hasCreated ? [`${s(CREATED_TS)} DESC NULLS LAST`] : [])];
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
