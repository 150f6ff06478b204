import { CREATED_TS, EVENT_TS, type SourceColumn, type SourceRelation, type TimestampColumn } from "../source-relation";
import type { SqlDialect } from "./dialect";

/** Inclusive bounds on a source's event timestamps. */
export interface EventTimeBounds {
  from?: Date;
  to?: Date;
}

/**
 * `SELECT` of a source under Skewless names: join keys, `__event_ts`, `__created_ts` (when the
 * source has one), then features; narrower stored types are cast to the declared ones.
 */
export function compileSourceSelect(relation: SourceRelation, dialect: SqlDialect, bounds: EventTimeBounds = {}): string {
  const q = (name: string) => dialect.quoteIdentifier(name);
  const eventTs = timestampExpression(relation.eventTimestamp, dialect);
  const columns = [
    ...relation.joinKeys.map((c) => column(c, dialect)),
    `${eventTs} AS ${q(EVENT_TS)}`,
    ...(relation.createdTimestamp ? [`${timestampExpression(relation.createdTimestamp, dialect)} AS ${q(CREATED_TS)}`] : []),
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

/** Indents every line of a nested query. */
export function indent(sql: string, by = "  "): string {
  return sql.split("\n").map((line) => by + line).join("\n");
}
