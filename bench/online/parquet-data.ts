import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * A parquet source for the end-to-end run: `rows` entities (one row each, so every row is
 * materialized) with `features` columns of the bench view's dtype mix, written by DuckDB.
 * Returns undefined when this build has no DuckDB offline store to read it with.
 */
export async function writeParquet(rows: number, features: number): Promise<{ file: string; remove(): void } | undefined> {
  const runtime = require("@skewless/runtime") as Record<string, unknown>;
  if (!("DuckDBOfflineStore" in runtime)) return undefined;
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const dir = mkdtempSync(path.join(os.tmpdir(), "skewless-bench-parquet-"));
  const file = path.join(dir, "source.parquet");
  const sqlType = ["FLOAT", "DOUBLE", "BIGINT", "INTEGER", "FLOAT", "VARCHAR", "DOUBLE", "BIGINT", "FLOAT", "BOOLEAN"];
  const expr = (i: number) => {
    const t = sqlType[i % sqlType.length];
    if (t === "VARCHAR") return `'v' || (range % 997)::VARCHAR AS f${i}`;
    if (t === "BOOLEAN") return `(range % 2 = 0) AS f${i}`;
    return `((range * ${i + 7}) % 100000)::${t} AS f${i}`;
  };
  const columns = Array.from({ length: features }, (_, i) => expr(i)).join(", ");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(`COPY (SELECT range::BIGINT AS user_id, TIMESTAMPTZ '2024-04-30 12:00:00+00' AS event_timestamp, ${columns} FROM range(${rows})) TO '${file}' (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
