import type { FeatureViewInfo } from "../../registry/catalog";
import type { OfflineStore, PulledBatch, PullLatestOptions } from "../offline-store";
import { sourceRelation } from "../source-relation";
import { DuckDBDialect } from "./duckdb-dialect";
import { DuckDBSession, type DuckDBSettings } from "./duckdb-session";
import { pullLatestBatches } from "./pull-latest";

export interface DuckDBOfflineStoreOptions extends DuckDBSettings {}

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

  constructor(readonly options: DuckDBOfflineStoreOptions) {}

  pullLatest(view: FeatureViewInfo, start: Date, end: Date, options: PullLatestOptions = {}): AsyncIterable<PulledBatch> {
    const relation = sourceRelation(view, this.options.repoPath);
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        yield* pullLatestBatches(await self.duckdb(), self.dialect, relation, start, end, options.batchRows);
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const session = this.session;
    this.session = undefined;
    if (session) (await session).close();
  }

  /** The DuckDB database, opened on first use. */
  protected duckdb(): Promise<DuckDBSession> {
    if (this.closed) throw new Error("the offline store is closed");
    this.session ??= DuckDBSession.open(this.options);
    return this.session;
  }
}
