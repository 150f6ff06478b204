import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "@skewless/runtime";
import { redisStoreYamls, type Deployment, type StoreSettings } from "../deployment";
import { renderFeatureStoreYaml, type OidcSettings } from "../feature-store-yaml";
import { AwsDataBucket } from "./data-bucket";
import { AwsDynamoDbOnlineStore } from "./dynamodb-online-store";
import { AwsFeatureServer, type AwsFeatureServerArgs } from "./feature-server";
import { AwsMaterializationSchedule } from "./materialization-schedule";
import { AwsRedisOnlineStore } from "./redis-online-store";
import type { MaterializationRecovery } from "../materialization-job";

export interface AwsStoreArgs {
  vpcId: pulumi.Input<string>;
  /** Private subnets for Redis and the materialization task. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** `redis` (ElastiCache, default) or `dynamodb` (tables per view, IAM scoped to this project's tables). */
  onlineStore?: "redis" | "dynamodb";
  /** The materializer's Redis password: a Pulumi secret (`pulumi config set --secret`). Redis only. */
  redisAuthToken?: pulumi.Input<string>;
  /** The feature server's read-only Redis password: another Pulumi secret. Redis only. */
  redisServerPassword?: pulumi.Input<string>;
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
  onlineStore: AwsRedisOnlineStore | AwsDynamoDbOnlineStore;
  materialization: AwsMaterializationSchedule;
  featureServer: AwsFeatureServer;
}

/**
 * S3 (registry and data), ElastiCache Redis (online) with a read-write user for the scheduled
 * materialization task and a read-only one for `skewless serve` (an ECS service behind an internal
 * HTTPS load balancer). The exported feature_store.yaml holds no credential: apps call the server.
 * Or DynamoDB online instead of Redis (see dynamoDbDeployment).
 */
export function awsDeployment(name: string, store: StoreSettings, args: AwsStoreArgs, parent: pulumi.Resource): AwsDeployment {
  const bucket = new AwsDataBucket(`${name}-data`, { forceDestroy: args.forceDestroy }, { parent });
  if (args.onlineStore === "dynamodb") return dynamoDbDeployment(name, store, args, bucket, parent);
  if (args.redisAuthToken === undefined || args.redisServerPassword === undefined) {
    throw new ConfigError(`feature store ${name}: aws with a Redis online store needs \`redisAuthToken\` and \`redisServerPassword\` (Pulumi secrets)`, "or choose `onlineStore: \"dynamodb\"`");
  }
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
  const featureServer = featureServerFor(name, args, bucket, parent, {
    redisClientSecurityGroupId: onlineStore.serverSecurityGroup.id,
    featureStoreYaml: redisStoreYamls(store, "aws", bucket.registryUri, { auth: args.featureServer.auth }).forJob,
    connectionString: onlineStore.serverConnectionString,
  });
  return {
    registry: bucket.registryUri,
    featureStoreYaml: yamls.output,
    featureServerUrl: featureServer.url,
    bucket, onlineStore, materialization, featureServer,
  };
}

/**
 * DynamoDB online: no Redis, no secret. feature_store.yaml names only the region; the registry
 * objects create and delete the tables on `pulumi up` (the deploying machine reaches DynamoDB, as
 * `skewless apply` does); the materialization task may write, and the feature server read, this
 * project's tables only.
 */
function dynamoDbDeployment(name: string, store: StoreSettings, args: AwsStoreArgs, bucket: AwsDataBucket, parent: pulumi.Resource): AwsDeployment {
  const onlineStore = new AwsDynamoDbOnlineStore(`${name}-online`, { project: store.project, vpcId: args.vpcId }, { parent });
  const { redisKeyTtlSeconds: _ttl, ...common } = store;
  const yaml = (auth?: OidcSettings) => pulumi.all([bucket.registryUri, onlineStore.region]).apply(([registry, region]) =>
    renderFeatureStoreYaml({ ...common, registry, provider: "aws", onlineStore: { type: "dynamodb", region }, auth }));
  const materialization = new AwsMaterializationSchedule(`${name}-materialize`, {
    ...args.materialization,
    subnetIds: args.subnetIds,
    securityGroupIds: [onlineStore.clientSecurityGroup.id],
    bucketArn: bucket.bucketArn,
    featureStoreYaml: yaml(),
    onlineStoreStatements: onlineStore.writerStatements,
  }, { parent });
  const featureServer = featureServerFor(name, args, bucket, parent, {
    redisClientSecurityGroupId: onlineStore.clientSecurityGroup.id,
    featureStoreYaml: yaml(args.featureServer.auth),
    onlineStoreStatements: onlineStore.readerStatements,
  });
  return {
    registry: bucket.registryUri,
    featureStoreYaml: yaml(),
    featureServerUrl: featureServer.url,
    reachableOnlineStore: { type: "dynamodb", region: onlineStore.region },
    bucket, onlineStore, materialization, featureServer,
  };
}

/** `skewless serve` for either online store: what differs is how it reaches the store. */
function featureServerFor(
  name: string, args: AwsStoreArgs, bucket: AwsDataBucket, parent: pulumi.Resource,
  online: Pick<AwsFeatureServerArgs, "redisClientSecurityGroupId" | "featureStoreYaml" | "connectionString" | "onlineStoreStatements">,
): AwsFeatureServer {
  return new AwsFeatureServer(`${name}-serve`, {
    image: args.featureServer.image ?? args.materialization.image, repoDir: args.materialization.repoDir,
    vpcId: args.vpcId, subnetIds: args.subnetIds, certificateArn: args.featureServer.certificateArn, bucketArn: bucket.bucketArn,
    desiredCount: args.featureServer.desiredCount, ...online,
  }, { parent });
}
