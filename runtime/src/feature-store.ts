import { loadRepoConfig, parseRepoConfig, type RepoConfig } from "./config";
import type { EntityDataFrame } from "./offline/entity-data";
import type { OfflineStore } from "./offline/offline-store";
import { openOfflineStore } from "./offline/open-offline-store";
import type { RetrievalJob } from "./offline/retrieval-job";
import { RegistryCatalog } from "./registry/catalog";
import type { Definitions } from "./registry/compile";
import type { RegistryPlan } from "./registry/diff";
import { resolveFeatures, type FeatureSelection } from "./registry/feature-refs";
import { Registry } from "./registry/registry";
import { openRegistryStore } from "./registry/stores/open-store";
import { loadDefinitions } from "./repo/load-definitions";
import { applyRepo, planRepo } from "./repo/plan-repo";

/** Where a store comes from: a feature repo folder, or a parsed config. */
export type FeatureStoreSource = string | RepoConfig;

/** What `getHistoricalFeatures` takes (Feast's `get_historical_features`, camelCased). */
export interface HistoricalFeaturesRequest {
  /** Entity rows (with `event_timestamp`), a parquet path, or a SQL query for the offline store. */
  entityDf: EntityDataFrame;
  /** `"view:feature"` references or a feature service. */
  features: FeatureSelection;
  /** Name columns `view__feature` (needed when two views share a feature name). */
  fullFeatureNames?: boolean;
  /** Ignore source rows created after the entity timestamp (late data). Default false, as in Feast. */
  createdTimestampCutoff?: boolean;
  /** Add `<view>__event_timestamp` (and `__created_timestamp`) columns: which source row each value came from. */
  includeSourceTimestamps?: boolean;
}

/**
 * The entry point: one feature repo's registry, offline store and online store. It coordinates;
 * the work happens in the registry, offline and online modules.
 *
 * @example
 * const store = await FeatureStore.open("path/to/feature_repo");
 * const plan = await store.plan();
 * await store.close();
 */
export class FeatureStore {
  readonly registry: Registry;
  private offline?: OfflineStore;

  private constructor(readonly config: RepoConfig) {
    this.registry = new Registry(openRegistryStore(config.registry));
  }

  /** Opens the repo at `source` (reading its feature_store.yaml), or from a config. */
  static async open(source: FeatureStoreSource): Promise<FeatureStore> {
    const config = typeof source === "string" ? loadRepoConfig(source) : source;
    return new FeatureStore(config);
  }

  /** Builds a config from feature_store.yaml's keys, e.g. `{ project: "demo", registry: "data/registry.db" }`. */
  static configFrom(raw: Record<string, unknown>, repoPath: string): RepoConfig {
    return parseRepoConfig(raw, repoPath);
  }

  get project(): string {
    return this.config.project;
  }

  /** The registry's objects for this project, freshly read. */
  async catalog(): Promise<RegistryCatalog> {
    return new RegistryCatalog(await this.registry.load(), this.project);
  }

  /** What `apply` would change, for the repo's definitions (or the ones given). */
  async plan(definitions?: Definitions): Promise<RegistryPlan> {
    return planRepo(this.registry, definitions ?? (await this.definitions()), this.config);
  }

  /** Makes the registry match the definitions; returns what changed. */
  async apply(definitions?: Definitions): Promise<RegistryPlan> {
    return applyRepo(this.registry, definitions ?? (await this.definitions()), this.config);
  }

  /**
   * A point-in-time correct training set: for each entity row, every requested feature as of the
   * row's `event_timestamp` (within the view's TTL). Rows are kept, duplicates included, in order.
   *
   * @example
   * const job = await store.getHistoricalFeatures({
   *   entityDf: [{ user_id: 1001, event_timestamp: new Date("2024-05-01T10:00:00Z") }],
   *   features: ["user_stats:clicks"],
   * });
   * console.table(await job.toRows());
   */
  async getHistoricalFeatures(request: HistoricalFeaturesRequest): Promise<RetrievalJob> {
    const { views } = resolveFeatures(await this.catalog(), request.features, request.fullFeatureNames);
    return this.offlineStore().getHistoricalFeatures({ ...request, views });
  }

  /** The offline store `feature_store.yaml` configures, opened on first use. */
  offlineStore(): OfflineStore {
    this.offline ??= openOfflineStore(this.config);
    return this.offline;
  }

  /** Releases connections and files. */
  async close(): Promise<void> {
    const offline = this.offline;
    this.offline = undefined;
    await offline?.close();
  }

  private async definitions(): Promise<Definitions> {
    return (await loadDefinitions(this.config.repoPath)).definitions;
  }
}
