import * as pulumi from "@pulumi/pulumi";
import { redisStoreYamls, type Deployment, type StoreSettings } from "../deployment";
import type { OidcSettings } from "../feature-store-yaml";
import { AwsDataBucket } from "./data-bucket";
import { AwsFeatureServer } from "./feature-server";
import { AwsMaterializationSchedule } from "./materialization-schedule";
import { AwsRedisOnlineStore } from "./redis-online-store";
import type { MaterializationRecovery } from "../materialization-job";

export interface AwsStoreArgs {
  vpcId: pulumi.Input<string>;
  /** Private subnets for Redis and the materialization task. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The materializer's Redis password: a Pulumi secret (`pulumi config set --secret`). */
  redisAuthToken: pulumi.Input<string>;
  /** The feature server's read-only Redis password: another Pulumi secret. */
  redisServerPassword: pulumi.Input<string>;
  redisNodeType?: pulumi.Input<string>;
  redisNodes?: number;
  /** Retries and alarm thresholds: MaterializationRecovery. */
  materialization: MaterializationRecovery & {
    /** An image with the `skewless` CLI and the feature repo (at `repoDir`, default /feature_repo). */
    image: pulumi.Input<string>;
    repoDir?: string;
    /** EventBridge Scheduler expression; default `rate(1 hour)`. */
    schedule?: pulumi.Input<string>;
    cpu?: number;
    memory?: number;
    /** Where the alarms on failed runs go (SNS topic ARNs); default a new SNS topic. */
    alarmActions?: pulumi.Input<pulumi.Input<string>[]>;
  };
  /** `skewless serve` behind an internal HTTPS load balancer: what apps call instead of Redis. */
  featureServer: {
    /** ACM certificate for the load balancer. */
    certificateArn: pulumi.Input<string>;
    /** Image with the CLI and the repo; default: the materialization image. */
    image?: pulumi.Input<string>;
    desiredCount?: number;
    /** The OpenID provider tokens come from; permissions are enforced when set. */
    auth?: OidcSettings;
  };
  /** Let `pulumi destroy` delete the bucket with registry and data in it (default false). */
  forceDestroy?: boolean;
}

export interface AwsDeployment extends Deployment {
  bucket: AwsDataBucket;
  onlineStore: AwsRedisOnlineStore;
  materialization: AwsMaterializationSchedule;
  featureServer: AwsFeatureServer;
}

/**
 * S3 (registry and data), ElastiCache Redis (online) with a read-write user for the scheduled
 * materialization task and a read-only one for `skewless serve` (an ECS service behind an internal
 * HTTPS load balancer). The exported feature_store.yaml holds no credential: apps call the server.
 */
export function awsDeployment(name: string, store: StoreSettings, args: AwsStoreArgs, parent: pulumi.Resource): AwsDeployment {
  const bucket = new AwsDataBucket(`${name}-data`, { forceDestroy: args.forceDestroy }, { parent });
  const onlineStore = new AwsRedisOnlineStore(`${name}-online`, {
    vpcId: args.vpcId, subnetIds: args.subnetIds, authToken: args.redisAuthToken, serverPassword: args.redisServerPassword,
    nodeType: args.redisNodeType, nodes: args.redisNodes,
  }, { parent });
  const yamls = redisStoreYamls(store, "aws", bucket.registryUri);
  const materialization = new AwsMaterializationSchedule(`${name}-materialize`, {
    ...args.materialization,
    subnetIds: args.subnetIds,
    securityGroupIds: [onlineStore.materializerSecurityGroup.id],
    bucketArn: bucket.bucketArn,
    featureStoreYaml: yamls.forJob,
    connectionString: onlineStore.materializerConnectionString,
  }, { parent });
  const featureServer = new AwsFeatureServer(`${name}-serve`, {
    image: args.featureServer.image ?? args.materialization.image, repoDir: args.materialization.repoDir,
    vpcId: args.vpcId, subnetIds: args.subnetIds, redisClientSecurityGroupId: onlineStore.serverSecurityGroup.id,
    certificateArn: args.featureServer.certificateArn, bucketArn: bucket.bucketArn,
    featureStoreYaml: redisStoreYamls(store, "aws", bucket.registryUri, { auth: args.featureServer.auth }).forJob,
    connectionString: onlineStore.serverConnectionString, desiredCount: args.featureServer.desiredCount,
  }, { parent });
  return {
    registry: bucket.registryUri,
    featureStoreYaml: yamls.output,
    featureServerUrl: featureServer.url,
    bucket, onlineStore, materialization, featureServer,
  };
}
