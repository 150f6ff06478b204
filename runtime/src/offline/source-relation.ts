import * as path from "node:path";
import type { Dtype } from "../definitions/dtypes";
import { InvalidArgumentError } from "../errors";
import type { ColumnInfo, FeatureViewInfo, SourceInfo } from "../registry/catalog";
import { DUMMY_ENTITY_ID } from "../registry/to-proto";

/** Where a source's rows live, in terms every dialect can spell. */
export type SourceLocation =
  | { kind: "file"; path: string; s3EndpointOverride?: string }
  /** `parts`: the name's parts when they are quoted one by one (Snowflake's database, schema, table). */
  | { kind: "table"; table: string; parts?: string[] }
  | { kind: "query"; query: string };

/** One column a plan reads from a source, under its Skewless name. */
export interface SourceColumn {
  /** The feature or join key name. */
  name: string;
  /** The column in the source data (`field_mapping` reversed). */
  sourceColumn: string;
  valueType: number;
  dtype?: Dtype;
  /** Set by a store that inspected the data: the stored type is narrower and must be cast to `dtype`. */
  cast?: boolean;
  /** A constant instead of a column: Feast's entityless views join on `__dummy_id = ''`. */
  constant?: string;
}

export interface TimestampColumn {
  sourceColumn: string;
  /** The stored type is not the dialect's UTC timestamp (naive, date, other unit) and must be converted. */
  cast?: boolean;
}

/**
 * A view's source as a relation of Skewless names: the one place that applies `field_mapping`,
 * shared by point-in-time retrieval and materialization so both read the same columns.
 */
export interface SourceRelation {
  viewName: string;
  sourceName: string;
  location: SourceLocation;
  joinKeys: SourceColumn[];
  features: SourceColumn[];
  eventTimestamp: TimestampColumn;
  createdTimestamp?: TimestampColumn;
  /**
   * The stored columns of every feature of the view (not only those asked for), hashed into the
   * row's tie-break (`TIE`): a training set of one feature and a materialization of all of them
   * must pick the same row among exact ties.
   */
  tieBreakColumns: { column: string; dtype?: Dtype }[];
}

/** Internal column names in generated SQL (`__` is reserved, as in Feast). */
export const EVENT_TS = "__event_ts";
export const CREATED_TS = "__created_ts";
export const TIE = "__tie";

/**
 * The relation for `view`'s batch source with `features` (default: all). Relative file paths are
 * resolved against `repoPath`, as Feast resolves them against the repo.
 */
export function sourceRelation(view: FeatureViewInfo, repoPath: string, features: readonly ColumnInfo[] = view.features): SourceRelation {
  const source = view.batchSource;
  const reverse = reverseMapping(source.fieldMapping);
  const column = (c: ColumnInfo): SourceColumn => ({
    name: c.name, sourceColumn: reverse.get(c.name) ?? c.name, valueType: c.valueType, dtype: c.dtype,
  });
  const joinKeys = view.joinKeys.map((k) => (k.name === DUMMY_ENTITY_ID ? { ...column(k), constant: "" } : column(k)));
  if (!source.timestampField) {
    throw new InvalidArgumentError(
      `feature view ${view.name}: source ${source.name || "(unnamed)"} has no timestamp field`,
      "set timestampField on the source so rows can be placed in time",
    );
  }
  return {
    viewName: view.name,
    sourceName: source.name,
    location: sourceLocation(view.name, source, repoPath),
    joinKeys,
    features: features.map(column),
    eventTimestamp: { sourceColumn: reverse.get(source.timestampField) ?? source.timestampField },
    createdTimestamp: source.createdTimestampColumn
      ? { sourceColumn: reverse.get(source.createdTimestampColumn) ?? source.createdTimestampColumn }
      : undefined,
    tieBreakColumns: (view.inputColumns ?? view.features).map((f) => ({ column: reverse.get(f.name) ?? f.name, dtype: f.dtype })),
  };
}

function sourceLocation(viewName: string, source: SourceInfo, repoPath: string): SourceLocation {
  if (source.type === "file" && source.path) {
    const isUri = /^[a-z][a-z0-9+.-]*:\/\//i.test(source.path);
    return {
      kind: "file", path: isUri ? source.path : path.resolve(repoPath, source.path),
      ...(source.s3EndpointOverride ? { s3EndpointOverride: source.s3EndpointOverride } : {}),
    };
  }
  if (source.type === "bigquery" && (source.table || source.query)) {
    // Feast writes `project:dataset.table`; SQL wants `project.dataset.table`.
    return source.table ? { kind: "table", table: source.table.replace(":", ".") } : { kind: "query", query: source.query ?? "" };
  }
  if (source.type === "snowflake" && (source.table || source.query)) {
    // Feast's get_table_query_string: "database"."schema"."table" when a database is given, else the table as written.
    if (!source.table) return { kind: "query", query: source.query ?? "" };
    if (!source.database) return { kind: "table", table: source.table };
    const parts = [source.database, source.schema || "PUBLIC", source.table];
    return { kind: "table", table: parts.join("."), parts };
  }
  throw new InvalidArgumentError(
    `feature view ${viewName}: source ${source.name || "(unnamed)"} (${source.type}) has no offline data to read`,
    "give the view a FileSource, BigQuerySource or SnowflakeSource (a PushSource needs a batchSource)",
  );
}

function reverseMapping(fieldMapping: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(fieldMapping).map(([sourceColumn, name]) => [name, sourceColumn]));
}

/** For a stream view's aggregations: the event columns the requested features read (undefined for other views). */
export function aggregationInputs(requested: { view: FeatureViewInfo; features: readonly ColumnInfo[] }): ColumnInfo[] | undefined {
  const aggregations = requested.view.aggregations;
  if (!aggregations) return undefined;
  const wanted = new Set(requested.features.map((f) => aggregations.find((a) => a.name === f.name)?.column.name));
  return (requested.view.inputColumns ?? []).filter((c) => wanted.has(c.name));
}
