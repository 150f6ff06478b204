import { StatementType, type DuckDBConnection } from "@duckdb/node-api";
import { InvalidArgumentError } from "../../errors";

/**
 * An entity query must be exactly one SELECT: it is spliced into larger statements as a subquery,
 * and DuckDB runs every statement of a string it is given, so `...); COPY (...) TO 'x.csv'; select
 * ...` would write a file. DuckDB's own parser splits the text and names each statement's type;
 * nothing runs here (preparing binds a statement, it does not execute it). Returns the query
 * without a trailing semicolon, ready to be wrapped.
 */
export async function checkEntityQuery(connection: DuckDBConnection, query: string, description: string): Promise<string> {
  const hint = "pass a single SELECT (or WITH ... SELECT) statement that returns the entity rows";
  let extracted;
  try {
    extracted = await connection.extractStatements(query);
  } catch (error) {
    throw new InvalidArgumentError(`${description} is not valid SQL: ${firstLine(error)}`, hint);
  }
  if (extracted.count !== 1) {
    throw new InvalidArgumentError(`${description} has ${extracted.count} statements; only one SELECT is allowed`, hint);
  }
  let type: StatementType;
  try {
    type = (await extracted.prepare(0)).statementType;
  } catch (error) {
    throw new InvalidArgumentError(`${description} could not be read: ${firstLine(error)}`, hint);
  }
  if (type !== StatementType.SELECT) {
    throw new InvalidArgumentError(`${description} is a ${StatementType[type] ?? "non-SELECT"} statement; only a SELECT is allowed`, hint);
  }
  return query.replace(/;\s*$/, "");
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}
