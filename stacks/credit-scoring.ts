import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "@skewless/runtime";
import { FeatureStore, projectRoot, resolveLocal, type AwsStoreArgs, type Cloud, type GcpStoreArgs } from "@skewless/pulumi";

/** The stack's outputs: what apps and Feast users need. */
export interface CreditScoringOutputs {
  cloud: string;
  project: pulumi.Output<string>;
  registry: pulumi.Output<string>;
  /** Ready to drop next to an app or a Feast repo; a secret on aws and gcp (it holds the Redis password). */
  featureStoreYaml: pulumi.Output<string>;
  /** On aws and gcp: the feature server apps call (no store credentials needed). */
  featureServerUrl?: pulumi.Output<string>;
  featureViews: string[];
  featureServices: string[];
  /** gcp: Memorystore's CA certificate, for the file the exported yaml's `ssl_ca_certs` names. */
  redisCaCertificate?: pulumi.Output<string>;
}

const CLOUDS: readonly Cloud[] = ["local", "aws", "gcp"];

/**
 * The folder of this repository's Pulumi.yaml, from where this module is compiled to
 * (`dist/stacks/`): what an Automation API inline program running this stack stands in for.
 */
const PROGRAM_ROOT = path.resolve(__dirname, "..", "..");

/**
 * The demo credit-scoring feature repo (`stacks/feature_repo`, what `skewless init` writes), deployed
 * where config `skewless:cloud` says: `local` (the dev stack: file registry, parquet, SQLite), `aws` or
 * `gcp`. The definitions are the repo's own modules, the ones `skewless apply` reads. `skewless:repoPath`
 * is absolute or relative to the Pulumi project root (never to the working directory).
 */
export async function creditScoringStack(config = new pulumi.Config("skewless")): Promise<CreditScoringOutputs> {
  const cloud = (config.get("cloud") ?? "local") as Cloud;
  if (!CLOUDS.includes(cloud)) {
    throw new ConfigError(`config skewless:cloud ${JSON.stringify(cloud)} is not supported`, "set it to local, aws or gcp: `pulumi config set skewless:cloud local`");
  }
  const root = projectRoot() ?? PROGRAM_ROOT;
  const repoPath = resolveLocal(config.get("repoPath") ?? path.join("stacks", "feature_repo"), "config skewless:repoPath", root);
  const store = await FeatureStore.fromRepo("credit-scoring", {
    cloud,
    repoPath,
    redisKeyTtlSeconds: config.getNumber("redisKeyTtlSeconds"),
    aws: cloud === "aws" ? awsSettings(config) : undefined,
    gcp: cloud === "gcp" ? gcpSettings(config) : undefined,
  });
  return {
    cloud,
    project: store.project,
    registry: store.registry,
    featureStoreYaml: store.featureStoreYaml,
    featureServerUrl: store.deployment.featureServerUrl,
    featureViews: Object.keys(store.objects.featureViews),
    featureServices: Object.keys(store.objects.featureServices),
    ...(store.deployment.redisCaCertificate ? { redisCaCertificate: store.deployment.redisCaCertificate } : {}),
  };
}

function awsSettings(config: pulumi.Config): AwsStoreArgs {
  // `skewless:onlineStore dynamodb` instead of ElastiCache: then no Redis token is needed.
  const onlineStore = config.get("onlineStore") === "dynamodb" ? "dynamodb" : "redis";
  return {
    vpcId: config.require("vpcId"),
    subnetIds: config.requireObject<string[]>("subnetIds"),
    onlineStore,
    redisAuthToken: onlineStore === "redis" ? config.requireSecret("redisAuthToken") : undefined,
    redisServerPassword: onlineStore === "redis" ? config.requireSecret("redisServerPassword") : undefined,
    redisNodeType: config.get("redisNodeType"),
    featureServer: {
      certificateArn: config.require("featureServerCertificateArn"),
      auth: config.get("oidcDiscoveryUrl") ? { discoveryUrl: config.require("oidcDiscoveryUrl"), clientId: config.get("oidcClientId") } : undefined,
    },
    materialization: {
      image: config.require("materializationImage"), schedule: config.get("materializationSchedule"),
      alarmActions: config.getObject<string[]>("alarmActions"),
    },
  };
}

function gcpSettings(config: pulumi.Config): GcpStoreArgs {
  return {
    region: config.require("region"),
    network: config.require("network"),
    subnetwork: config.require("subnetwork"),
    redisCaCertPath: config.get("redisCaCertPath"),
    featureServer: {
      invokers: config.requireObject<string[]>("featureServerInvokers"),
      auth: config.get("oidcDiscoveryUrl") ? { discoveryUrl: config.require("oidcDiscoveryUrl"), clientId: config.get("oidcClientId") } : undefined,
    },
    materialization: {
      image: config.require("materializationImage"), schedule: config.get("materializationSchedule"),
      notificationChannels: config.getObject<string[]>("alarmNotificationChannels"),
    },
  };
}
