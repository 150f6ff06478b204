import type { Dtype } from "../../definitions/dtypes";
import { InvalidArgumentError } from "../../errors";
import type { PulledBatch } from "../offline-store";
import { CREATED_TS, EVENT_TS, type SourceRelation } from "../source-relation";
import { compileLatest, compileLatestCount } from "../sql/compile-latest";
import type { SqlDialect } from "../sql/dialect";
import type { ResultPages } from "./warehouse-retrieval-job";

/** A warehouse's rows, a page of at most `pageRows` at a time. */
export interface PagedResults extends ResultPages {
  pages(sql: string, pageRows?: number): AsyncIterable<{ rows: Record<string, unknown>[] }>;
}

/** A cell of a warehouse's result as the JavaScript value of `dtype` (see `PulledBatch`). */
export type CellConverter = (value: unknown, dtype: Dtype | "Timestamp") => unknown;

const DEFAULT_BATCH_ROWS = 10_000;

/**
 * Streams the latest row per entity key in `[start, end]` (every row with `allRows`) from a warehouse, one batch per result
 * page, values converted to the declared types (the same JavaScript values DuckDB's store gives).
 */
export async function* pullLatestFromWarehouse(
  session: PagedResults, dialect: SqlDialect, convert: CellConverter, relation: SourceRelation, start: Date, end: Date, batchRows = DEFAULT_BATCH_ROWS, allRows = false,
): AsyncGenerator<PulledBatch> {
  if (!(start instanceof Date) || !(end instanceof Date) || Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || start > end) {
    throw new InvalidArgumentError(`pullLatest for ${relation.viewName}: start and end must be valid Dates, start not after end`);
  }
  let totalRows = 0;
  for await (const page of session.pages(compileLatestCount(relation, dialect, start, end, allRows))) {
    if (page.rows.length > 0) totalRows = Number(convert(page.rows[0].rows, "Int64") ?? 0);
  }
  const keys = relation.joinKeys.map((k) => ({ name: k.name, dtype: k.dtype ?? "String" as Dtype }));
  const features = relation.features.map((f) => ({ name: f.name, dtype: f.dtype ?? "String" as Dtype }));
  const hasCreated = relation.createdTimestamp !== undefined;
  let first = true;
  for await (const page of session.pages(compileLatest(relation, dialect, start, end, allRows), batchRows)) {
    if (page.rows.length === 0) continue;
    const rows = page.rows;
    const column = (name: string, dtype: Dtype | "Timestamp") => rows.map((r) => convert(r[name], dtype));
    yield {
      rowCount: rows.length,
      joinKeyColumns: keys.map((k) => (relation.joinKeys.find((j) => j.name === k.name)?.constant !== undefined ? rows.map(() => "") : column(k.name, k.dtype))),
      eventTimestamps: column(EVENT_TS, "Timestamp") as Date[],
      createdTimestamps: hasCreated ? (column(CREATED_TS, "Timestamp") as (Date | null)[]) : undefined,
      featureColumns: features.map((f) => column(f.name, f.dtype)),
      ...(first ? { totalRows } : {}),
    };
    first = false;
  }
}
