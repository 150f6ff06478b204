import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { collectDefinitions, Entity, FeatureStore, FeatureView, FileSource } from "@skewless/runtime/internal";
import { MULTI_FEATURES, MULTI_VIEWS, type BenchFiles } from "./offline-data";

/** DuckDB settings for every contender: the machine has 2 cores; the bar is 3 GB of peak RSS. */
export const DUCKDB_THREADS = 2;
export const DUCKDB_MEMORY_LIMIT = "2GB";
const TTL_DAYS = 30;

export function repoDir(files: BenchFiles): string {
  return path.join(files.dir, "repo");
}

/** A feature repo over the cached files: the 3-feature view with and without its created column, and 10 wide views. */
export async function setUpRepo(files: BenchFiles): Promise<void> {
  const dir = repoDir(files);
  mkdirSync(path.join(dir, "data"), { recursive: true });
  writeFileSync(path.join(dir, "feature_store.yaml"), "project: bench\nregistry: data/registry.db\nprovider: local\noffline_store:\n  type: file\n");
  // DuckDB tuning goes through the environment, so the yaml stays one Feast can read too.
  process.env.SKEWLESS_DUCKDB_THREADS = String(DUCKDB_THREADS);
  process.env.SKEWLESS_DUCKDB_MEMORY_LIMIT = DUCKDB_MEMORY_LIMIT;
  const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
  const schema = [{ name: "spend", dtype: "Float64" }, { name: "visits", dtype: "Int32" }, { name: "ratio", dtype: "Float32" }] as const;
  const plain = new FeatureView({
    name: "user_features", entities: [user], ttl: `${TTL_DAYS}d`, schema: [...schema],
    source: new FileSource({ name: "user_features_source", path: files.features, timestampField: "event_timestamp" }),
  });
  const created = new FeatureView({
    name: "user_features_created", entities: [user], ttl: `${TTL_DAYS}d`, schema: [...schema],
    source: new FileSource({ name: "user_features_created_source", path: files.features, timestampField: "event_timestamp", createdTimestampColumn: "created" }),
  });
  const wide = Array.from({ length: MULTI_VIEWS }, (_, v) => new FeatureView({
    name: `wide_${v}`, entities: [user], ttl: `${TTL_DAYS}d`,
    schema: Array.from({ length: MULTI_FEATURES }, (_, f) => ({ name: `f${f}`, dtype: "Float32" as const })),
    source: new FileSource({ name: `wide_${v}_source`, path: files.multiView(v), timestampField: "event_timestamp" }),
  }));
  const store = await FeatureStore.open(dir);
  try {
    await store.apply(collectDefinitions([user, plain, created, ...wide]));
  } finally {
    await store.close();
  }
}

/** getHistoricalFeatures(...).toParquet() through the public API. */
export async function runSkewless(files: BenchFiles, view: string, out: string, lineage = true): Promise<Record<string, unknown>> {
  const store = await FeatureStore.open(repoDir(files));
  try {
    const job = await store.getHistoricalFeatures({ entityDf: files.entities, features: [`${view}:spend`, `${view}:visits`, `${view}:ratio`] });
    const written = await job.toParquet(out, { lineage });
    await job.close();
    return { rows: written.rows };
  } finally {
    await store.close();
  }
}

/** `views` wide views x 20 features joined in one call. */
export async function runSkewlessWide(files: BenchFiles, views: number, out: string): Promise<Record<string, unknown>> {
  const store = await FeatureStore.open(repoDir(files));
  try {
    const features = Array.from({ length: views }, (_, v) => Array.from({ length: MULTI_FEATURES }, (_, f) => `wide_${v}:f${f}`)).flat();
    const job = await store.getHistoricalFeatures({ entityDf: files.multiEntities, features, fullFeatureNames: true });
    const written = await job.toParquet(out);
    await job.close();
    return { rows: written.rows, features: features.length };
  } finally {
    await store.close();
  }
}

/** The bare hand-written ASOF join: no TTL, no tie-break on created, no input order. */
export function bareAsofSql(files: BenchFiles, out: string): string {
  return `COPY (
    SELECT e.*, f.spend, f.visits, f.ratio
    FROM read_parquet('${files.entities}') e
    ASOF LEFT JOIN read_parquet('${files.features}') f ON e.user_id = f.user_id AND e.event_timestamp >= f.event_timestamp
  ) TO '${out}' (FORMAT parquet, COMPRESSION zstd)`;
}

/** A hand-written query with Skewless's semantics: TTL, tie-break on created, input order. */
export function equivalentAsofSql(files: BenchFiles, out: string): string {
  const inTtl = `f.event_timestamp >= e.event_timestamp - INTERVAL ${TTL_DAYS} DAY`;
  return `COPY (
    SELECT e.user_id, e.event_timestamp, e.label,
      CASE WHEN ${inTtl} THEN f.spend END AS spend, CASE WHEN ${inTtl} THEN f.visits END AS visits, CASE WHEN ${inTtl} THEN f.ratio END AS ratio
    FROM read_parquet('${files.entities}', file_row_number = true) e
    ASOF LEFT JOIN (
      SELECT user_id, event_timestamp, spend, visits, ratio,
        {'ts': event_timestamp, 'created': coalesce(created, '-infinity'::TIMESTAMPTZ), 'tie': hash(spend, visits, ratio)} AS k
      FROM read_parquet('${files.features}')
    ) f ON e.user_id = f.user_id AND {'ts': e.event_timestamp, 'created': 'infinity'::TIMESTAMPTZ, 'tie': 18446744073709551615::UBIGINT} >= f.k
    ORDER BY e.file_row_number
  ) TO '${out}' (FORMAT parquet, COMPRESSION zstd)`;
}

/** Runs SQL in a DuckDB configured like the offline store's. */
export async function runDuckDB(sql: string, tempDir: string): Promise<Record<string, unknown>> {
  const instance = await DuckDBInstance.create(":memory:", {
    threads: String(DUCKDB_THREADS), memory_limit: DUCKDB_MEMORY_LIMIT, temp_directory: tempDir, preserve_insertion_order: "true",
  });
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    const result = await connection.run(sql);
    return { rows: result.rowsChanged };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Rows where two outputs (same order, same columns) differ. */
export async function countDifferences(a: string, b: string): Promise<number> {
  const instance = await DuckDBInstance.create(":memory:", { threads: String(DUCKDB_THREADS) });
  const connection = await instance.connect();
  try {
    const result = await connection.runAndReadAll(`
      SELECT count(*) AS n FROM (SELECT * FROM read_parquet('${a}')) x POSITIONAL JOIN (SELECT * FROM read_parquet('${b}')) y
      WHERE x.user_id IS DISTINCT FROM y.user_id OR x.event_timestamp IS DISTINCT FROM y.event_timestamp
         OR x.spend IS DISTINCT FROM y.spend OR x.visits IS DISTINCT FROM y.visits OR x.ratio IS DISTINCT FROM y.ratio`);
    return Number(result.getRowObjectsJS()[0].n);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
