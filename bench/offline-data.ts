import { existsSync, mkdirSync, renameSync } from "node:fs";
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

export const ENTITY_ROWS = 1_000_000;
export const FEATURE_ROWS = 10_000_000;
export const USERS = 200_000;
export const MULTI_VIEWS = 10;
export const MULTI_FEATURES = 20;
export const MULTI_ENTITY_ROWS = 200_000;
export const MULTI_VIEW_ROWS = 1_000_000;

export interface BenchFiles {
  dir: string;
  entities: string;
  features: string;
  multiEntities: string;
  multiView: (i: number) => string;
}

/** Where the cached data lives; generated once (deterministic hashes, not random draws). */
export function benchFiles(root: string): BenchFiles {
  const dir = path.join(root, ".bench", "offline");
  return {
    dir,
    entities: path.join(dir, "entities_1m.parquet"),
    features: path.join(dir, "user_features_10m.parquet"),
    multiEntities: path.join(dir, "multi_entities.parquet"),
    multiView: (i) => path.join(dir, `multi_view_${i}.parquet`),
  };
}

/** Writes whatever is missing: 1M entity rows, a 10M-row view with 3 features, and 10 views x 20 features. */
export async function ensureBenchData(files: BenchFiles, log: (s: string) => void): Promise<void> {
  mkdirSync(files.dir, { recursive: true });
  const instance = await DuckDBInstance.create(":memory:", { threads: "2", memory_limit: "2GB", temp_directory: path.join(files.dir, "tmp") });
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  const write = async (file: string, select: string) => {
    if (existsSync(file)) return;
    const started = Date.now();
    await connection.run(`COPY (${select}) TO '${file}.partial' (FORMAT parquet, COMPRESSION zstd)`);
    renameSync(`${file}.partial`, file);
    log(`  generated ${path.basename(file)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };
  const ts = (salt: string, days: number) => `TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds((hash(i, '${salt}') % (${days} * 86400))::BIGINT)`;
  try {
    // Feature rows: 200k users x ~50 rows over a year; created is event time plus up to an hour.
    await write(files.features, `
      SELECT (hash(i, 'u') % ${USERS})::BIGINT AS user_id, ${ts("t", 365)} AS event_timestamp,
             ${ts("t", 365)} + to_seconds((hash(i, 'c') % 3600)::BIGINT) AS created,
             (hash(i, 'a') % 1000000)::DOUBLE / 1000 AS spend, (hash(i, 'b') % 100000)::INTEGER AS visits,
             (hash(i, 'd') % 1000)::FLOAT / 7 AS ratio
      FROM range(${FEATURE_ROWS}) t(i)`);
    // Entity rows: some users unknown, timestamps over 400 days (some before any data).
    await write(files.entities, `
      SELECT (hash(i, 'eu') % ${Math.round(USERS * 1.1)})::BIGINT AS user_id, ${ts("et", 400)} AS event_timestamp, (i % 2)::INTEGER AS label
      FROM range(${ENTITY_ROWS}) t(i)`);
    await write(files.multiEntities, `
      SELECT (hash(i, 'mu') % 50000)::BIGINT AS user_id, ${ts("mt", 365)} AS event_timestamp FROM range(${MULTI_ENTITY_ROWS}) t(i)`);
    for (let v = 0; v < MULTI_VIEWS; v++) {
      const features = Array.from({ length: MULTI_FEATURES }, (_, f) => `((hash(i, ${v}, ${f}) % 1000)::FLOAT / 10) AS f${f}`).join(", ");
      await write(files.multiView(v), `
        SELECT (hash(i, ${v}, 'u') % 50000)::BIGINT AS user_id, ${ts(`v${v}`, 365)} AS event_timestamp, ${features}
        FROM range(${MULTI_VIEW_ROWS}) t(i)`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
