import * as pulumi from "@pulumi/pulumi";
import { redisStoreYamls, type Deployment, type StoreSettings } from "../deployment";
import { AwsDataBucket } from "./data-bucket";
import { AwsMaterializationSchedule } from "./materialization-schedule";
import { AwsRedisOnlineStore } from "./redis-online-store";

export interface AwsStoreArgs {
  vpcId: pulumi.Input<string>;
  /** Private subnets for Redis and the materialization task. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The Redis AUTH token: a Pulumi secret (`pulumi config set --secret`). */
  redisAuthToken: pulumi.Input<string>;
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
  onlineStore: AwsRedisOnlineStore;
  materialization: AwsMaterializationSchedule;
}

/** S3 (registry and data), ElastiCache Redis (online), a scheduled Fargate task (materialization). */
export function awsDeployment(name: string, store: StoreSettings, args: AwsStoreArgs, parent: pulumi.Resource): AwsDeployment {
  const bucket = new AwsDataBucket(`${name}-data`, { forceDestroy: args.forceDestroy }, { parent });
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
