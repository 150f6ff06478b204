import { CREATED_TS, EVENT_TS, type SourceRelation } from "../source-relation";
import { compileSourceSelect, indent, latestFirst } from "./compile-source";
import type { SqlDialect } from "./dialect";

/**
 * Per entity key, the latest row with `start <= event_ts <= end` in the total order of
 * `latestFirst` (event timestamp, created timestamp, tie-break hash); with `allRows`, every row.
 * Columns: join keys, `__event_ts`, `__created_ts` (when the source has one), features.
 */
export function compileLatest(relation: SourceRelation, dialect: SqlDialect, start: Date, end: Date, allRows = false): string {
  const q = (name: string) => dialect.quoteIdentifier(name);
  const keys = relation.joinKeys.map((k) => q(k.name));
  const order = latestFirst(relation, q);
  const columns = [...keys, q(EVENT_TS), ...(relation.createdTimestamp ? [q(CREATED_TS)] : []), ...relation.features.map((f) => q(f.name))];
  if (allRows) {
    // Every row of the window (Feast's pull_all_from_table_or_query): an aggregation's tile backfill
    return [
      `SELECT ${columns.join(", ")}`,
      "FROM (",
      indent(compileSourceSelect(relation, dialect, { from: start, to: end }), "  "),
      `) AS ${q("source")}`,
    ].join("\n");
  }
  return [
    `SELECT ${columns.join(", ")}`,
    "FROM (",
    `  SELECT *, ROW_NUMBER() OVER (PARTITION BY ${keys.join(", ")} ORDER BY ${order.join(", ")}) AS ${q("__rank")}`,
    "  FROM (",
    indent(compileSourceSelect(relation, dialect, { from: start, to: end }), "    "),
    `  ) AS ${q("source")}`,
    `) AS ${q("ranked")}`,
    `WHERE ${q("__rank")} = 1`,
  ].join("\n");
}

/**
 * How many rows `compileLatest` yields for the same window: the distinct entity keys with a row in
 * it (1 for a view without join keys, if it has any row; every row with `allRows`). Cheap next to the ranking: keys only.
 */
export function compileLatestCount(relation: SourceRelation, dialect: SqlDialect, start: Date, end: Date, allRows = false): string {
  const q = (name: string) => dialect.quoteIdentifier(name);
  const keys = relation.joinKeys.map((k) => q(k.name));
  const source = [
    "  FROM (",
    indent(compileSourceSelect(relation, dialect, { from: start, to: end }), "    "),
    `  ) AS ${q("source")}`,
  ];
  if (allRows) return [`SELECT count(*) AS ${q("rows")}`, ...source.map((l) => l.slice(2))].join("\n");
  if (keys.length === 0) return [`SELECT least(count(*), 1) AS ${q("rows")}`, ...source.map((l) => l.slice(2))].join("\n");
  return [`SELECT count(*) AS ${q("rows")}`, "FROM (", `  SELECT DISTINCT ${keys.join(", ")}`, ...source, `) AS ${q("keys")}`].join("\n");
}
