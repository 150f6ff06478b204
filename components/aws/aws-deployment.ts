import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "@skewless/runtime";
import { redisStoreYamls, type Deployment, type StoreSettings } from "../deployment";
import { renderFeatureStoreYaml } from "../feature-store-yaml";
import { AwsDataBucket } from "./data-bucket";
import { AwsDynamoDbOnlineStore } from "./dynamodb-online-store";
import { AwsMaterializationSchedule } from "./materialization-schedule";
import { AwsRedisOnlineStore } from "./redis-online-store";

export interface AwsStoreArgs {
  vpcId: pulumi.Input<string>;
  /** Private subnets for Redis and the materialization task. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** `redis` (ElastiCache, default) or `dynamodb` (tables per view, IAM scoped to this project's tables). */
  onlineStore?: "redis" | "dynamodb";
  /** The Redis AUTH token: a Pulumi secret (`pulumi config set --secret`). Redis only. */
  redisAuthToken?: pulumi.Input<string>;
  redisNodeType?: pulumi.Input<string>;
  redisNodes?: number;
  materialization: {
    /** An image with the `skewless` CLI and the feature repo (at `repoDir`, default /feature_repo). */
    image: pulumi.Input<string>;
    repoDir?: string;
    /** EventBridge Scheduler expression; default `rate(1 hour)`. */
    schedule?: pulumi.Input<string>;
    cpu?: number;
    memory?: number;
  };
  /** Let `pulumi destroy` delete the bucket with registry and data in it (default false). */
  forceDestroy?: boolean;
}

export interface AwsDeployment extends Deployment {
  bucket: AwsDataBucket;
  onlineStore: AwsRedisOnlineStore | AwsDynamoDbOnlineStore;
  materialization: AwsMaterializationSchedule;
}

/** S3 (registry and data), ElastiCache Redis or DynamoDB (online), a scheduled Fargate task (materialization). */
export function awsDeployment(name: string, store: StoreSettings, args: AwsStoreArgs, parent: pulumi.Resource): AwsDeployment {
  const bucket = new AwsDataBucket(`${name}-data`, { forceDestroy: args.forceDestroy }, { parent });
  if (args.onlineStore === "dynamodb") return dynamoDbDeployment(name, store, args, bucket, parent);
  if (args.redisAuthToken === undefined) throw new ConfigError(`feature store ${name}: aws with a Redis online store needs \`redisAuthToken\` (a Pulumi secret)`, "or choose `onlineStore: \"dynamodb\"`");
  const onlineStore = new AwsRedisOnlineStore(`${name}-online`, {
    vpcId: args.vpcId, subnetIds: args.subnetIds, authToken: args.redisAuthToken, nodeType: args.redisNodeType, nodes: args.redisNodes,
  }, { parent });
  const yamls = redisStoreYamls(store, "aws", bucket.registryUri, onlineStore.connectionString);
  const materialization = new AwsMaterializationSchedule(`${name}-materialize`, {
    ...args.materialization,
    subnetIds: args.subnetIds,
    securityGroupIds: [onlineStore.clientSecurityGroup.id],
    bucketArn: bucket.bucketArn,
    featureStoreYaml: yamls.forJob,
    connectionString: onlineStore.connectionString,
  }, { parent });
  return {
    registry: bucket.registryUri,
    featureStoreYaml: yamls.output,
    bucket, onlineStore, materialization,
  };
}

/**
 * DynamoDB online: no network path or secret to set up. feature_store.yaml holds only the region;
 * the registry objects create and delete the tables on `pulumi up` (the deploying machine reaches
 * DynamoDB), and the task role may touch this project's tables only.
 */
function dynamoDbDeployment(name: string, store: StoreSettings, args: AwsStoreArgs, bucket: AwsDataBucket, parent: pulumi.Resource): AwsDeployment {
  const onlineStore = new AwsDynamoDbOnlineStore(`${name}-online`, { project: store.project, vpcId: args.vpcId }, { parent });
  const { redisKeyTtlSeconds: _ttl, ...common } = store;
  const yaml = pulumi.all([bucket.registryUri, onlineStore.region]).apply(([registry, region]) =>
    renderFeatureStoreYaml({ ...common, registry, provider: "aws", onlineStore: { type: "dynamodb", region } }));
  const materialization = new AwsMaterializationSchedule(`${name}-materialize`, {
    ...args.materialization,
    subnetIds: args.subnetIds,
    securityGroupIds: [onlineStore.clientSecurityGroup.id],
    bucketArn: bucket.bucketArn,
    featureStoreYaml: yaml,
    onlineStoreStatements: onlineStore.writerStatements,
  }, { parent });
  return {
    registry: bucket.registryUri,
    featureStoreYaml: yaml,
    reachableOnlineStore: { type: "dynamodb", region: onlineStore.region },
    bucket, onlineStore, materialization,
  };
}
