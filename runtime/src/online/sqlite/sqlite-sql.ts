// The SQL Feast 0.66's SQLite online store runs, spelled once. Tests compare it as exact text.

/** A quoted identifier, as Feast's `_quote_id`. */
export function quoteId(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** `{project}_{view}`: Feast's table name. */
export function tableName(project: string, view: string): string {
  return `${project}_${view}`;
}

export function createTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quoteId(table)} (entity_key BLOB, feature_name TEXT, value BLOB, value_text TEXT, vector_value BLOB, event_ts timestamp, created_ts timestamp, PRIMARY KEY(entity_key, feature_name))`;
}

export function createIndexSql(table: string): string {
  return `CREATE INDEX IF NOT EXISTS ${quoteId(`${table}_ek`)} ON ${quoteId(table)} (entity_key)`;
}

export function dropTableSql(table: string): string {
  return `DROP TABLE IF EXISTS ${quoteId(table)}`;
}

export function tableColumnsSql(table: string): string {
  return `PRAGMA table_info(${quoteId(table)})`;
}

export function addValueTextSql(table: string): string {
  return `ALTER TABLE ${quoteId(table)} ADD COLUMN value_text TEXT`;
}

export const WRITE_COLUMNS = ["entity_key", "feature_name", "value", "value_text", "event_ts", "created_ts"] as const;

/**
 * Feast's upsert, except that a stored row is never replaced by an older one: a backfill of an old
 * window must not undo a newer materialization (Feast's Redis store skips such rows too). On an
 * equal event time the incoming row wins: SQLite keeps whole seconds, so "equal" mostly means "the
 * same second", where the later write (a later incremental window) carries the later row; and the
 * same data always materializes the same row (the offline total order), so rewriting it is a no-op.
 * A stored row without an event time is always replaced.
 */
const UPSERT = `ON CONFLICT(entity_key, feature_name) DO UPDATE SET ${WRITE_COLUMNS.filter((c) => c !== "entity_key" && c !== "feature_name").map((c) => `${c} = excluded.${c}`).join(", ")} WHERE event_ts IS NULL OR excluded.event_ts >= event_ts`;

/** The upsert, for `rows` rows per statement (one row per entity and feature). */
export function upsertSql(table: string, rows: number): string {
  const one = `(${WRITE_COLUMNS.map(() => "?").join(", ")})`;
  return `INSERT INTO ${quoteId(table)} (${WRITE_COLUMNS.join(", ")}) VALUES ${Array(rows).fill(one).join(", ")} ${UPSERT}`;
}

/** A bulk write's staging table: the rows of a whole materialization, appended without indexes. */
export function createStagingSql(staging: string): string {
  return `CREATE TEMP TABLE ${quoteId(staging)} (entity_key BLOB, feature_name TEXT, value BLOB, value_text TEXT, event_ts INTEGER, created_ts INTEGER)`;
}

export function insertStagingSql(staging: string, rows: number): string {
  const one = `(${WRITE_COLUMNS.map(() => "?").join(", ")})`;
  return `INSERT INTO temp.${quoteId(staging)} (${WRITE_COLUMNS.join(", ")}) VALUES ${Array(rows).fill(one).join(", ")}`;
}

/**
 * Moves staged rows into the table in key order, so each B-tree is written front to back instead
 * of at random; later staged rows win over equally new ones, as later writes do. (`WHERE true` is SQLite's required
 * disambiguation between a SELECT and an upsert clause.)
 */
export function mergeStagingSql(table: string, staging: string): string {
  const columns = WRITE_COLUMNS.join(", ");
  return `INSERT INTO ${quoteId(table)} (${columns}) SELECT ${columns} FROM temp.${quoteId(staging)} WHERE true ORDER BY entity_key, feature_name, rowid ${UPSERT}`;
}

export function dropStagingSql(staging: string): string {
  return `DROP TABLE IF EXISTS temp.${quoteId(staging)}`;
}

/**
 * Every stored feature of one entity as a single row: the feature names joined by 0x1E, each
 * value's length in bytes (-1 for a NULL value) joined by commas, every value in hex, concatenated
 * in the same order, and the latest event time. Feast reads all features of an entity and keeps
 * the requested ones; one row of three strings per entity instead of a row and two blobs per
 * feature is what keeps large reads cheap.
 */
export function selectEntitySql(table: string): string {
  return `SELECT group_concat(ifnull(feature_name, ''), char(30)), group_concat(ifnull(octet_length(value), -1)), group_concat(hex(value), ''), max(event_ts) FROM ${quoteId(table)} WHERE entity_key = ?`;
}

export function deleteAllSql(table: string): string {
  return `DELETE FROM ${quoteId(table)}`;
}
