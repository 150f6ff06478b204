import type { TableField } from "@google-cloud/bigquery";
import { DataSourceNotFoundError, QueryError } from "../../errors";
import { checkSourceColumns, describeSourceLocation, type StoredTypes } from "../source-check";
import type { SourceRelation } from "../source-relation";
import type { SqlDialect } from "../sql/dialect";
import type { BigQuerySession } from "./bigquery-session";
import { bigQueryFit, bigQueryTimestampFit, describeField } from "./bigquery-types";

const BIGQUERY_TYPES: StoredTypes<TableField> = { describe: describeField, fit: bigQueryFit, timestampFit: bigQueryTimestampFit };

/**
 * Reads a source's schema (a table's or a query's, through a query that returns no rows) and
 * checks it against the view's declaration before any join runs.
 */
export async function inspectBigQuerySource(session: BigQuerySession, relation: SourceRelation, dialect: SqlDialect): Promise<SourceRelation> {
  const where = describeSourceLocation(relation);
  const fields = await sourceFields(session, `SELECT * FROM ${dialect.relation(relation.location)} LIMIT 0`, relation, where);
  return checkSourceColumns(relation, where, new Map(fields.map((f) => [String(f.name), f])), BIGQUERY_TYPES);
}

/** The columns a query returns. */
export async function sourceFields(session: BigQuerySession, sql: string, relation: SourceRelation, where: string): Promise<TableField[]> {
  try {
    return (await session.queryAll(sql)).fields;
  } catch (error) {
    const detail = error instanceof QueryError && error.cause instanceof Error ? error.cause.message : "";
    if (/Not found: (Table|Dataset)/i.test(detail)) {
      throw new DataSourceNotFoundError(`feature view ${relation.viewName}: ${where} does not exist`, "check the BigQuerySource table (project.dataset.table)");
    }
    throw error;
  }
}
