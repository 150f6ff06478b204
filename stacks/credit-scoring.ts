import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "@skewless/runtime";
import { FeatureStore, type Cloud } from "../components";
import type { AwsStoreArgs } from "../components/aws/aws-deployment";
import type { GcpStoreArgs } from "../components/gcp/gcp-deployment";

/** The stack's outputs: what apps and Feast users need. */
export interface CreditScoringOutputs {
  cloud: string;
  project: pulumi.Output<string>;
  registry: pulumi.Output<string>;
  /** Ready to drop next to an app or a Feast repo; a secret on aws and gcp (it holds the Redis password). */
  featureStoreYaml: pulumi.Output<string>;
  /** On aws: the feature server apps call (no store credentials needed). */
  featureServerUrl?: pulumi.Output<string>;
  featureViews: string[];
  featureServices: string[];
}

const CLOUDS: readonly Cloud[] = ["local", "aws", "gcp"];

/**
 * The demo credit-scoring feature repo (`stacks/feature_repo`, what `skewless init` writes), deployed
 * where config `skewless:cloud` says: `local` (the dev stack: file registry, parquet, SQLite), `aws` or
 * `gcp`. The definitions are the repo's own modules, the ones `skewless apply` reads.
 */
export async function creditScoringStack(config = new pulumi.Config("skewless")): Promise<CreditScoringOutputs> {
  const cloud = (config.get("cloud") ?? "local") as Cloud;
  if (!CLOUDS.includes(cloud)) {
    throw new ConfigError(`config skewless:cloud ${JSON.stringify(cloud)} is not supported`, "set it to local, aws or gcp: `pulumi config set skewless:cloud local`");
  }
  const repoPath = path.resolve(config.get("repoPath") ?? path.join("stacks", "feature_repo"));
  const store = await FeatureStore.fromRepo("credit-scoring", {
    cloud,
    repoPath,
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
  };
}

function awsSettings(config: pulumi.Config): AwsStoreArgs {
  return {
    vpcId: config.require("vpcId"),
    subnetIds: config.requireObject<string[]>("subnetIds"),
    redisAuthToken: config.requireSecret("redisAuthToken"),
    redisServerPassword: config.requireSecret("redisServerPassword"),
    redisNodeType: config.get("redisNodeType"),
    featureServer: {
      certificateArn: config.require("featureServerCertificateArn"),
      auth: config.get("oidcDiscoveryUrl") ? { discoveryUrl: config.require("oidcDiscoveryUrl"), clientId: config.get("oidcClientId") } : undefined,
    },
    materialization: { image: config.require("materializationImage"), schedule: config.get("materializationSchedule") },
  };
}

function gcpSettings(config: pulumi.Config): GcpStoreArgs {
  return {
    region: config.require("region"),
    network: config.require("network"),
    subnetwork: config.require("subnetwork"),
    featureServer: {
      invokers: config.requireObject<string[]>("featureServerInvokers"),
      auth: config.get("oidcDiscoveryUrl") ? { discoveryUrl: config.require("oidcDiscoveryUrl"), clientId: config.get("oidcClientId") } : undefined,
    },
    materialization: { image: config.require("materializationImage"), schedule: config.get("materializationSchedule") },
  };
}
