import { existsSync } from "node:fs";
import * as path from "node:path";
import { InvalidArgumentError } from "../errors";

/** The column every entity row must have: the point in time it asks about (Feast's name). */
export const ENTITY_TIMESTAMP = "event_timestamp";

/** One entity row: join keys, `event_timestamp` (Date, ISO string with or without zone (naive = UTC), or date), and any other columns. */
export type EntityRow = Readonly<Record<string, unknown>>;

/**
 * The entity rows a training set is built for: row objects, a parquet file (path, relative to
 * the feature repo), or a SQL query run by the offline store. A bare string is a path if it names
 * a file or ends in `.parquet`, otherwise a query.
 */
export type EntityDataFrame = readonly EntityRow[] | string | { parquet: string } | { sql: string };

export type EntityInput =
  | { kind: "rows"; rows: readonly EntityRow[] }
  | { kind: "parquet"; path: string }
  | { kind: "sql"; query: string };

/** Decides what `entityDf` is; relative paths resolve against the feature repo. */
export function classifyEntityData(entityDf: EntityDataFrame, repoPath: string): EntityInput {
  if (Array.isArray(entityDf)) {
    if (entityDf.length === 0) throw new InvalidArgumentError("entityDf has no rows", "pass at least one entity row");
    return { kind: "rows", rows: entityDf };
  }
  if (typeof entityDf === "string") {
    const text = entityDf.trim();
    const resolved = path.resolve(repoPath, text);
    if (/\.parquet$/i.test(text) || (!/\s/.test(text) && existsSync(resolved))) return parquet(resolved);
    if (/^(select|with|from|values|\()/i.test(text)) return { kind: "sql", query: text };
    throw new InvalidArgumentError(
      `entityDf ${JSON.stringify(text.slice(0, 80))} is neither a parquet file nor a SQL query`,
      "pass rows, a parquet path, { parquet: path } or { sql: query }",
    );
  }
  if (entityDf && typeof entityDf === "object") {
    const spec = entityDf as { parquet?: unknown; sql?: unknown };
    if (typeof spec.parquet === "string") return parquet(path.resolve(repoPath, spec.parquet));
    if (typeof spec.sql === "string" && spec.sql.trim()) return { kind: "sql", query: spec.sql.trim() };
  }
  throw new InvalidArgumentError("entityDf must be an array of rows, a parquet path, { parquet: path } or { sql: query }");
}

function parquet(file: string): EntityInput {
  if (!/[*?[]/.test(file) && !existsSync(file)) {
    throw new InvalidArgumentError(`entity file ${file} does not exist`, "relative paths are relative to the feature repo");
  }
  return { kind: "parquet", path: file };
}

/** How an input is named in messages. */
export function describeEntityInput(input: EntityInput): string {
  return input.kind === "rows" ? "entityDf (rows)" : input.kind === "parquet" ? `entityDf (file ${input.path})` : "entityDf (query)";
}
