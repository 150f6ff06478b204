import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

/** Runs `COPY (select) TO file` in a throwaway DuckDB: a real parquet file for a source. */
export async function writeParquet(file: string, select: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Every row of a parquet file or glob, ordered by `orderBy`, as JS values. */
export async function readParquet(fileOrGlob: string, orderBy: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    const result = await connection.run(`SELECT * FROM read_parquet('${fileOrGlob}') ORDER BY ${orderBy}`);
    return (await result.getRowObjectsJS()) as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
