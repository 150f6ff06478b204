import { describeValueType, type Dtype } from "../definitions/dtypes";
import { SchemaMismatchError } from "../errors";
import type { TypeFit } from "./duckdb/duckdb-types";
import type { SourceColumn, SourceRelation, TimestampColumn } from "./source-relation";

/** How one engine names and judges stored column types (`T`: its schema's column description). */
export interface StoredTypes<T> {
  describe(stored: T): string;
  fit(stored: T, dtype: Dtype): TypeFit;
  timestampFit(stored: T): TypeFit;
}

/**
 * Checks a source's stored columns against its view's declaration, the same way on every engine:
 * every column is there, and each stored type is the declared one or widens to it losslessly.
 * Returns the relation with casts marked where the stored type is narrower or a naive timestamp.
 * `where` names the source in messages (`source file x.parquet`, `source table p.d.t`).
 */
export function checkSourceColumns<T>(relation: SourceRelation, where: string, columns: ReadonlyMap<string, T>, types: StoredTypes<T>): SourceRelation {
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
    const fit = types.fit(stored, c.dtype);
    if (fit === "mismatch") {
      throw new SchemaMismatchError(
        `feature view ${relation.viewName}: column ${c.sourceColumn} in ${where} is ${types.describe(stored)}, but ${role} is declared ${describeValueType(c.valueType)}`,
        `write the column as ${describeValueType(c.valueType)} (or a narrower type of the same kind), or change the declared dtype`,
      );
    }
    return fit === "widen" ? { ...c, cast: true } : c;
  };
  const checkTimestamp = (c: TimestampColumn, role: string): TimestampColumn => {
    const stored = columns.get(c.sourceColumn);
    if (stored === undefined) throw missing(c.sourceColumn, role);
    const fit = types.timestampFit(stored);
    if (fit === "mismatch") {
      throw new SchemaMismatchError(
        `feature view ${relation.viewName}: ${role} column ${c.sourceColumn} in ${where} is ${types.describe(stored)}, not a timestamp or date`,
        "store it as a timestamp (with or without time zone; naive means UTC) or a date",
      );
    }
    return fit === "widen" ? { ...c, cast: true } : c;
  };
  const checked: SourceRelation = {
    ...relation,
    joinKeys: relation.joinKeys.map((k) => checkColumn(k, `join key ${k.name}`)),
    features: relation.features.map((f) => checkColumn(f, `feature ${f.name}`)),
    eventTimestamp: checkTimestamp(relation.eventTimestamp, "event timestamp"),
    createdTimestamp: relation.createdTimestamp && checkTimestamp(relation.createdTimestamp, "created timestamp"),
  };
  // Features not asked for still break ties, so they must be there too.
  for (const { column } of relation.tieBreakColumns) {
    if (!columns.has(column)) throw missing(column, "a feature of the view, part of every row's tie-break");
  }
  return checked;
}

/** How messages name a source's location. */
export function describeSourceLocation(relation: SourceRelation): string {
  const l = relation.location;
  return l.kind === "file" ? `source file ${l.path}` : l.kind === "table" ? `source table ${l.table}` : `source query of ${relation.sourceName}`;
}
