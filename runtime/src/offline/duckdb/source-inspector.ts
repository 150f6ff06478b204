import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { describeValueType } from "../../definitions/dtypes";
import { DataSourceNotFoundError, QueryError, SchemaMismatchError } from "../../errors";
import type { SourceColumn, SourceRelation, TimestampColumn } from "../source-relation";
import type { SqlDialect } from "../sql/dialect";
import { fitOf, timestampFit } from "./duckdb-types";
import { run } from "./duckdb-session";

/**
 * Checks a source against its view's declaration before any query runs: the file exists, every
 * column is there, and each stored type is the declared one or widens to it losslessly. Returns
 * the relation with casts marked where the stored type is narrower or a naive timestamp/date.
 */
export async function inspectSource(connection: DuckDBConnection, relation: SourceRelation, dialect: SqlDialect): Promise<SourceRelation> {
  const located = locateFiles(relation);
  const where = describeLocation(located);
  const columns = await describeColumns(connection, located, dialect, where);
  const missing = (column: string, role: string) =>
    new SchemaMismatchError(
      `feature view ${relation.viewName}: ${where} has no column ${column} (${role})`,
      `its columns are: ${[...columns.keys()].join(", ")}; rename the column, or map it with the source's fieldMapping`,
    );
  const checkColumn = (c: SourceColumn, role: string): SourceColumn => {
    if (c.constant !== undefined) return c;
    const stored = columns.get(c.sourceColumn);
    if (stored === undefined) throw missing(c.sourceColumn, role);
    if (!c.dtype) return c;
    const fit = fitOf(stored, c.dtype);
    if (fit === "mismatch") {
      throw new SchemaMismatchError(
        `feature view ${relation.viewName}: column ${c.sourceColumn} in ${where} is ${stored}, but ${role} is declared ${describeValueType(c.valueType)}`,
        `write the column as ${describeValueType(c.valueType)} (or a narrower type of the same kind), or change the declared dtype`,
      );
    }
    return fit === "widen" ? { ...c, cast: true } : c;
  };
  const checkTimestamp = (c: TimestampColumn, role: string): TimestampColumn => {
    const stored = columns.get(c.sourceColumn);
    if (stored === undefined) throw missing(c.sourceColumn, role);
    const fit = timestampFit(stored);
    if (fit === "mismatch") {
      throw new SchemaMismatchError(
        `feature view ${relation.viewName}: ${role} column ${c.sourceColumn} in ${where} is ${stored}, not a timestamp or date`,
        "store it as a timestamp (with or without time zone; naive means UTC) or a date",
      );
    }
    return fit === "widen" ? { ...c, cast: true } : c;
  };
  const checked: SourceRelation = {
    ...located,
    joinKeys: located.joinKeys.map((k) => checkColumn(k, `join key ${k.name}`)),
    features: located.features.map((f) => checkColumn(f, `feature ${f.name}`)),
    eventTimestamp: checkTimestamp(located.eventTimestamp, "event timestamp"),
    createdTimestamp: located.createdTimestamp && checkTimestamp(located.createdTimestamp, "created timestamp"),
  };
  // Features not asked for still break ties, so they must be there too.
  for (const column of located.tieBreakColumns) {
    if (!columns.has(column)) throw missing(column, "a feature of the view, part of every row's tie-break");
  }
  return checked;
}

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

function describeLocation(relation: SourceRelation): string {
  const l = relation.location;
  return l.kind === "file" ? `source file ${l.path}` : l.kind === "table" ? `source table ${l.table}` : `source query of ${relation.sourceName}`;
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
