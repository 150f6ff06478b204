import type { ValueGrid } from "./value-grid";

/**
 * A feature view as the online store lays it out: the name (a SQLite table `{project}_{name}`, a
 * Redis hash-field namespace), its join keys and its features.
 */
export interface OnlineTable {
  name: string;
  joinKeys: readonly string[];
  features: readonly string[];
}

/** One entity's latest values for a view, ready to store. */
export interface OnlineRow {
  /** Serialized entity key (Feast's `serialize_entity_key`, without the project). */
  entityKey: Buffer;
  /**
   * Every feature's serialized `feast.types.Value`, in `OnlineTable.features` order, packed as
   * `u32 little-endian length ‖ bytes` (an empty Value is null). One buffer per row instead of one
   * per value: materialization writes millions of rows. See `packValues` / `unpackValues`.
   */
  packedValues: Buffer;
  eventTime: Date;
  createdTime?: Date | null;
}

/** What a write did: stores that keep the newest row (Redis) skip rows that are not newer. */
export interface WriteResult {
  written: number;
  skipped: number;
}

/** Read some features of one view for many entities. */
export interface OnlineReadRequest {
  table: OnlineTable;
  /** The features to read (a subset of `table.features`, in the order results should have). */
  features: readonly string[];
  entityKeys: readonly Buffer[];
}

/** The answer to one {@link OnlineReadRequest}, aligned with its entity keys. */
export interface OnlineReadResult {
  /** Per entity: the stored event time in epoch milliseconds, or undefined when the entity has no row. */
  eventTimes: (number | undefined)[];
  /** Per entity, per requested feature: the serialized Value, or absent. */
  values: ValueGrid;
}

/** One view's materialization written as a unit: rows become visible at `commit`. */
export interface BulkWrite {
  write(rows: readonly OnlineRow[]): Promise<WriteResult>;
  /** Makes every written row visible; returns how many rows were stored (not those older than what was stored). */
  commit(): Promise<number>;
  /** Discards what was written (after a failure). */
  abort(): Promise<void>;
}

/** What `apply` asks of the online store: tables for current views, cleanup for removed ones. */
export interface OnlineInfraUpdate {
  keep: readonly OnlineTable[];
  remove: readonly OnlineTable[];
}

/**
 * The online store: the latest feature values per entity, laid out byte for byte as Feast lays
 * them out, so Feast's SDK and Skewless read each other's data. One implementation per backend
 * (`SqliteOnlineStore`, `RedisOnlineStore`); `openOnlineStore` picks one from `online_store.type`.
 */
export interface OnlineStore {
  /** `sqlite` or `redis`: what `apply` prints and which infra objects it records. */
  readonly type: string;
  /**
   * True when writes never replace a stored row with an older one. On an equal event time Redis
   * keeps the stored row (nanosecond times: equal is the same instant, and the same row under the
   * offline total order); SQLite takes the incoming one (whole seconds: equal is the same second).
   */
  readonly skipsStaleWrites: boolean;
  /** Rows per write that suit the backend, for materialization (default 10,000). */
  readonly preferredBatchRows?: number;
  /** Creates what views need (SQLite tables) and removes the data of removed views. Idempotent. */
  update(change: OnlineInfraUpdate): Promise<void>;
  /** Writes one batch of rows of a view. Pipelined/transactional per batch; safe to repeat. */
  write(table: OnlineTable, rows: readonly OnlineRow[]): Promise<WriteResult>;
  /** Optional: a faster path for writing a whole materialization of one view (SQLite stages and merges in key order). */
  bulkWrite?(table: OnlineTable): Promise<BulkWrite>;
  /** Reads many views for many entities, in as few round trips as the backend allows (Redis: one). */
  read(requests: readonly OnlineReadRequest[]): Promise<OnlineReadResult[]>;
  /** Removes every row of these views. */
  teardown(tables: readonly OnlineTable[]): Promise<void>;
  /** Closes connections. */
  close(): Promise<void>;
}
