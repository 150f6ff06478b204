import { JSDuckDBValueConverter } from "@duckdb/node-api";
import { InvalidArgumentError } from "../../errors";
import type { PulledBatch } from "../offline-store";
import type { SourceRelation } from "../source-relation";
import { compileLatest, compileLatestCount } from "../sql/compile-latest";
import type { SqlDialect } from "../sql/dialect";
import { nextChunk, run, stream, type DuckDBSession } from "./duckdb-session";
import { inspectSource } from "./source-inspector";

const DEFAULT_BATCH_ROWS = 10_000;

/** Streams the latest row per entity key in `[start, end]` (every row with `allRows`) as batches of about `batchRows` rows. */
export async function* pullLatestBatches(
  session: DuckDBSession, dialect: SqlDialect, relation: SourceRelation, start: Date, end: Date, batchRows = DEFAULT_BATCH_ROWS, allRows = false,
): AsyncGenerator<PulledBatch> {
  if (!(start instanceof Date) || !(end instanceof Date) || Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) {
    throw new InvalidArgumentError(`pullLatest for ${relation.viewName}: start and end must be valid Dates`);
  }
  if (start.getTime() > end.getTime()) {
    throw new InvalidArgumentError(`pullLatest for ${relation.viewName}: start ${start.toISOString()} is after end ${end.toISOString()}`);
  }
  const connection = await session.connect();
  try {
    const checked = await inspectSource(connection, relation, dialect);
    const sql = compileLatest(checked, dialect, start, end, allRows);
    const countSql = compileLatestCount(checked, dialect, start, end, allRows);
    const totalRows = Number((await (await run(connection, countSql)).getRows())[0][0]);
    const result = await stream(connection, sql);
    let first = true;
    const keys = checked.joinKeys.length;
    const hasCreated = checked.createdTimestamp !== undefined;
    // DuckDB's chunks (2,048 rows) are kept as they come and joined once per batch, into columns
    // of the batch's exact size: growing arrays row by row is what materialization's garbage was.
    let pending: unknown[][][] = [];
    let pendingRows = 0;
    for (let chunk = await nextChunk(result, sql); chunk && chunk.rowCount > 0; chunk = await nextChunk(result, sql)) {
      pending.push(chunk.convertColumns(JSDuckDBValueConverter));
      pendingRows += chunk.rowCount;
      if (pendingRows >= batchRows) {
        yield withTotal(toBatch(joinChunks(pending, result.columnCount, pendingRows), pendingRows, keys, hasCreated), first ? totalRows : undefined);
        first = false;
        pending = [];
        pendingRows = 0;
      }
    }
    if (pendingRows > 0) yield withTotal(toBatch(joinChunks(pending, result.columnCount, pendingRows), pendingRows, keys, hasCreated), first ? totalRows : undefined);
  } finally {
    connection.closeSync();
  }
}

function withTotal(batch: PulledBatch, totalRows: number | undefined): PulledBatch {
  return totalRows === undefined ? batch : { ...batch, totalRows };
}

/** Chunks' columns (each chunk: one array per column) as one array per column of `rows` values. */
function joinChunks(chunks: unknown[][][], columnCount: number, rows: number): unknown[][] {
  const columns: unknown[][] = [];
  for (let c = 0; c < columnCount; c++) {
    const column: unknown[] = new Array(rows);
    let at = 0;
    for (const chunk of chunks) {
      const values = chunk[c];
      for (let i = 0; i < values.length; i++) column[at++] = values[i];
    }
    columns.push(column);
  }
  return columns;
}

// Column order is compileLatest's: join keys, event ts, created ts (if any), features.
function toBatch(columns: unknown[][], rowCount: number, keys: number, hasCreated: boolean): PulledBatch {
  const featureStart = keys + 1 + (hasCreated ? 1 : 0);
  return {
    rowCount,
    joinKeyColumns: columns.slice(0, keys),
    eventTimestamps: columns[keys] as Date[],
    createdTimestamps: hasCreated ? (columns[keys + 1] as (Date | null)[]) : undefined,
    featureColumns: columns.slice(featureStart),
  };
}
