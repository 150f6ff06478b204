import { ValueType } from "../definitions/dtypes";
import { InvalidArgumentError, SchemaMismatchError } from "../errors";
import type { AggregationInfo } from "../registry/aggregation-catalog";
import type { RequestedView } from "../registry/feature-refs";
import type { SourceLocation, SourceRelation } from "./source-relation";

/** The entity rows as a relation: where they are, their columns in output order, and their order. */
export interface EntityRelation {
  location: SourceLocation;
  /** For messages: "entityDf (rows)", "entityDf (file x.parquet)", ... */
  description: string;
  /** A column (or pseudo-column) numbering the rows in input order. */
  rowId: string;
  /** The column holding each row's point in time. */
  timestampColumn: string;
  /** The rows' own columns, in output order (without `rowId`). */
  columns: string[];
  /** Earliest and latest entity timestamps, when known: sources are pruned to what can match. */
  timeRange?: { min: Date; max: Date };
  /** How many entity rows there are, when known. */
  rowCount?: number;
}

/** One requested view's part of the plan. */
export interface ViewJoin {
  /** A name unique in the query (`fv0`, `fv1`, ...), for CTEs and table aliases. */
  alias: string;
  source: SourceRelation;
  /** Equality conditions: the entity column that carries each of the view's join keys. */
  keys: { entityColumn: string; sourceColumn: string }[];
  /** Lookback window; 0 = unbounded. Both ends are inclusive. */
  ttlSeconds: number;
  /** Features in request order: the source relation's name and the output column name. */
  /** `floating`: a Float32/Float64 feature, whose NaN comes back as null (see SqlDialect.nanAsNull). */
  features: { name: string; outputName: string; floating: boolean }[];
  /** Ignore source rows created after the entity timestamp (late data). */
  createdTimestampCutoff: boolean;
  /** Output names for the chosen row's event (and created) timestamp, when asked for. */
  sourceTimestampNames?: { event: string; created?: string };
  /**
   * A stream view's windowed aggregations, aligned with `features` (whose names they produce):
   * per entity row, over source rows with the same keys and event time in the window that ends
   * with the slide tile holding the entity timestamp (see docs/aggregations.md), never after it.
   */
  aggregations?: AggregationInfo[];
}

/**
 * The point-in-time join, once, for every engine: for each entity row and each view, the source
 * row with the same join keys and `entity_ts - ttl <= ts <= entity_ts` that comes first in the
 * total order every path shares (`latestFirst`: greatest event timestamp `ts`, then greatest
 * created timestamp, then greatest hash of the view's feature values); no match gives nulls. Every entity row is kept, in input order. Dialects only decide the spelling.
 */
export interface PointInTimePlan {
  entity: EntityRelation;
  views: ViewJoin[];
  /** Entity columns, then features (and source timestamps when asked for), in order. */
  outputColumns: string[];
}

export interface PointInTimeOptions {
  createdTimestampCutoff?: boolean;
  /** Add `<view>__event_timestamp` (and `<view>__created_timestamp`) columns: which row was chosen. */
  includeSourceTimestamps?: boolean;
}

/**
 * Builds the plan for `views` (as resolved from feature references) over their `sources`
 * (aligned by index). Checks the entity relation has the timestamp and join key columns, and that
 * no output column is produced twice.
 */
export function planPointInTime(
  views: readonly RequestedView[], sources: readonly SourceRelation[], entity: EntityRelation, options: PointInTimeOptions = {},
): PointInTimePlan {
  const has = new Set(entity.columns);
  if (!has.has(entity.timestampColumn)) {
    throw new SchemaMismatchError(
      `${entity.description} has no ${entity.timestampColumn} column (its columns: ${entity.columns.join(", ") || "none"})`,
      `add an ${entity.timestampColumn} column: the point in time each row asks about (a timestamp, ISO string or date)`,
    );
  }
  const joins = views.map((requested, i): ViewJoin => {
    const source = sources[i];
    const keys = source.joinKeys
      .filter((k) => k.constant === undefined)
      .map((k) => ({ entityColumn: requested.entityColumns[k.name] ?? k.name, sourceColumn: k.name }));
    for (const key of keys) {
      if (!has.has(key.entityColumn)) {
        throw new SchemaMismatchError(
          `${entity.description} has no ${key.entityColumn} column, the join key of feature view ${requested.view.name}` +
            (key.entityColumn !== key.sourceColumn ? ` (its ${key.sourceColumn}, renamed by the feature service)` : ""),
          `add a ${key.entityColumn} column to the entity data (its columns: ${entity.columns.join(", ")})`,
        );
      }
    }
    const aggregations = requested.view.aggregations
      ? requested.features.map((f) => requested.view.aggregations!.find((a) => a.name === f.name)!)
      : undefined;
    return {
      alias: `fv${i}`,
      source,
      keys,
      // an aggregated view reads back its longest window (this bound also prunes the source)
      ttlSeconds: aggregations ? Math.max(...aggregations.map((a) => a.windowSeconds)) : requested.view.ttlSeconds,
      aggregations,
      features: requested.features.map((f, j) => ({
        name: f.name, outputName: requested.outputNames[j], floating: f.valueType === ValueType.FLOAT || f.valueType === ValueType.DOUBLE,
      })),
      createdTimestampCutoff: Boolean(options.createdTimestampCutoff),
      sourceTimestampNames: options.includeSourceTimestamps
        ? {
            event: `${requested.prefix}__event_timestamp`,
            created: source.createdTimestamp ? `${requested.prefix}__created_timestamp` : undefined,
          }
        : undefined,
    };
  });
  const outputColumns = [
    ...entity.columns,
    ...joins.flatMap((j) => [
      ...j.features.map((f) => f.outputName),
      ...(j.sourceTimestampNames ? [j.sourceTimestampNames.event, ...(j.sourceTimestampNames.created ? [j.sourceTimestampNames.created] : [])] : []),
    ]),
  ];
  const seen = new Set<string>();
  for (const [i, name] of outputColumns.entries()) {
    if (seen.has(name)) {
      throw new InvalidArgumentError(
        i >= entity.columns.length && has.has(name)
          ? `${entity.description} already has a column ${name}, which is also a requested feature`
          : `output column ${name} would appear twice`,
        "rename the entity column, or pass fullFeatureNames: true to name features view__feature",
      );
    }
    seen.add(name);
  }
  return { entity, views: joins, outputColumns };
}

/** Bounds on a view's source rows that can match any entity row: (min - ttl) to max. */
export function eventTimeBounds(join: ViewJoin, entity: EntityRelation): { from?: Date; to?: Date } {
  if (!entity.timeRange) return {};
  const { min, max } = entity.timeRange;
  return {
    from: join.ttlSeconds > 0 ? new Date(min.getTime() - join.ttlSeconds * 1000) : undefined,
    to: max,
  };
}
