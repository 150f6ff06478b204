import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as arrow from "apache-arrow";
import { listElementType, ValueType } from "../definitions/dtypes";
import type { ColumnInfo } from "../registry/catalog";
import { INPUT_COLUMN_PREFIX, type RequestedOnDemandView } from "../registry/on-demand-refs";
import type { OnDemandTransforms } from "../on-demand/transforms";
import { runOnDemand } from "../on-demand/run-transform";
import { duckdbType } from "./duckdb/duckdb-dialect";
import { DuckDBRetrievalJob } from "./duckdb/duckdb-retrieval-job";
import { DuckDBSession } from "./duckdb/duckdb-session";
import type { EntitySummary, ParquetWriteOptions, ParquetWriteResult, RetrievalJob } from "./retrieval-job";

interface Prepared {
  job: DuckDBRetrievalJob;
  session: DuckDBSession;
  dir: string;
}

/**
 * A training set with on-demand features: the point-in-time join runs as usual (with the
 * transforms' inputs as extra columns), the transforms run over its rows with the code serving
 * runs, and their outputs are joined back by position in DuckDB, so every output method (rows,
 * Arrow, parquet) gives the same typed values. The work happens once, on first use.
 */
export class OnDemandRetrievalJob implements RetrievalJob {
  readonly columns: readonly string[];
  private prepared: Promise<Prepared> | undefined;

  constructor(
    private readonly inner: RetrievalJob,
    private readonly onDemand: readonly RequestedOnDemandView[],
    featureOrder: readonly string[],
    private readonly transforms: OnDemandTransforms,
  ) {
    const kept = inner.columns.filter((c) => !c.startsWith(INPUT_COLUMN_PREFIX));
    const entity = inner.entity.columns;
    const features = featureOrder.filter((c) => !entity.includes(c));
    this.columns = [...entity, ...features, ...kept.filter((c) => !entity.includes(c) && !features.includes(c))];
  }

  get sql(): string {
    return this.inner.sql;
  }

  get entity(): EntitySummary {
    return this.inner.entity;
  }

  async toRows(): Promise<Record<string, unknown>[]> {
    return (await this.prepare()).job.toRows();
  }

  async toArrow(): Promise<arrow.Table> {
    return (await this.prepare()).job.toArrow();
  }

  async toParquet(target: string, options?: ParquetWriteOptions): Promise<ParquetWriteResult> {
    return (await this.prepare()).job.toParquet(target, options);
  }

  entityRowsToParquet(target: string): Promise<ParquetWriteResult> {
    return this.inner.entityRowsToParquet(target);
  }

  async close(): Promise<void> {
    const prepared = await this.prepared?.catch(() => undefined);
    this.prepared = undefined;
    if (prepared) {
      await prepared.job.close();
      prepared.session.close();
      await fs.rm(prepared.dir, { recursive: true, force: true });
    }
    await this.inner.close();
  }

  private prepare(): Promise<Prepared> {
    this.prepared ??= this.compute();
    return this.prepared;
  }

  private async compute(): Promise<Prepared> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "skewless-odfv-"));
    const base = path.join(dir, "joined.parquet");
    await this.inner.toParquet(base, { lineage: false });
    const rows = await this.inner.toRows();
    const cache = new Map<string, unknown[]>();
    const column = (name: string) => {
      if (!this.inner.columns.includes(name)) return undefined;
      if (!cache.has(name)) cache.set(name, rows.map((r) => r[name]));
      return cache.get(name);
    };
    const outputs: { name: string; feature: ColumnInfo; values: unknown[] }[] = [];
    for (const requested of this.onDemand) {
      const transform = await this.transforms.transform(requested.view);
      const values = runOnDemand(requested, transform, rows.length, column);
      requested.features.forEach((feature, f) => outputs.push({ name: requested.outputNames[f], feature, values: values[f] }));
    }
    const computedFile = path.join(dir, "computed.jsonl");
    await fs.writeFile(computedFile, rows.map((_, i) => JSON.stringify(Object.fromEntries(outputs.map((o, c) => [`c${c}`, jsonValue(o.values[i], o.feature.valueType)])))).join("\n"));
    const session = await DuckDBSession.open({ repoPath: dir, threads: 1 });
    const connection = await session.connect();
    const byName = new Map(outputs.map((o, c) => [o.name, { ...o, c }]));
    const select = this.columns.map((name) => {
      const computed = byName.get(name);
      return computed ? `${castComputed(computed.feature, rows.length ? `o.c${computed.c}` : "NULL")} AS ${quote(name)}` : `b.${quote(name)}`;
    });
    const jsonColumns = outputs.map((o, c) => `c${c}: ${literal(jsonColumnType(o.feature))}`).join(", ");
    const from = rows.length
      ? `read_parquet(${literal(base)}) b POSITIONAL JOIN read_json(${literal(computedFile)}, format = 'newline_delimited', columns = {${jsonColumns}}) o`
      : `read_parquet(${literal(base)}) b`;
    const sql = `SELECT ${select.join(", ")} FROM ${from}`;
    return { job: new DuckDBRetrievalJob(connection, sql, this.columns, { ...this.inner.entity, table: "" }), session, dir };
  }
}

// Computed values travel as JSON text and are cast in DuckDB to the declared type: exact for
// Int64 (as strings), floats (shortest round-trip text, NaN and Infinity included), bytes (base64).
function jsonValue(value: unknown, valueType: number): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map((v) => jsonValue(v, listElementType(valueType) ?? 0));
  if (typeof value === "bigint") return value >= -(2n ** 53n) && value <= 2n ** 53n ? Number(value) : value.toString();
  if (typeof value === "number") return isScalar(valueType) ? String(value) : value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return value;
}

function isScalar(valueType: number): boolean {
  return listElementType(valueType) === undefined;
}

function jsonColumnType(feature: ColumnInfo): string {
  if (!isScalar(feature.valueType)) return duckdbType(feature.dtype!);
  return feature.valueType === ValueType.BOOL ? "BOOLEAN" : "VARCHAR";
}

function castComputed(feature: ColumnInfo, expression: string): string {
  if (feature.valueType === ValueType.BYTES) return `from_base64(${expression})`;
  return `CAST(${expression} AS ${duckdbType(feature.dtype!)})`;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
