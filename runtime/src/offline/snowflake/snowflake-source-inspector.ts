import { DataSourceNotFoundError, QueryError } from "../../errors";
import { checkSourceColumns, describeSourceLocation, type StoredTypes } from "../source-check";
import type { SourceRelation } from "../source-relation";
import type { SqlDialect } from "../sql/dialect";
import type { SnowflakeColumn, SnowflakeSession } from "./snowflake-session";
import { describeColumn, snowflakeFit, snowflakeTimestampFit } from "./snowflake-types";

const SNOWFLAKE_TYPES: StoredTypes<SnowflakeColumn> = { describe: describeColumn, fit: snowflakeFit, timestampFit: snowflakeTimestampFit };

/**
 * Reads a source's schema (a table's or a query's, through a query that returns no rows) and
 * checks it against the view's declaration before any join runs.
 */
export async function inspectSnowflakeSource(session: SnowflakeSession, relation: SourceRelation, dialect: SqlDialect): Promise<SourceRelation> {
  const where = describeSourceLocation(relation);
  let columns: SnowflakeColumn[];
  try {
    columns = (await session.queryAll(`SELECT * FROM ${dialect.relation(relation.location)} LIMIT 0`)).columns;
  } catch (error) {
    const detail = error instanceof QueryError && error.cause instanceof Error ? error.cause.message : "";
    // Snowflake: "Object '...' does not exist or not authorized."; fakesnow (DuckDB): "Table with name ... does not exist".
    if (/does not exist/i.test(detail)) {
      throw new DataSourceNotFoundError(`feature view ${relation.viewName}: ${where} does not exist`,
        "check the SnowflakeSource's database, schema and table (quoted: they match case) and the role's grants");
    }
    throw error;
  }
  return checkSourceColumns(relation, where, new Map(columns.map((c) => [c.name, c])), SNOWFLAKE_TYPES);
}
