import type { RepoConfig } from "../config";
import type { FeatureViewInfo } from "../registry/catalog";
import { requirePeer } from "../peer";
import { InvalidArgumentError } from "../errors";
import type {
  HistoricalRetrievalRequest, OfflineRows, OfflineStore, OfflineWriteResult, PulledBatch, PullLatestOptions,
} from "./offline-store";
import type { RetrievalJob } from "./retrieval-job";
import { Lazy } from "../lazy";

/**
 * The offline store `feature_store.yaml` configures, opened on its first call: DuckDB and the
 * offline code load then, so a process that only serves online features never loads them, and a
 * missing `@duckdb/node-api` is a MissingDependencyError naming it.
 */
export class LazyOfflineStore implements OfflineStore {
  private readonly store = new Lazy(async () => {
    requirePeer("@duckdb/node-api", `offline_store type ${this.config.offlineStore.type} (parquet via DuckDB)`);
    const { openOfflineStore } = await import("./open-offline-store.js");
    return openOfflineStore(this.config);
  });

  constructor(private readonly config: RepoConfig) {}

  async *pullLatest(view: FeatureViewInfo, start: Date, end: Date, options?: PullLatestOptions): AsyncIterable<PulledBatch> {
    yield* (await this.store.get()).pullLatest(view, start, end, options);
  }

  async getHistoricalFeatures(request: HistoricalRetrievalRequest): Promise<RetrievalJob> {
    return (await this.store.get()).getHistoricalFeatures(request);
  }

  async checkSource(view: FeatureViewInfo): Promise<void> {
    return (await this.store.get()).checkSource(view);
  }

  async writeBatch(view: FeatureViewInfo, rows: OfflineRows): Promise<OfflineWriteResult> {
    const store = await this.store.get();
    if (!store.writeBatch) {
      throw new InvalidArgumentError(`push to the offline store: the ${this.config.offlineStore.type} offline store cannot append rows (feature view ${view.name})`, 'push with to: "online"');
    }
    return store.writeBatch(view, rows);
  }

  async close(): Promise<void> {
    await (await this.store.take())?.close();
  }
}
