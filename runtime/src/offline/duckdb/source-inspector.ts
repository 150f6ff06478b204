import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { DataSourceNotFoundError, QueryError } from "../../errors";
import { checkSourceColumns, describeSourceLocation, type StoredTypes } from "../source-check";
import type { SourceRelation } from "../source-relation";
import type { SqlDialect } from "../sql/dialect";
import { fitOf, timestampFit } from "./duckdb-types";
import { run } from "./duckdb-session";

/**
 * Checks a source against its view's declaration before any query runs: the file exists, and
 * its columns pass `checkSourceColumns`.
 */
export async function inspectSource(connection: DuckDBConnection, relation: SourceRelation, dialect: SqlDialect): Promise<SourceRelation> {
  const located = locateFiles(relation);
  const where = describeSourceLocation(located);
  const columns = await describeColumns(connection, located, dialect, where);
  return checkSourceColumns(located, where, columns, DUCKDB_TYPES);
}

const DUCKDB_TYPES: StoredTypes<string> = { describe: (stored) => stored, fit: fitOf, timestampFit };

/** A local file must exist; a folder means every parquet file under it (as Feast reads datasets). */
function locateFiles(relation: SourceRelation): SourceRelation {
  const location = relation.location;
  if (location.kind !== "file" || /^[a-z][a-z0-9+.-]*:\/\//i.test(location.path) || /[*?[]/.test(location.path)) return relation;
  if (!existsSync(location.path)) {
    throw new DataSourceNotFoundError(
      `feature view ${relation.viewName}: source ${relation.sourceName} file ${location.path} does not exist`,
      "check the FileSource path (relative paths are relative to the feature repo), or write the data first",
    );
  }
  if (statSync(location.path).isDirectory()) {
    return { ...relation, location: { kind: "file", path: path.join(location.path, "**", "*.parquet") } };
  }
  return relation;
}

async function describeColumns(connection: DuckDBConnection, relation: SourceRelation, dialect: SqlDialect, where: string): Promise<Map<string, string>> {
  const sql = `DESCRIBE SELECT * FROM ${dialect.relation(relation.location)}`;
  try {
    const result = await run(connection, sql);
    const rows = await result.getRowObjectsJS();
    return new Map(rows.map((r) => [String(r.column_name), String(r.column_type)]));
  } catch (error) {
    const detail = error instanceof QueryError && error.cause instanceof Error ? error.cause.message : "";
    if (/No files found|does not exist|cannot open file/i.test(detail)) {
      throw new DataSourceNotFoundError(`feature view ${relation.viewName}: ${where} does not exist or matches no files`, "check the FileSource path");
    }
    throw error;
  }
}
