import { CREATED_TS, EVENT_TS, TIE, type SourceColumn, type SourceRelation, type TimestampColumn } from "../source-relation";
import type { SqlDialect } from "./dialect";

/** Inclusive bounds on a source's event timestamps. */
export interface EventTimeBounds {
  from?: Date;
  to?: Date;
}

/**
 * `SELECT` of a source under Skewless names: join keys, `__event_ts`, `__created_ts` (when the
 * source has one), `__tie`, then features; narrower stored types are cast to the declared ones.
 */
export function compileSourceSelect(relation: SourceRelation, dialect: SqlDialect, bounds: EventTimeBounds = {}): string {
  const q = (name: string) => dialect.quoteIdentifier(name);
  const eventTs = timestampExpression(relation.eventTimestamp, dialect);
  const columns = [
    ...relation.joinKeys.map((c) => column(c, dialect)),
    `${eventTs} AS ${q(EVENT_TS)}`,
    ...(relation.createdTimestamp ? [`${timestampExpression(relation.createdTimestamp, dialect)} AS ${q(CREATED_TS)}`] : []),
    `${compileTieBreak(relation, dialect)} AS ${q(TIE)}`,
    ...relation.features.map((c) => column(c, dialect)),
  ];
  const where: string[] = [];
  if (bounds.from) where.push(`${eventTs} >= ${dialect.timestampLiteral(bounds.from)}`);
  if (bounds.to) where.push(`${eventTs} <= ${dialect.timestampLiteral(bounds.to)}`);
  return [
    `SELECT ${columns.join(", ")}`,
    `FROM ${dialect.relation(relation.location)}`,
    ...(where.length ? [`WHERE ${where.join(" AND ")}`] : []),
  ].join("\n");
}

function column(c: SourceColumn, dialect: SqlDialect): string {
  const name = dialect.quoteIdentifier(c.name);
  if (c.constant !== undefined) return `${dialect.stringLiteral(c.constant)} AS ${name}`;
  const stored = dialect.quoteIdentifier(c.sourceColumn);
  if (c.cast && c.dtype) return `${dialect.castTo(stored, c.dtype)} AS ${name}`;
  return c.sourceColumn === c.name ? stored : `${stored} AS ${name}`;
}

function timestampExpression(c: TimestampColumn, dialect: SqlDialect): string {
  const stored = dialect.quoteIdentifier(c.sourceColumn);
  return c.cast ? dialect.toTimestamp(stored) : stored;
}

/**
 * The row's tie-break: a hash of the view's feature values, computed from a text every engine
 * spells alike (`portableText`), so DuckDB, BigQuery and Snowflake pick the same row among exact
 * ties. Each value is length-prefixed and null has its own mark, so no two rows share a text.
 */
export function compileTieBreak(relation: SourceRelation, dialect: SqlDialect): string {
  if (relation.tieBreakColumns.length === 0) return "0";
  const parts = relation.tieBreakColumns.map(({ column, dtype }) => {
    const text = dialect.portableText(dialect.quoteIdentifier(column), dtype ?? "String");
    return `COALESCE(${dialect.castTo(`LENGTH(${text})`, "String")} || ':' || ${text}, '-')`;
  });
  return dialect.md5Prefix(parts.join(" || '|' || "));
}

/** Indents every line of a nested query. */
export function indent(sql: string, by = "  "): string {
  return sql.split("\n").map((line) => by + line).join("\n");
}

/**
 * The one total order on a view's rows that decides every pick (materialization, both point-in-time
 * plans, validation): greatest event timestamp, then greatest created timestamp (none loses), then
 * greatest tie-break hash of the row's feature values. Rows still equal have equal features, so
 * which one wins changes nothing: the pick is the same on every path, every run, whatever the
 * order of rows in the files. `column` qualifies a Skewless column name.
 */
export function latestFirst(relation: SourceRelation, column: (name: string) => string): string[] {
  return [
    `${column(EVENT_TS)} DESC`,
    ...(relation.createdTimestamp ? [`${column(CREATED_TS)} DESC NULLS LAST`] : []),
    `${column(TIE)} DESC`,
  ];
}
