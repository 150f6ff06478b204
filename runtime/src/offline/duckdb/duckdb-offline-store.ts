import { InvalidArgumentError } from "../../errors";
import type { FeatureViewInfo } from "../../registry/catalog";
import type {
  HistoricalRetrievalRequest, OfflineRows, OfflineStore, OfflineWriteResult, PulledBatch, PullLatestOptions,
} from "../offline-store";
import { CloudFiles } from "../cloud-files";
import type { RetrievalJob } from "../retrieval-job";
import { sourceRelation } from "../source-relation";
import type { JoinStrategy } from "../sql/compile-point-in-time";
import { DuckDBDialect } from "./duckdb-dialect";
import type { DuckDBRetrievalJob } from "./duckdb-retrieval-job";
import { DuckDBSession, type DuckDBSettings } from "./duckdb-session";
import { appendToFileSource } from "./parquet-append";
import { prepareRetrieval } from "./historical-retrieval";
import { pullLatestBatches } from "./pull-latest";
import { inspectSource } from "./source-inspector";

export interface DuckDBOfflineStoreOptions extends DuckDBSettings {
  /** `auto` (default) uses ASOF joins where they give the same answer; `window` forces the portable plan. */
  joinStrategy?: JoinStrategy;
}

/**
 * The embedded offline store: parquet files (Feast's FileSource) queried in-process by DuckDB.
 *
 * @example
 * const store = new DuckDBOfflineStore({ repoPath: "feature_repo" });
 * for await (const batch of store.pullLatest(view, start, end)) console.log(batch.rowCount);
 */
export class DuckDBOfflineStore implements OfflineStore {
  readonly dialect = new DuckDBDialect();
  private session?: Promise<DuckDBSession>;
  private closed = false;
  private readonly jobs = new Set<DuckDBRetrievalJob>();
  private readonly cloudFiles = new CloudFiles();

  constructor(readonly options: DuckDBOfflineStoreOptions) {}

  pullLatest(view: FeatureViewInfo, start: Date, end: Date, options: PullLatestOptions = {}): AsyncIterable<PulledBatch> {
    const relation = sourceRelation(view, this.options.repoPath);
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        yield* pullLatestBatches(await self.duckdb(), self.dialect, await self.cloudFiles.localize(relation), start, end, options.batchRows, options.allRows);
      },
    };
  }

  async getHistoricalFeatures(request: HistoricalRetrievalRequest): Promise<RetrievalJob> {
    const job = await prepareRetrieval({
      session: await this.duckdb(),
      dialect: this.dialect,
      repoPath: this.options.repoPath,
      strategy: this.options.joinStrategy ?? "auto",
      localize: (relation) => this.cloudFiles.localize(relation),
      onClose: (closed) => this.jobs.delete(closed),
    }, request);
    this.jobs.add(job);
    return job;
  }

  async checkSource(view: FeatureViewInfo): Promise<void> {
    const connection = await (await this.duckdb()).connect();
    try {
      await inspectSource(connection, await this.cloudFiles.localize(sourceRelation(view, this.options.repoPath)), this.dialect);
    } finally {
      connection.closeSync();
    }
  }

  /** Appends pushed rows to the view's parquet file or folder (see parquet-append.ts). */
  async writeBatch(view: FeatureViewInfo, rows: OfflineRows): Promise<OfflineWriteResult> {
    const connection = await (await this.duckdb()).connect();
    try {
      return await appendToFileSource(connection, this.dialect, this.options.repoPath, view, rows);
    } finally {
      connection.closeSync();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of [...this.jobs]) await job.close();
    const session = this.session;
    this.session = undefined;
    if (session) (await session).close();
    this.cloudFiles.close();
  }

  /** The DuckDB database, opened on first use. */
  protected duckdb(): Promise<DuckDBSession> {
    if (this.closed) throw new InvalidArgumentError("the offline store is closed", "open the FeatureStore again");
    this.session ??= DuckDBSession.open(this.options);
    return this.session;
  }
}
