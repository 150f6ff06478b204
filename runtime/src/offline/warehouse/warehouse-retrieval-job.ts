import type { DuckDBConnection } from "@duckdb/node-api";
import type { Table } from "apache-arrow";
import { DuckDBRetrievalJob } from "../duckdb/duckdb-retrieval-job";
import type { EntitySummary, ParquetWriteOptions, ParquetWriteResult, RetrievalJob } from "../retrieval-job";
import { ResultTable, type ResultColumn } from "./result-table";

/** What a warehouse session gives a job: a query's rows, page by page, in order. */
export interface ResultPages {
  pages(sql: string): AsyncIterable<{ rows: Record<string, unknown>[] }>;
}

const RESULT = "skewless_result";

/**
 * A point-in-time query run in a warehouse (BigQuery, Snowflake). The first `to*` call runs it and
 * keeps the answer in the job's DuckDB connection, in the declared types; rows, Arrow and parquet
 * are then formatted by DuckDB's job, so every offline store returns the same shapes (and the
 * same parquet bytes).
 */
export class WarehouseRetrievalJob implements RetrievalJob {
  private local?: Promise<DuckDBRetrievalJob>;
  private closed = false;

  constructor(
    private readonly session: ResultPages,
    private readonly connection: DuckDBConnection,
    readonly sql: string,
    private readonly resultColumns: readonly ResultColumn[],
    readonly entity: EntitySummary & { table: string },
    private readonly cleanup: () => Promise<void>,
  ) {}

  get columns(): readonly string[] {
    return this.resultColumns.map((c) => c.name);
  }

  async toRows(): Promise<Record<string, unknown>[]> {
    return (await this.result()).toRows();
  }

  async toArrow(): Promise<Table> {
    return (await this.result()).toArrow();
  }

  async toParquet(target: string, options?: ParquetWriteOptions): Promise<ParquetWriteResult> {
    return (await this.result()).toParquet(target, options);
  }

  async entityRowsToParquet(target: string): Promise<ParquetWriteResult> {
    return (await this.formatter()).entityRowsToParquet(target);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.local?.catch(() => undefined);
    await this.cleanup();
    // The DuckDB job owns the connection once made; before that, it is closed here.
    if (this.local) await (await this.local.catch(() => undefined))?.close();
    else this.connection.closeSync();
  }

  private formatter(): Promise<DuckDBRetrievalJob> {
    const query = `SELECT ${this.columns.map((c) => `"${c.replace(/"/g, '""')}"`).join(", ")} FROM "${RESULT}" ORDER BY rowid`;
    this.local ??= Promise.resolve(new DuckDBRetrievalJob(this.connection, query, this.columns, this.entity));
    return this.local;
  }

  private fetched?: Promise<void>;

  /** Runs the warehouse query once, into the result table. */
  private async result(): Promise<DuckDBRetrievalJob> {
    const formatter = await this.formatter();
    this.fetched ??= (async () => {
      const table = await ResultTable.create(this.connection, RESULT, this.resultColumns);
      try {
        for await (const page of this.session.pages(this.sql)) table.append(page.rows);
      } finally {
        table.finish();
      }
    })().catch(async (error: unknown) => {
      // A failed fetch leaves no half-filled table: the next call runs the query again.
      this.fetched = undefined;
      await this.connection.run(`DROP TABLE IF EXISTS "${RESULT}"`).catch(() => undefined);
      throw error;
    });
    await this.fetched;
    return formatter;
  }
}
