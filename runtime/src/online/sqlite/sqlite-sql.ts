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
 * The most features {@link createEntityStagingSql} stages per entity row (two columns each, under
 * SQLite's default limit of 2,000 columns); wider views stage a row per feature.
 */
export const ENTITY_STAGING_MAX_FEATURES = 990;

/**
 * A bulk write's staging table with one row per entity: its key, times, and per feature `v{f}`
 * (the Value bytes) and `t{f}` (Feast's value_text). A tenth of the rows (for 10 features) and
 * fewer parameters than a row per feature: staging costs less than SQLite's B-trees then do.
 */
export function createEntityStagingSql(staging: string, features: number): string {
  const values = Array.from({ length: features }, (_, f) => `v${f} BLOB, t${f} TEXT`).join(", ");
  return `CREATE TEMP TABLE ${quoteId(staging)} (entity_key BLOB, event_ts INTEGER, created_ts INTEGER${features ? `, ${values}` : ""})`;
}

export function insertEntityStagingSql(staging: string, features: number, rows: number): string {
  const one = `(${Array(3 + 2 * features).fill("?").join(", ")})`;
  return `INSERT INTO temp.${quoteId(staging)} VALUES ${Array(rows).fill(one).join(", ")}`;
}

/** The feature names of an entity staging table, `(i, name)`, inserted in the table's key order. */
export function createStagingNamesSql(names: string): string {
  return `CREATE TEMP TABLE ${quoteId(names)} (i INTEGER, name TEXT)`;
}

export function insertStagingNameSql(names: string): string {
  return `INSERT INTO temp.${quoteId(names)} (i, name) VALUES (?, ?)`;
}

/** Indexes staged entities by key (the rowid after it keeps the order they were staged in). */
export function indexEntityStagingSql(staging: string): string {
  return `CREATE INDEX temp.${quoteId(`${staging}_ek`)} ON ${quoteId(staging)} (entity_key)`;
}

/**
 * Expands staged entities into Feast's rows, entity by entity in key order (the index) and
 * feature by feature in name order (the names table), so every B-tree of the view's table is
 * written front to back; later staged rows win over equally new ones, as later writes do. A
 * column is picked by a balanced CASE on the feature index: log2(features) comparisons a row.
 */
export function mergeEntityStagingSql(table: string, staging: string, names: string, features: number): string {
  const pick = (prefix: string, from: number, to: number): string => {
    if (to - from === 1) return `s.${prefix}${from}`;
    const mid = (from + to) >> 1;
    return `CASE WHEN n.i < ${mid} THEN ${pick(prefix, from, mid)} ELSE ${pick(prefix, mid, to)} END`;
  };
  const columns = WRITE_COLUMNS.join(", ");
  return `INSERT INTO ${quoteId(table)} (${columns}) SELECT s.entity_key, n.name, ${pick("v", 0, features)}, ${pick("t", 0, features)}, s.event_ts, s.created_ts `
    + `FROM temp.${quoteId(staging)} AS s INDEXED BY ${quoteId(`${staging}_ek`)} CROSS JOIN temp.${quoteId(names)} AS n WHERE true ${UPSERT}`;
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
