import { InvalidArgumentError } from "../../errors";
import type { FeatureViewInfo } from "../../registry/catalog";
import { DuckDBSession } from "../duckdb/duckdb-session";
import { joinKeyTypes } from "../duckdb/historical-retrieval";
import { classifyEntityData } from "../entity-data";
import type { HistoricalRetrievalRequest, OfflineStore, PulledBatch, PullLatestOptions } from "../offline-store";
import { planPointInTime } from "../point-in-time";
import type { RetrievalJob } from "../retrieval-job";
import { sourceRelation, type SourceRelation } from "../source-relation";
import { compilePointInTime } from "../sql/compile-point-in-time";
import { pullLatestFromWarehouse } from "../warehouse/pull-latest";
import { resultColumns } from "../warehouse/result-table";
import { WarehouseRetrievalJob } from "../warehouse/warehouse-retrieval-job";
import type { BigQueryOfflineStoreConfig } from "./bigquery-config";
import { BigQueryDialect } from "./bigquery-dialect";
import { BigQuerySession } from "./bigquery-session";
import { inspectBigQuerySource } from "./bigquery-source-inspector";
import { fromBigQuery } from "./bigquery-types";
import { dropEntities, uploadEntities } from "./entity-upload";

export interface BigQueryOfflineStoreOptions extends BigQueryOfflineStoreConfig {
  repoPath: string;
  /** A BigQuery emulator's URL (`SKEWLESS_BIGQUERY_ENDPOINT`): no credentials are looked up. */
  endpoint?: string;
}

/**
 * Feast's BigQuery offline store: BigQuerySource tables and queries, joined in BigQuery with the
 * point-in-time plan's BigQuery spelling. Entity rows are checked locally (as DuckDB's store does)
 * and uploaded to a temporary table of `dataset`, deleted when the job closes.
 *
 * @example
 * const store = new BigQueryOfflineStore({ repoPath: ".", dataset: "feast", tableCreateDisposition: "CREATE_IF_NEEDED" });
 */
export class BigQueryOfflineStore implements OfflineStore {
  readonly dialect = new BigQueryDialect();
  private readonly session: BigQuerySession;
  private local?: Promise<DuckDBSession>;
  private readonly jobs = new Set<WarehouseRetrievalJob>();
  private closed = false;

  constructor(readonly options: BigQueryOfflineStoreOptions) {
    this.session = new BigQuerySession(options);
  }

  pullLatest(view: FeatureViewInfo, start: Date, end: Date, options: PullLatestOptions = {}): AsyncIterable<PulledBatch> {
    const relation = sourceRelation(view, this.options.repoPath);
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        self.checkOpen();
        const checked = await inspectBigQuerySource(self.session, relation, self.dialect);
        yield* pullLatestFromWarehouse(self.session, self.dialect, fromBigQuery, checked, start, end, options.batchRows);
      },
    };
  }

  async getHistoricalFeatures(request: HistoricalRetrievalRequest): Promise<RetrievalJob> {
    this.checkOpen();
    const input = classifyEntityData(request.entityDf, this.options.repoPath);
    if (input.kind === "sql") {
      throw new InvalidArgumentError("the BigQuery offline store takes entity rows or a parquet file, not an entity query",
        "run the query and pass its rows, or write them to a parquet file");
    }
    const sources: SourceRelation[] = [];
    for (const v of request.views) sources.push(await inspectBigQuerySource(this.session, sourceRelation(v.view, this.options.repoPath, v.features), this.dialect));
    const connection = await (await this.duckdb()).connect();
    let uploaded: string | undefined;
    try {
      const entities = await uploadEntities(this.session, this.options.dataset, connection, input, joinKeyTypes(request, sources),
        this.options.tableCreateDisposition === "CREATE_IF_NEEDED");
      uploaded = entities.table;
      const plan = planPointInTime(request.views, sources, entities.relation, request);
      const sql = compilePointInTime(plan, this.dialect, "window");
      const file = input.kind === "parquet" && !/[*?[]/.test(input.path) ? input.path : undefined;
      const summary = { table: entities.localTable, columns: plan.entity.columns, timeRange: plan.entity.timeRange, rows: plan.entity.rowCount, file };
      const table = entities.table;
      const job: WarehouseRetrievalJob = new WarehouseRetrievalJob(this.session, connection, sql, await resultColumns(connection, entities.localTable, plan), summary, async () => {
        this.jobs.delete(job);
        await dropEntities(this.session, table);
      });
      this.jobs.add(job);
      return job;
    } catch (error) {
      connection.closeSync();
      if (uploaded) await dropEntities(this.session, uploaded);
      throw error;
    }
  }

  async checkSource(view: FeatureViewInfo): Promise<void> {
    this.checkOpen();
    await inspectBigQuerySource(this.session, sourceRelation(view, this.options.repoPath), this.dialect);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of [...this.jobs]) await job.close();
    const local = this.local;
    this.local = undefined;
    if (local) (await local).close();
  }

  private checkOpen(): void {
    if (this.closed) throw new InvalidArgumentError("the offline store is closed", "open the FeatureStore again");
  }

  /** A local DuckDB database: entity rows are checked there, and results formatted. */
  private duckdb(): Promise<DuckDBSession> {
    this.local ??= DuckDBSession.open({ repoPath: this.options.repoPath, threads: 1 });
    return this.local;
  }
}
