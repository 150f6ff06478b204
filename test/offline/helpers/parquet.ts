import { DuckDBInstance } from "@duckdb/node-api";

/** A column of a table written for a test: its name and DuckDB type (`BIGINT`, `TIMESTAMP`, ...). */
export type ColumnSpec = [name: string, duckdbType: string];

/** Writes the result of a DuckDB `SELECT` to a parquet file (the way test data gets onto disk). */
export async function writeParquet(file: string, select: string): Promise<void> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run(`COPY (${select}) TO '${file.replace(/'/g, "''")}' (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Writes rows (arrays aligned with `columns`) to a parquet file with exactly those column types. */
export async function writeRows(file: string, columns: ColumnSpec[], rows: unknown[][]): Promise<void> {
  await writeParquet(file, selectRows(columns, rows));
}

/** `SELECT CAST(...) AS name, ... FROM (VALUES ...)`: rows as a typed relation. */
export function selectRows(columns: ColumnSpec[], rows: unknown[][]): string {
  const casts = columns.map(([name, type], i) => `CAST(c${i} AS ${type}) AS "${name}"`).join(", ");
  if (rows.length === 0) {
    return `SELECT ${columns.map(([name, type]) => `CAST(NULL AS ${type}) AS "${name}"`).join(", ")} WHERE false`;
  }
  const values = rows.map((row) => `(${row.map(literal).join(", ")})`).join(",\n");
  return `SELECT ${casts} FROM (VALUES ${values}) AS t(${columns.map((_, i) => `c${i}`).join(", ")})`;
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (typeof value === "string") return `'${value.replace(/'/g, "''")}'`;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  throw new Error(`cannot write ${String(value)} as a literal`);
}
