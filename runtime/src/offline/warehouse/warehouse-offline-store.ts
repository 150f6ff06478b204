import type { DuckDBConnection } from "@duckdb/node-api";
import type { Dtype } from "../../definitions/dtypes";
import { InvalidArgumentError } from "../../errors";
import type { FeatureViewInfo } from "../../registry/catalog";
import { DuckDBSession } from "../duckdb/duckdb-session";
import { joinKeyTypes } from "../duckdb/historical-retrieval";
import { classifyEntityData, type EntityInput } from "../entity-data";
import type { HistoricalRetrievalRequest, OfflineStore, PulledBatch, PullLatestOptions } from "../offline-store";
import { planPointInTime, type EntityRelation } from "../point-in-time";
import type { RetrievalJob } from "../retrieval-job";
import { sourceRelation, type SourceRelation } from "../source-relation";
import { compilePointInTime } from "../sql/compile-point-in-time";
import type { SqlDialect } from "../sql/dialect";
import { pullLatestFromWarehouse, type CellConverter, type PagedResults } from "./pull-latest";
import { resultColumns } from "./result-table";
import { WarehouseRetrievalJob, type ResultPages } from "./warehouse-retrieval-job";

/** Entity rows uploaded to a warehouse table for one job. */
export interface UploadedEntityTable {
  relation: EntityRelation;
  /** The table's name as `dropEntities` takes it. */
  table: string;
  /** The DuckDB table holding the rows as loaded (for `entityRowsToParquet`). */
  localTable: string;
}

/**
 * What the warehouse stores (BigQuery, Snowflake) share: sources are inspected in the warehouse,
 * entity rows checked locally as DuckDB's store checks them and uploaded for the job, the
 * point-in-time plan's portable window form run in the warehouse, and the answer formatted by
 * DuckDB's job. A backend says how to inspect, upload, drop and read.
 */
export abstract class WarehouseOfflineStore implements OfflineStore {
  abstract readonly dialect: SqlDialect;
  /** For messages: `BigQuery`, `Snowflake`. */
  protected abstract readonly backend: string;
  /** Raw result pages (for pulls, converted cell by cell with `convert`). */
  protected abstract readonly pulls: PagedResults;
  /** Result pages as `ResultTable` takes them (for retrievals). */
  protected abstract readonly results: ResultPages;
  protected abstract readonly convert: CellConverter;
  private local?: Promise<DuckDBSession>;
  private readonly jobs = new Set<WarehouseRetrievalJob>();
  private closed = false;

  constructor(protected readonly repoPath: string) {}

  /** Reads the source's schema and checks it against the view (see `checkSourceColumns`). */
  protected abstract inspect(relation: SourceRelation): Promise<SourceRelation>;
  protected abstract uploadEntities(connection: DuckDBConnection, input: EntityInput, keyTypes: ReadonlyMap<string, Dtype>): Promise<UploadedEntityTable>;
  protected abstract dropEntities(table: string): Promise<void>;
  /** Releases the backend's client (after the jobs are closed). */
  protected async closeSession(): Promise<void> {}

  pullLatest(view: FeatureViewInfo, start: Date, end: Date, options: PullLatestOptions = {}): AsyncIterable<PulledBatch> {
    const relation = sourceRelation(view, this.repoPath);
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        self.checkOpen();
        const checked = await self.inspect(relation);
        yield* pullLatestFromWarehouse(self.pulls, self.dialect, self.convert, checked, start, end, options.batchRows, options.allRows);
      },
    };
  }

  async getHistoricalFeatures(request: HistoricalRetrievalRequest): Promise<RetrievalJob> {
    this.checkOpen();
    const input = classifyEntityData(request.entityDf, this.repoPath);
    if (input.kind === "sql") {
      throw new InvalidArgumentError(`the ${this.backend} offline store takes entity rows or a parquet file, not an entity query`,
        "run the query and pass its rows, or write them to a parquet file");
    }
    const sources: SourceRelation[] = [];
    for (const v of request.views) sources.push(await this.inspect(sourceRelation(v.view, this.repoPath, v.features)));
    const connection = await (await this.duckdb()).connect();
    let uploaded: string | undefined;
    try {
      const entities = await this.uploadEntities(connection, input, joinKeyTypes(request, sources));
      uploaded = entities.table;
      const plan = planPointInTime(request.views, sources, entities.relation, request);
      const sql = compilePointInTime(plan, this.dialect, "window");
      const file = input.kind === "parquet" && !/[*?[]/.test(input.path) ? input.path : undefined;
      const summary = { table: entities.localTable, columns: plan.entity.columns, timeRange: plan.entity.timeRange, rows: plan.entity.rowCount, file };
      const table = entities.table;
      const job: WarehouseRetrievalJob = new WarehouseRetrievalJob(this.results, connection, sql, await resultColumns(connection, entities.localTable, plan), summary, async () => {
        this.jobs.delete(job);
        await this.dropEntities(table);
      });
      this.jobs.add(job);
      return job;
    } catch (error) {
      connection.closeSync();
      if (uploaded) await this.dropEntities(uploaded);
      throw error;
    }
  }

  async checkSource(view: FeatureViewInfo): Promise<void> {
    this.checkOpen();
    await this.inspect(sourceRelation(view, this.repoPath));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of [...this.jobs]) await job.close();
    const local = this.local;
    this.local = undefined;
    if (local) (await local).close();
    await this.closeSession();
  }

  private checkOpen(): void {
    if (this.closed) throw new InvalidArgumentError("the offline store is closed", "open the FeatureStore again");
  }

  /** A local DuckDB database: entity rows are checked there, and results formatted. */
  private duckdb(): Promise<DuckDBSession> {
    this.local ??= DuckDBSession.open({ repoPath: this.repoPath, threads: 1 });
    return this.local;
  }
}
