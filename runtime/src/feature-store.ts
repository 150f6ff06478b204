import { loadRepoConfig, parseRepoConfig, type RepoConfig } from "./config";
import { RegistryCatalog } from "./registry/catalog";
import type { Definitions } from "./registry/compile";
import type { RegistryPlan } from "./registry/diff";
import { Registry } from "./registry/registry";
import { openRegistryStore } from "./registry/stores/open-store";
import { loadDefinitions } from "./repo/load-definitions";
import { applyRepo, planRepo } from "./repo/plan-repo";

/** Where a store comes from: a feature repo folder, or a parsed config. */
export type FeatureStoreSource = string | RepoConfig;

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

  /** Releases connections and files. */
  async close(): Promise<void> {
    // nothing held open yet
  }

  private async definitions(): Promise<Definitions> {
    return (await loadDefinitions(this.config.repoPath)).definitions;
  }
}
