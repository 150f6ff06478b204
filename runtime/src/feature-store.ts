import * as path from "node:path";
import type { FreshnessOptions, ViewFreshness } from "./checks/freshness";
import type { ValidateOptions, ValidationReport } from "./checks/validate";
import { loadRepoConfig, parseRepoConfig, type RepoConfig } from "./config";
import type { MaterializeContext, MaterializeOptions, MaterializeResult } from "./materialize/materializer";
import type { EntityDataFrame } from "./offline/entity-data";
import type { OfflineStore } from "./offline/offline-store";
import { LazyOfflineStore } from "./offline/lazy-offline-store";
import type { HistoricalRetrievalJob } from "./offline/retrieval-job";
import { OpenLineageEmitter } from "./lineage/openlineage/emitter";
import type { PushOptions, PushResult } from "./push/push";
import type { PushRows } from "./push/push-batch";
import { PinnedRegistryStore } from "./registry/history/pinned-store";
import { openOnlineStore } from "./online/open-online-store";
import type { OnlineStore } from "./online/online-store";
import { OnlineRetriever, type OnlineFeaturesRequest, type RequestedColumns } from "./online/retrieval/online-retriever";
import type { OnlineResponse } from "./online/retrieval/online-response";
import type { Int64Mode } from "./online/value-decoder";
import { RegistryCatalog } from "./registry/catalog";
import type { Definitions } from "./registry/compile";
import { resolveFeatures, type FeatureSelection } from "./registry/feature-refs";
import { INPUT_COLUMN_PREFIX } from "./registry/on-demand-refs";
import type { OnDemandFeatureView } from "./definitions/on-demand-feature-view";
import { OnDemandTransforms } from "./on-demand/transforms";
import { Registry } from "./registry/registry";
import { openRegistryHistory } from "./registry/history/registry-history";
import { RegistryCache, type RegistryHealth } from "./registry/registry-cache";
import { openRegistryStore } from "./registry/stores/open-store";
import type { RepoPlan } from "./repo/plan-repo";

// The online path (open, getOnlineFeatures, push) imports only what it runs. Everything else
// (materialization, checks, training sets, repo loading and planning) is imported inside the
// method that needs it, so an online-only app never loads that code or the packages behind it.

/** Where a store comes from: a feature repo folder, or a parsed config. */
export type FeatureStoreSource = string | RepoConfig | FeatureStoreYaml;

/**
 * feature_store.yaml's keys as an object (`{ project, registry, online_store, ... }`), plus the
 * folder relative paths resolve against (default: the working directory).
 */
export interface FeatureStoreYaml {
  project: string;
  registry: unknown;
  repoPath?: string;
  [key: string]: unknown;
}

export interface FeatureStoreOptions {
  /** An offline store to use instead of the one `offline_store` configures. */
  offlineStore?: OfflineStore;
  /**
   * Open the registry as it was at this `version_id` (from the registry history, read-only): what a
   * training set's manifest names, so the set can be rebuilt after later applies.
   */
  registryVersion?: string;
  /**
   * The on-demand views whose TypeScript transforms serve the registry's (default: those the repo's
   * modules export, loaded on first use). Each must be the one applied: its source is checked.
   */
  onDemandFeatureViews?: readonly OnDemandFeatureView[];
}

