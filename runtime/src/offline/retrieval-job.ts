import type { Table } from "apache-arrow";

/** What `toParquet` wrote. */
export interface ParquetWriteResult {
  path: string;
  rows: number;
}

/**
 * A prepared training-set query. Nothing runs until a `to*` method is called; each call runs the
 * query again. Columns: the entity rows' own columns, then the features, one row per entity row,
 * in input order.
 *
 * @example
 * const job = await store.getHistoricalFeatures({ entityDf, features: ["user_stats:clicks"] });
 * await job.toParquet("train.parquet");
 * await job.close();
 */
export interface RetrievalJob {
  /** Output column names, in order. */
  readonly columns: readonly string[];
  /** The query the offline store runs (for lineage and debugging). */
  readonly sql: string;
  /** Every row as an object: Int64 as bigint, Int32 and floats as number, timestamps as Date. */
  toRows(): Promise<Record<string, unknown>[]>;
  /** An Arrow table with the stored types (Int32 stays Int32, timestamps are UTC microseconds). */
  toArrow(): Promise<Table>;
  /** Streams the result into a parquet file (written whole or not at all). */
  toParquet(path: string): Promise<ParquetWriteResult>;
  /** Releases the job's temporary data; `FeatureStore.close()` also does it. */
  close(): Promise<void>;
}
