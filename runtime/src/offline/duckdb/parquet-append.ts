import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { InvalidArgumentError, SchemaMismatchError } from "../../errors";
import type { FeatureViewInfo } from "../../registry/catalog";
import { DUMMY_ENTITY_ID } from "../../registry/to-proto";
import type { OfflineRows, OfflineWriteResult } from "../offline-store";
import { sourceRelation } from "../source-relation";
import type { DuckDBDialect } from "./duckdb-dialect";
import { run } from "./duckdb-session";
import { duckdbType, isTimestampType } from "./duckdb-types";

// Feast's file offline store appends pushed rows by rewriting the source's parquet file. Skewless
// does the same for a file source, and for a folder source (read as `folder/**/*.parquet`) adds a
// new file beside the others. Either way the parquet is written under a name the reader ignores
// and renamed into place, so a reader sees all of a push or none of it.

/** One append at a time per target: two rewrites of one file must not race. */
const queues = new Map<string, Promise<unknown>>();

export async function appendToFileSource(
  connection: DuckDBConnection, dialect: DuckDBDialect, repoPath: string, view: FeatureViewInfo, rows: OfflineRows,
): Promise<OfflineWriteResult> {
  const source = view.batchSource;
  const relation = sourceRelation(view, repoPath);
  const location = relation.location;
  if (source.type !== "file" || location.kind !== "file" || /^[a-z][a-z0-9+.-]*:\/\//i.test(location.path) || /[*?[]/.test(location.path)) {
    throw new InvalidArgumentError(
      `push to the offline store: feature view ${view.name}'s batch source ${source.name} (${source.type}${source.path ? ` ${source.path}` : ""}) is not a local parquet file or folder`,
      "Skewless appends pushed rows to local FileSource paths only; push with to: \"online\", or point the batch source at a local file or folder",
    );
  }
  const target = location.path;
  const previous = queues.get(target) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => append(connection, dialect, view, target, rows));
  queues.set(target, next);
  try {
    return await next;
  } finally {
    if (queues.get(target) === next) queues.delete(target);
  }
}

