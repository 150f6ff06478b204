import type { FeatureViewInfo } from "../registry/catalog";

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
}

export interface PullLatestOptions {
  /** Rows per batch (default chosen by the store). */
  batchRows?: number;
}

/**
 * The offline store: where history lives (parquet files via DuckDB, BigQuery, ...). One
 * implementation per backend; `FeatureStore` picks it from `offline_store.type`.
 */
export interface OfflineStore {
  /**
   * For materialization: per entity key, the latest row (greatest event timestamp, ties broken by
   * the greatest created timestamp) with `start <= event_timestamp <= end`, streamed in batches.
   */
  pullLatest(view: FeatureViewInfo, start: Date, end: Date, options?: PullLatestOptions): AsyncIterable<PulledBatch>;
  /** Releases connections and temporary files. */
  close(): Promise<void>;
}
