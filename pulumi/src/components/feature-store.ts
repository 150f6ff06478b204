import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadDefinitions, loadRepoConfig, type Definitions } from "@skewless/runtime/internal";
import { awsDeployment, type AwsStoreArgs } from "./aws/aws-deployment";
import type { Deployment } from "./deployment";
import type { Cloud, OfflineStoreSettings } from "./feature-store-yaml";
import { gcpDeployment, type GcpStoreArgs } from "./gcp/gcp-deployment";
import { localDeployment, type LocalStoreArgs } from "./local-deployment";
import { registerDefinitions, type RegisteredObjects } from "./register-definitions";
import type { OnlineStoreInput } from "../provider/registry-object-provider";
import { resolveLocal } from "./project-root";
import type { RegistryTarget } from "./registry-target";

export interface FeatureStoreArgs {
  /** The Feast project (feature_store.yaml's `project`). */
  project: string;
  /** Where it runs: `local` (file registry, parquet, SQLite), `aws` or `gcp`. */
  cloud: Cloud;
  /** The definitions to register: what `skewless apply` reads from the repo (see `FeatureStore.fromRepo`). */
  definitions: Definitions;
  /** feature_store.yaml's offline store (default: parquet files, `type: file`). */
  offlineStore?: OfflineStoreSettings;
  /** Redis (aws, gcp): seconds after an entity's last write its key expires; default 30 days. */
  redisKeyTtlSeconds?: number;
  /** Settings for `cloud: "local"`. */
  local?: LocalStoreArgs;
  /** Settings for `cloud: "aws"`. */
  aws?: AwsStoreArgs;
  /** Settings for `cloud: "gcp"`. */
  gcp?: GcpStoreArgs;
}

export type FeatureStoreFromRepoArgs = Omit<FeatureStoreArgs, "project" | "definitions" | "local">;

/**
 * A Skewless feature store: its registry objects (one resource per entity, source, view and
 * service, diffed against registry.pb) and, on a cloud, the online store, the data bucket, IAM
 * and the scheduled materialization. Exports a ready `feature_store.yaml`.
 *
 * @example
 * const store = await FeatureStore.fromRepo("credit-scoring", { cloud: "local", repoPath: "stacks/feature_repo" });
 * export const featureStoreYaml = store.featureStoreYaml;
 */
export class FeatureStore extends pulumi.ComponentResource implements RegistryTarget {
  readonly project: pulumi.Output<string>;
  /** Where registry.pb is: an absolute path, or an s3:// / gs:// URI. */
  readonly registry: pulumi.Output<string>;
  /** feature_store.yaml for apps and Feast users; a secret output when it holds the Redis password. */
  readonly featureStoreYaml: pulumi.Output<string>;
  readonly objects: RegisteredObjects;
  /** The online store feature views keep in step, when this machine reaches it (local SQLite). */
  readonly onlineStore?: OnlineStoreInput;
  /** Where the registry and feature_store.yaml come from; on aws and gcp, the cloud components too. */
  readonly deployment: Deployment;

  constructor(name: string, args: FeatureStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:index:FeatureStore", name, { project: args.project, cloud: args.cloud }, opts);
    this.deployment = deploy(name, args, this);
    this.project = pulumi.output(args.project);
    this.registry = this.deployment.registry;
    this.featureStoreYaml = this.deployment.featureStoreYaml;
    this.onlineStore = this.deployment.reachableOnlineStore;
    this.objects = registerDefinitions(name, this, args.definitions, args.project);
    this.registerOutputs({ project: this.project, registry: this.registry, featureStoreYaml: this.featureStoreYaml });
  }

  /**
   * A store for a feature repo folder (absolute, or relative to the Pulumi project root): its
   * definitions (the modules `skewless apply` scans) and its project; for `local`, its
   * feature_store.yaml's registry and SQLite paths too.
   */
  static async fromRepo(name: string, args: FeatureStoreFromRepoArgs & { repoPath: string }, opts?: pulumi.ComponentResourceOptions): Promise<FeatureStore> {
    const { repoPath: given, ...rest } = args;
    const repoPath = resolveLocal(given, `feature store ${name}: repoPath`);
    const config = loadRepoConfig(repoPath);
    const { definitions } = await loadDefinitions(repoPath);
    // A loaded config's paths are absolute already (or URIs).
    const local: LocalStoreArgs = { repoPath, registryPath: config.registry.path };
    if (config.onlineStore.type === "sqlite") local.onlineStorePath = config.onlineStore.path;
    const type = config.offlineStore.type;
    if (type === "snowflake.offline" && !rest.offlineStore) {
      // Its keys hold credentials, which would land in the stack's state and outputs in plain text.
      throw new ConfigError(`feature store ${name}: the stacks do not deploy offline_store type snowflake.offline`,
        "pass offlineStore to FeatureStore, or run Snowflake retrievals from an app with its own feature_store.yaml");
    }
    const offlineStore = rest.offlineStore ?? { type: type as OfflineStoreSettings["type"], options: scalarOptions(config.offlineStore.options) };
    return new FeatureStore(name, { ...rest, offlineStore, project: config.project, definitions, local }, opts);
  }
}

/** 30 days: an entity not written for a month is dropped from Redis (its rows are stale by then). */
const DEFAULT_REDIS_KEY_TTL_SECONDS = 30 * 86_400;

function deploy(name: string, args: FeatureStoreArgs, parent: FeatureStore): Deployment {
  const store = { project: args.project, offlineStore: args.offlineStore, redisKeyTtlSeconds: args.redisKeyTtlSeconds ?? DEFAULT_REDIS_KEY_TTL_SECONDS };
  switch (args.cloud) {
    case "local":
      if (!args.local) throw new ConfigError(`feature store ${name}: cloud local needs \`local: { repoPath }\``);
      return localDeployment(store, args.local);
    case "aws":
      if (!args.aws) throw new ConfigError(`feature store ${name}: cloud aws needs \`aws: { vpcId, subnetIds, redisAuthToken, materialization }\``);
      return awsDeployment(name, store, args.aws, parent);
    case "gcp":
      if (!args.gcp) throw new ConfigError(`feature store ${name}: cloud gcp needs \`gcp: { region, network, subnetwork, materialization }\``);
      return gcpDeployment(name, store, args.gcp, parent);
    default:
      throw new ConfigError(`feature store ${name}: cloud ${JSON.stringify(args.cloud)} is not supported`, "use local, aws or gcp");
  }
}

function scalarOptions(options: Record<string, unknown>): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(options).filter((entry): entry is [string, string | number | boolean] => ["string", "number", "boolean"].includes(typeof entry[1])));
}