async function append(connection: DuckDBConnection, dialect: DuckDBDialect, view: FeatureViewInfo, target: string, rows: OfflineRows): Promise<OfflineWriteResult> {
  // A path that does not exist yet is a folder unless it names a parquet file.
  const folder = existsSync(target) ? statSync(target).isDirectory() : !/\.parquet$/i.test(target);
  const existing = folder ? (hasParquet(target) ? path.join(target, "**", "*.parquet") : undefined) : (existsSync(target) ? target : undefined);
  const schema = existing ? await storedSchema(connection, dialect, existing) : declaredSchema(view);
  checkColumns(view, target, schema, rows);
  const id = randomUUID();
  const json = path.join(os.tmpdir(), `skewless-push-${id}.ndjson`);
  const tmp = folder ? path.join(target, `.push-${id}.tmp`) : `${target}.push-${id}.tmp`;
  try {
    writeFileSync(json, ndjson(schema, rows));
    if (folder) mkdirSync(target, { recursive: true });
    const pushed = pushedSelect(dialect, json, schema);
    const select = folder || !existing ? pushed : `SELECT * FROM read_parquet(${dialect.stringLiteral(existing)}) UNION ALL ${pushed}`;
    await run(connection, `COPY (${select}) TO ${dialect.stringLiteral(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
    const final = folder ? path.join(target, `push-${new Date().toISOString().replace(/[-:.]/g, "")}-${id.slice(0, 8)}.parquet`) : target;
    renameSync(tmp, final);
    return { source: view.batchSource.name, path: final, rows: rows.rowCount };
  } finally {
    rmSync(json, { force: true });
    rmSync(tmp, { force: true });
  }
}

function hasParquet(folder: string): boolean {
  if (!existsSync(folder)) return false;
  return readdirSync(folder, { recursive: true, encoding: "utf8" }).some((name) => name.toLowerCase().endsWith(".parquet"));
}

/** Column name → DuckDB type, in the stored order (files in a folder are read by position). */
async function storedSchema(connection: DuckDBConnection, dialect: DuckDBDialect, file: string): Promise<[string, string][]> {
  const result = await run(connection, `DESCRIBE SELECT * FROM read_parquet(${dialect.stringLiteral(file)})`);
  const described = (await result.getRowObjectsJS()) as { column_name: string; column_type: string }[];
  return described.map((r) => [r.column_name, r.column_type]);
}

/** A new source's columns: the view's join keys, timestamps and features, named as in the source. */
function declaredSchema(view: FeatureViewInfo): [string, string][] {
  const source = view.batchSource;
  const reverse = new Map(Object.entries(source.fieldMapping).map(([column, name]) => [name, column]));
  const named = (name: string) => reverse.get(name) ?? name;
  const columns: [string, string][] = view.joinKeys.filter((k) => k.name !== DUMMY_ENTITY_ID).map((k) => [named(k.name), duckdbType(k.dtype ?? "String")]);
  columns.push([named(source.timestampField), "TIMESTAMP WITH TIME ZONE"]);
  if (source.createdTimestampColumn) columns.push([named(source.createdTimestampColumn), "TIMESTAMP WITH TIME ZONE"]);
  for (const f of view.inputColumns ?? view.features) columns.push([named(f.name), duckdbType(f.dtype ?? "String")]);
  return columns;
}

/** As Feast: the pushed columns must be exactly the source's columns. */
function checkColumns(view: FeatureViewInfo, target: string, schema: [string, string][], rows: OfflineRows): void {
  const stored = new Set(schema.map(([name]) => name));
  const given = Object.keys(rows.columns);
  const missing = [...stored].filter((c) => !(c in rows.columns));
  const extra = given.filter((c) => !stored.has(c));
  if (missing.length === 0 && extra.length === 0) return;
  const problems = [missing.length ? `lacks ${missing.join(", ")}` : "", extra.length ? `has ${extra.join(", ")}, which the source does not` : ""].filter(Boolean);
  throw new SchemaMismatchError(
    `push to the offline store: the rows for feature view ${view.name} ${problems.join(" and ")} (source ${view.batchSource.name} at ${target})`,
    `push exactly the source's columns: ${[...stored].join(", ")}`,
  );
}

/** The rows as JSON lines; dates as ISO strings, int64s as decimal strings, bytes as base64. */
function ndjson(schema: [string, string][], rows: OfflineRows): string {
  const lines: string[] = new Array(rows.rowCount);
  for (let i = 0; i < rows.rowCount; i++) {
    const row: Record<string, unknown> = {};
    for (const [name] of schema) {
      const value = rows.columns[name]![i] ?? null;
      row[name] = value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value;
    }
    lines[i] = JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  }
  return lines.join("\n") + "\n";
}

/** How a stored type is read from the JSON lines before the cast to it. */
function jsonType(stored: string): string {
  if (stored === "BLOB") return "VARCHAR";
  if (isTimestampType(stored)) return "TIMESTAMP WITH TIME ZONE";
  return stored;
}

function pushedSelect(dialect: DuckDBDialect, json: string, schema: [string, string][]): string {
  const columns = schema.map(([name, stored]) => `${dialect.stringLiteral(name)}: ${dialect.stringLiteral(jsonType(stored))}`).join(", ");
  const select = schema.map(([name, stored]) => {
    const q = dialect.quoteIdentifier(name);
    const expr = stored === "BLOB" ? `from_base64(${q})` : `CAST(${q} AS ${stored})`;
    return `${expr} AS ${q}`;
  }).join(", ");
  return `SELECT ${select} FROM read_json(${dialect.stringLiteral(json)}, format = 'newline_delimited', columns = {${columns}})`;
}
