import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { JSDuckDBValueConverter, type DuckDBConnection } from "@duckdb/node-api";
import type * as arrow from "apache-arrow";
import { InvalidArgumentError } from "../../errors";
import { requirePeer } from "../../peer";
import type { EntitySummary, ParquetWriteOptions, ParquetWriteResult, RetrievalJob } from "../retrieval-job";
import { nextChunk, run, stream } from "./duckdb-session";

/** A retrieval over one DuckDB connection that holds the entity rows as a temporary table. */
export class DuckDBRetrievalJob implements RetrievalJob {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly connection: DuckDBConnection,
    readonly sql: string,
    readonly columns: readonly string[],
    readonly entity: EntitySummary & { table: string },
    private readonly onClose: (job: DuckDBRetrievalJob) => void = () => {},
  ) {}

  toRows(): Promise<Record<string, unknown>[]> {
    return this.exclusive(async () => {
      const result = await stream(this.connection, this.sql);
      const names = result.columnNames();
      const rows: Record<string, unknown>[] = [];
      for (let chunk = await nextChunk(result, this.sql); chunk && chunk.rowCount > 0; chunk = await nextChunk(result, this.sql)) {
        for (const values of chunk.convertRows(JSDuckDBValueConverter)) {
          const row: Record<string, unknown> = {};
          names.forEach((name, i) => (row[name] = values[i]));
          rows.push(row);
        }
      }
      return rows;
    });
  }

  toArrow(): Promise<arrow.Table> {
    return this.exclusive(async () => {
      // Arrow loads here, not with the offline store: only toArrow() needs it.
      requirePeer("apache-arrow", "toArrow()");
      const { arrowSchema, arrowTable, chunkToRecordBatch } = await import("./to-arrow.js");
      const result = await stream(this.connection, this.sql);
      const schema = arrowSchema(result.columnNames(), result.columnTypes());
      const batches: arrow.RecordBatch[] = [];
      for (let chunk = await nextChunk(result, this.sql); chunk && chunk.rowCount > 0; chunk = await nextChunk(result, this.sql)) {
        batches.push(chunkToRecordBatch(chunk, schema));
      }
      return arrowTable(schema, batches);
    });
  }

  toParquet(target: string, options: ParquetWriteOptions = {}): Promise<ParquetWriteResult> {
    return this.copyToParquet(this.sql, target, options);
  }

  entityRowsToParquet(target: string): Promise<ParquetWriteResult> {
    const table = `"${this.entity.table.replace(/"/g, '""')}"`;
    return this.copyToParquet(`SELECT * FROM ${table} ORDER BY rowid`, target, {});
  }

  private copyToParquet(query: string, target: string, options: ParquetWriteOptions): Promise<ParquetWriteResult> {
    if (typeof target !== "string" || target.length === 0) throw new InvalidArgumentError("toParquet needs a file path");
    const file = path.resolve(target);
    return this.exclusive(async () => {
      // DuckDB streams the query into a temporary file beside the target; the rename makes the
      // file appear whole, so a failure never leaves half a training set behind.
      const partial = `${file}.${randomBytes(4).toString("hex")}.partial`;
      try {
        const result = await run(this.connection, `COPY (${query}) TO ${literal(partial)} (${parquetOptions(options)})`);
        await fs.rename(partial, file);
        return { path: file, rows: result.rowsChanged };
      } catch (error) {
        await fs.rm(partial, { force: true });
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    this.connection.closeSync();
    this.onClose(this);
  }

  /** One query at a time per connection. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new InvalidArgumentError("this retrieval job is closed", "call getHistoricalFeatures again"));
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * Fixed writer settings, so the same rows give the same bytes on every run (rebuilds are compared
 * by SHA-256): one file, row groups of a fixed size, the query's order kept.
 */
function parquetOptions(options: ParquetWriteOptions): string {
  const parts = ["FORMAT parquet", "COMPRESSION zstd", "ROW_GROUP_SIZE 122880", "PRESERVE_ORDER true"];
  const metadata = Object.entries(options.metadata ?? {});
  if (metadata.length > 0) {
    parts.push(`KV_METADATA {${metadata.map(([k, v]) => `${literal(k)}: ${literal(v)}`).join(", ")}}`);
  }
  return parts.join(", ");
}
