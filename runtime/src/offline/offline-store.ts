import type { FeatureViewInfo } from "../registry/catalog";
import type { RequestedView } from "../registry/feature-refs";
import type { EntityDataFrame } from "./entity-data";
import type { RetrievalJob } from "./retrieval-job";

/**
 * One batch of rows read from a view's source, column by column, aligned by index. Values are
 * JavaScript values of the declared types: Int64 and UnixTimestamp-as-int as `bigint`, Int32 and
 * floats as `number`, String as `string`, Bool as `boolean`, Bytes as `Uint8Array`, timestamps as
 * `Date`, arrays as arrays; a missing value is `null`.
 */
export interface PulledBatch {
  rowCount: number;
  /** One column per join key, in `view.joinKeys` order. */
  joinKeyColumns: unknown[][];
  /** One column per feature, in `view.features` order (or the subset asked for). */
  featureColumns: unknown[][];
  /** Each row's event timestamp. */
  eventTimestamps: Date[];
  /** Each row's created timestamp, when the source has a created-timestamp column. */
  createdTimestamps?: (Date | null)[];
  /** On the first batch, when the store knows it: how many rows the whole pull yields (progress ETA). */
  totalRows?: number;
}

/** Rows for `writeBatch`, as columns named as in the batch source (before its field mapping). */
export interface OfflineRows {
  rowCount: number;
  columns: Record<string, unknown[]>;
}

export interface OfflineWriteResult {
  /** The batch source written. */
  source: string;
  /** The file that now holds the rows. */
  path: string;
  rows: number;
}

export interface PullLatestOptions {
  /** Rows per batch (default chosen by the store). */
  batchRows?: number;
  /**
   * Every row with `start <= event_timestamp <= end`, not only the latest per entity key (Feast's
   * `pull_all_from_table_or_query`): what a windowed aggregation's tile backfill reads.
   */
  allRows?: boolean;
}

/** A point-in-time retrieval, with features already resolved against the registry. */
export interface HistoricalRetrievalRequest {
  entityDf: EntityDataFrame;
  views: readonly RequestedView[];
  /** Ignore source rows created after the entity timestamp (late data). Default false, as in Feast. */
  createdTimestampCutoff?: boolean;
  /** Add `<view>__event_timestamp` (and `__created_timestamp`) columns saying which source row was chosen. */
  includeSourceTimestamps?: boolean;
}

/**
 * The offline store: where history lives (parquet files via DuckDB, BigQuery, ...). One
 * implementation per backend; `FeatureStore` picks it from `offline_store.type`.
 */
export interface OfflineStore {
  /**
   * For materialization: per entity key, the latest row with `start <= event_timestamp <= end`
   * (greatest event timestamp, then created timestamp, then tie-break hash of the view's feature
   * values: the order `getHistoricalFeatures` uses too), streamed in batches.
   */
  pullLatest(view: FeatureViewInfo, start: Date, end: Date, options?: PullLatestOptions): AsyncIterable<PulledBatch>;
  /**
   * Point-in-time correct feature values for every entity row: per view, the source row with the
   * same join keys in `[entity_ts - ttl, entity_ts]` that is latest in `pullLatest`'s order.
   * Checks inputs and sources before returning the job.
   */
  getHistoricalFeatures(request: HistoricalRetrievalRequest): Promise<RetrievalJob>;
  /**
   * Reads the view's source schema and checks every column against the declaration, as a
   * retrieval would: SchemaMismatchError for a missing column or a contradicting type,
   * DataSourceNotFoundError when the source is not there. Nothing else is read.
   */
  checkSource(view: FeatureViewInfo): Promise<void>;
  /**
   * Feast's `offline_write_batch`: appends rows to the view's batch source, so later point-in-time
   * joins see them. Optional: a store without it refuses pushes to the offline store.
   */
  writeBatch?(view: FeatureViewInfo, rows: OfflineRows): Promise<OfflineWriteResult>;
  /** Releases connections and temporary files. */
  close(): Promise<void>;
}
