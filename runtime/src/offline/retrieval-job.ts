import type { Table } from "apache-arrow";

/** What `toParquet` wrote. */
export interface ParquetWriteResult {
  path: string;
  rows: number;
}

export interface ParquetWriteOptions {
  /** Key-value pairs for the parquet footer (Skewless puts the lineage manifest there). */
  metadata?: Readonly<Record<string, string>>;
  /**
   * `FeatureStore.getHistoricalFeatures` jobs: write the lineage manifest (footer + `<file>.manifest.json`)
   * and `<file>.entities.parquet` beside the set. Default true; false writes the parquet alone.
   */
  lineage?: boolean;
}

/** The entity rows a job was prepared for, as loaded. */
export interface EntitySummary {
  /** Their columns, in order (`event_timestamp` among them). */
  columns: readonly string[];
  /** The earliest and latest `event_timestamp` (undefined when there are no rows). */
  timeRange?: { min: Date; max: Date };
  /** How many entity rows there are (the training set has as many). */
  rows?: number;
  /** The parquet file the rows were read from, when they came from exactly one file. */
  file?: string;
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
  /** The entity rows the job answers for. */
  readonly entity: EntitySummary;
  /** Every row as an object: Int64 as bigint, Int32 and floats as number, timestamps as Date. */
  toRows(): Promise<Record<string, unknown>[]>;
  /** An Arrow table with the stored types (Int32 stays Int32, timestamps are UTC microseconds). */
  toArrow(): Promise<Table>;
  /**
   * Streams the result into a parquet file (written whole or not at all). The same inputs always
   * give the same bytes, so a training set can be rebuilt and compared by hash.
   */
  toParquet(path: string, options?: ParquetWriteOptions): Promise<ParquetWriteResult>;
  /** Writes the entity rows, as loaded and in order, to a parquet file (kept with a saved dataset for rebuilds). */
  entityRowsToParquet(path: string): Promise<ParquetWriteResult>;
  /** Releases the job's temporary data; `FeatureStore.close()` also does it. */
  close(): Promise<void>;
}

/** Where and how `persist` stores a saved dataset (Feast's `SavedDatasetFileStorage`). */
export interface SavedDatasetStorage {
  /** A parquet path (relative to the feature repo) or URI. */
  path: string;
}

/** Feast's `create_saved_dataset` arguments, camelCased. */
export interface PersistOptions {
  name: string;
  storage: SavedDatasetStorage | string;
  tags?: Readonly<Record<string, string>>;
  /** Replace an existing file at the storage path (Feast's `allow_overwrite`). Default false. */
  allowOverwrite?: boolean;
  description?: string;
}

/** What `persist` wrote: the registry's saved dataset, the file and its manifest. */
export interface PersistResult {
  name: string;
  path: string;
  rows: number;
  /** SHA-256 of the parquet file. */
  sha256: string;
  manifestPath: string;
  entityRowsPath: string;
}

/**
 * The job `FeatureStore.getHistoricalFeatures` returns: a retrieval job whose parquet output carries
 * a lineage manifest, and which can be saved as a Feast saved dataset.
 */
export interface HistoricalRetrievalJob extends RetrievalJob {
  /**
   * Writes the training set, its manifest and its entity rows, and records a Feast `SavedDataset`
   * in the registry (features, join keys, storage, feature service, tags, event time range).
   */
  persist(options: PersistOptions): Promise<PersistResult>;
}
