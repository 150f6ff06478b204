import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DuckDBInstance, type DuckDBConnection, type DuckDBMaterializedResult, type DuckDBResult } from "@duckdb/node-api";
import { QueryError } from "../../errors";

export interface DuckDBSettings {
  /** Relative paths in SQL (entity queries) resolve against this folder: the feature repo. */
  repoPath: string;
  /** Worker threads (DuckDB's default: one per core). */
  threads?: number;
  /** DuckDB's memory_limit, e.g. "2GB"; past it, joins and sorts spill to a temporary folder. */
  memoryLimit?: string;
  /** Where spills go (default: a fresh folder under the OS temp dir, removed on close). */
  tempDirectory?: string;
}

/**
 * One in-memory DuckDB database per offline store. Each retrieval gets its own connection, so its
 * temporary tables are private to it and vanish when it closes.
 */
export class DuckDBSession {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly ownedTempDir: string | undefined,
  ) {}

  static async open(settings: DuckDBSettings): Promise<DuckDBSession> {
    const ownedTempDir = settings.tempDirectory ? undefined : mkdtempSync(path.join(os.tmpdir(), "skewless-duckdb-"));
    const options: Record<string, string> = {
      file_search_path: settings.repoPath,
      temp_directory: settings.tempDirectory ?? ownedTempDir!,
      // Output order is the entity rows' order; DuckDB keeps it through scans and CTAS only with this on.
      preserve_insertion_order: "true",
    };
    if (settings.threads) options.threads = String(settings.threads);
    if (settings.memoryLimit) options.memory_limit = settings.memoryLimit;
    try {
      return new DuckDBSession(await DuckDBInstance.create(":memory:", options), ownedTempDir);
    } catch (error) {
      if (ownedTempDir) rmSync(ownedTempDir, { recursive: true, force: true });
      throw new QueryError("duckdb", `open :memory: with ${JSON.stringify(options)}`, error, "check offline_store options (threads, memory_limit, temp_directory)");
    }
  }

  /** A new connection whose session runs in UTC, so naive timestamps are read as UTC (as Feast does). */
  async connect(): Promise<DuckDBConnection> {
    const connection = await this.instance.connect();
    await run(connection, "SET TimeZone = 'UTC'");
    return connection;
  }

  close(): void {
    this.instance.closeSync();
    if (this.ownedTempDir) rmSync(this.ownedTempDir, { recursive: true, force: true });
  }
}

/** Runs one statement; a failure becomes a QueryError carrying the SQL and DuckDB's error. */
export async function run(connection: DuckDBConnection, sql: string): Promise<DuckDBMaterializedResult> {
  try {
    return await connection.run(sql);
  } catch (error) {
    throw new QueryError("duckdb", sql, error);
  }
}

/** Starts a streaming query: chunks are fetched on demand, never the whole result at once. */
export async function stream(connection: DuckDBConnection, sql: string): Promise<DuckDBResult> {
  try {
    return await connection.stream(sql);
  } catch (error) {
    throw new QueryError("duckdb", sql, error);
  }
}

/** Fetches the next chunk of a streaming result, wrapping late failures with the SQL. */
export async function nextChunk(result: DuckDBResult, sql: string) {
  try {
    return await result.fetchChunk();
  } catch (error) {
    throw new QueryError("duckdb", sql, error);
  }
}
