import * as pulumi from "@pulumi/pulumi";
import { redisStoreYamls, type Deployment, type StoreSettings } from "../deployment";
import { GcpDataBucket } from "./data-bucket";
import { GcpMaterializationSchedule } from "./materialization-schedule";
import { GcpRedisOnlineStore } from "./redis-online-store";

export interface GcpStoreArgs {
  /** The Google Cloud project (default: the provider's). */
  project?: pulumi.Input<string>;
  region: pulumi.Input<string>;
  /** Bucket location (default: the region). */
  bucketLocation?: pulumi.Input<string>;
  /** VPC network (id or self link) and subnetwork for Memorystore and the job. */
  network: pulumi.Input<string>;
  subnetwork: pulumi.Input<string>;
  redisTier?: pulumi.Input<string>;
  redisMemorySizeGb?: pulumi.Input<number>;
  materialization: {
    /** An image with the `skewless` CLI and the feature repo (at `repoDir`, default /feature_repo). */
    image: pulumi.Input<string>;
    repoDir?: string;
    /** Cron in UTC; default hourly. */
    schedule?: pulumi.Input<string>;
  };
  /** Let `pulumi destroy` delete the bucket with registry and data in it (default false). */
  forceDestroy?: boolean;
}

export interface GcpDeployment extends Deployment {
  bucket: GcpDataBucket;
  onlineStore: GcpRedisOnlineStore;
  materialization: GcpMaterializationSchedule;
}

/** GCS (registry and data), Memorystore Redis (online), Cloud Scheduler + Cloud Run job (materialization). */
export function gcpDeployment(name: string, store: StoreSettings, args: GcpStoreArgs, parent: pulumi.Resource): GcpDeployment {
  const bucket = new GcpDataBucket(`${name}-data`, { location: args.bucketLocation ?? args.region, forceDestroy: args.forceDestroy }, { parent });
  const onlineStore = new GcpRedisOnlineStore(`${name}-online`, {
    region: args.region, network: args.network, tier: args.redisTier, memorySizeGb: args.redisMemorySizeGb,
  }, { parent });
  const yamls = redisStoreYamls(store, "gcp", bucket.registryUri, { connectionString: onlineStore.connectionString });
  const materialization = new GcpMaterializationSchedule(`${name}-materialize`, {
    ...args.materialization,
    project: args.project,
    region: args.region,
    network: args.network,
    subnetwork: args.subnetwork,
    bucketName: bucket.bucketName,
    featureStoreYaml: yamls.forJob,
    connectionString: onlineStore.connectionString,
  }, { parent });
  return {
    registry: bucket.registryUri,
    featureStoreYaml: yamls.output,
    bucket, onlineStore, materialization,
  };
}