/** Skewless's own version, recorded in manifests and OpenLineage producers. */
export const SKEWLESS_VERSION: string = require("../package.json").version;

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
  /**
   * How `toRows()` gives Int64 values: `"bigint"` (default, every value) or `"number"` (every
   * value, an Int64PrecisionError naming the column and row for one past ±2^53).
   */
  int64?: Int64Mode;
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
  private online: OnlineStore | undefined;
  private cache: RegistryCache | undefined;
  private retriever: OnlineRetriever | undefined;
  private offline: OfflineStore | undefined;
  private readonly healthListeners = new Set<(health: RegistryHealth, error?: unknown) => void>();
  private readonly lineage: OpenLineageEmitter | undefined;
  private readonly transforms: OnDemandTransforms;

  private constructor(readonly config: RepoConfig, options: FeatureStoreOptions) {
    const store = openRegistryStore(config.registry);
    const history = openRegistryHistory(config.registry, store);
    this.registry = options.registryVersion === undefined
      ? new Registry(store, history)
      : new Registry(new PinnedRegistryStore(store.location, history, options.registryVersion), history);
    this.offline = options.offlineStore;
    this.lineage = OpenLineageEmitter.open(config.openLineage, config.project, SKEWLESS_VERSION);
    const given = options.onDemandFeatureViews;
    this.transforms = given
      ? new OnDemandTransforms(async () => given, "the definitions given to FeatureStore.open")
      : new OnDemandTransforms(async () => (await this.definitions()).onDemandFeatureViews ?? [], `the feature repo ${config.repoPath}`);
  }

  /**
   * Opens the repo at `source` (reading its feature_store.yaml), or from a config: a parsed
   * `RepoConfig`, or feature_store.yaml's keys as an object.
   *
   * @example
   * await FeatureStore.open("feature_repo");
   * await FeatureStore.open({ project: "demo", registry: "s3://bucket/registry.db", online_store: { type: "redis" }, repoPath: "." });
   */
  static async open(source: FeatureStoreSource, options: FeatureStoreOptions = {}): Promise<FeatureStore> {
    return new FeatureStore(configOf(source), options);
  }

  /** Builds a config from feature_store.yaml's keys, e.g. `{ project: "demo", registry: "data/registry.db" }`. */
  static configFrom(raw: Record<string, unknown>, repoPath: string): RepoConfig {
    return parseRepoConfig(raw, repoPath);
  }

  get project(): string {
    return this.config.project;
  }

  /**
   * The registry's objects for this project, freshly read. A registry that does not exist is a
   * RegistryNotFoundError (a wrong path must not look like an empty store); `plan` and `apply`
   * still start from nothing.
   */
  async catalog(): Promise<RegistryCatalog> {
    return new RegistryCatalog((await this.registry.readExisting()).model, this.project);
  }

  /**
   * The registry as serving sees it (getOnlineFeatures, push): cached, refreshed every
   * `cache_ttl_seconds`, and kept at the last good version when the registry goes missing or
   * turns out damaged.
   */
  async servingCatalog(): Promise<RegistryCatalog> {
    return this.registryCache().catalog();
  }

  /** The serving registry's state: which version is served, and the latest failure to read it. */
  registryHealth(): RegistryHealth {
    return this.registryCache().health();
  }

  /** Calls `listener` once each time the serving registry's health changes (not per request); returns an unsubscribe. */
  onRegistryHealthChange(listener: (health: RegistryHealth, error?: unknown) => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  /** What `apply` would change, for the repo's definitions (or the ones given), registry and online store. */
  async plan(definitions?: Definitions): Promise<RepoPlan> {
    return (await import("./repo/plan-repo.js")).planRepo(this.registry, definitions ?? (await this.definitions()), this.config, this.offlineStore());
  }

  /** Makes the registry and online store match the definitions; returns what changed. */
  async apply(definitions?: Definitions): Promise<RepoPlan> {
    const plan = await (await import("./repo/plan-repo.js")).applyRepo(this.registry, definitions ?? (await this.definitions()), this.config, this.onlineStore(), this.offlineStore());
    await this.cache?.refresh();
    return plan;
  }

  /**
   * Feast's `push`: rows, as columns named as in the push source's batch source, written to every
   * feature view the push source feeds. `to` is Feast's PushMode: `online` (default), `offline`
   * (appended to the batch source, so training sets see them) or `online_and_offline`. Nothing is
   * written when any row is refused.
   *
   * @example
   * await store.push("driver_stats_push", {
   *   driver_id: [1001], event_timestamp: [new Date()], conv_rate: [0.91],
   * }, { to: "online_and_offline" });
   */
  async push(pushSource: string, rows: PushRows, options: PushOptions = {}): Promise<PushResult> {
    return (await import("./push/push.js")).push(this, pushSource, rows, options);
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
  async getHistoricalFeatures(request: HistoricalFeaturesRequest): Promise<HistoricalRetrievalJob> {
    const loaded = await this.registry.read();
    const catalog = new RegistryCatalog(loaded.model, this.project);
    const { views, onDemand, outputNames } = resolveFeatures(catalog, request.features, request.fullFeatureNames, {
      historical: true, featureViewVersioning: this.config.registry.featureViewVersioning,
    });
    const joined = await this.offlineStore().getHistoricalFeatures({ ...request, views });
    // The on-demand job runs in DuckDB: imported here, off the online path.
    const job = onDemand.length ? new (await import("./offline/on-demand-job.js")).OnDemandRetrievalJob(joined, onDemand, outputNames, this.transforms) : joined;
    return new (await import("./lineage/training-job.js")).TrainingJob(job, {
      config: this.config,
      registry: this.registry,
      model: loaded.model,
      registryBytes: loaded.bytes ?? new Uint8Array(),
      request: {
        features: [...views.filter((v) => !v.prefix.startsWith(INPUT_COLUMN_PREFIX)), ...onDemand].flatMap((v) => v.features.map((f) => `${v.prefix}:${f.name}`)),
        featureService: featureServiceName(request.features),
        fullFeatureNames: request.fullFeatureNames ?? false,
        createdTimestampCutoff: request.createdTimestampCutoff ?? false,
        includeSourceTimestamps: request.includeSourceTimestamps ?? false,
      },
      views,
      skewlessVersion: SKEWLESS_VERSION,
      emitter: this.lineage,
      int64: request.int64,
    });
  }

  /**
   * The latest feature values for entities, from the online store, with statuses and event times.
   * The registry is read once and refreshed in the background (`cache_ttl_seconds`).
   *
   * @example
   * const res = await store.getOnlineFeatures({ features: ["user_stats:clicks"], entityRows: [{ user_id: 123 }] });
   * res.toObject();   // { user_id: [123], clicks: [5n] }
   */
  async getOnlineFeatures<const R extends OnlineFeaturesRequest>(request: R): Promise<OnlineResponse<RequestedColumns<R>>> {
    this.retriever ??= new OnlineRetriever(this.registryCache(), this.onlineStore(), this.config.entityKeySerializationVersion, Date.now, this.transforms);
    return this.retriever.get(request) as Promise<OnlineResponse<RequestedColumns<R>>>;
  }

  /**
   * Loads the latest row per entity with `start <= event time <= end` from the offline store into
   * the online store, for every online view (or `featureViews`), and records the interval.
   */
  async materialize(start: Date, end: Date, options: MaterializeOptions = {}): Promise<MaterializeResult> {
    const context = await this.materializeContext();
    const result = await this.traceMaterialization(context, options, async () => (await import("./materialize/materializer.js")).materialize(context, start, end, options));
    await this.cache?.refresh();
    return result;
  }

  /** Materializes each view from where its last run ended up to `end`. */
  async materializeIncremental(end: Date, options: MaterializeOptions = {}): Promise<MaterializeResult> {
    const context = await this.materializeContext();
    const result = await this.traceMaterialization(context, options, async () => (await import("./materialize/materializer.js")).materializeIncremental(context, end, options));
    await this.cache?.refresh();
    return result;
  }

  /** Compares online values with the latest offline values as of each view's last materialization. */
  async validate(options: ValidateOptions = {}): Promise<ValidationReport> {
    return (await import("./checks/validate.js")).validateOnline(await this.materializeContext(), options);
  }

  /** Per view: last materialized end, lag, and whether it exceeds the schedule interval. */
  async freshness(options: FreshnessOptions = {}): Promise<ViewFreshness[]> {
    return (await import("./checks/freshness.js")).checkFreshness(await this.catalog(), options);
  }

  /** The offline store `feature_store.yaml` configures (or the one given to `open`), opened on first use. */
  offlineStore(): OfflineStore {
    this.offline ??= new LazyOfflineStore(this.config);
    return this.offline;
  }

  /** The online store `online_store` configures (opened on first use). */
  onlineStore(): OnlineStore {
    this.online ??= openOnlineStore(this.config);
    return this.online;
  }

  /** Releases connections, files and the registry refresh timer. */
  async close(): Promise<void> {
    this.cache?.close();
    const online = this.online;
    const offline = this.offline;
    this.online = undefined;
    this.offline = undefined;
    this.retriever = undefined;
    await online?.close();
    await offline?.close();
  }

  private async materializeContext(): Promise<MaterializeContext> {
    return { config: this.config, registry: this.registry, catalog: await this.catalog(), offline: this.offlineStore(), online: this.onlineStore() };
  }

  private async traceMaterialization(context: MaterializeContext, options: MaterializeOptions, work: () => Promise<MaterializeResult>): Promise<MaterializeResult> {
    if (!this.lineage || !this.config.openLineage?.emitOnMaterialize) return work();
    return this.lineage.run(await (await import("./lineage/openlineage/materialize-run.js")).materializationRun(this.lineage, context.catalog, this.config, options.featureViews), work);
  }

  private registryCache(): RegistryCache {
    this.cache ??= new RegistryCache(this.registry, this.project, {
      ttlSeconds: this.config.registry.cacheTtlSeconds,
      onHealthChange: (health, error) => this.healthListeners.forEach((listener) => listener(health, error)),
    });
    return this.cache;
  }

  private async definitions(): Promise<Definitions> {
    return (await (await import("./repo/load-definitions.js")).loadDefinitions(this.config.repoPath)).definitions;
  }
}

/** The feature service a selection names, if it is one. */
function featureServiceName(selection: FeatureSelection): string | undefined {
  if (Array.isArray(selection)) return undefined;
  const named = (selection as { featureService?: unknown; name?: unknown });
  if (typeof named.featureService === "string") return named.featureService;
  return typeof named.name === "string" ? named.name : undefined;
}

function configOf(source: FeatureStoreSource): RepoConfig {
  if (typeof source === "string") return loadRepoConfig(source);
  if (isRepoConfig(source)) return source;
  const { repoPath, ...keys } = source as FeatureStoreYaml;
  return parseRepoConfig(keys, path.resolve(repoPath ?? "."), "config object");
}

function isRepoConfig(source: RepoConfig | FeatureStoreYaml): source is RepoConfig {
  const registry = (source as RepoConfig).registry;
  return typeof registry === "object" && registry !== null && "registryType" in registry && "onlineStore" in source;
}

