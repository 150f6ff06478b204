import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { CA_FILE, DEFAULT_REPO_DIR, type MaterializationRecovery } from "../materialization-job";
import { redisStoreYamls, type Deployment, type StoreSettings } from "../deployment";
import { GcpDataBucket } from "./data-bucket";
import type { OidcSettings } from "../feature-store-yaml";
import { GcpFeatureServer, SERVE_NETWORK_TAG } from "./feature-server";
import { GcpMaterializationSchedule, MATERIALIZE_NETWORK_TAG } from "./materialization-schedule";
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
  /** Retries and alarm thresholds: MaterializationRecovery. */
  materialization: MaterializationRecovery & {
    /** An image with the `skewless` CLI and the feature repo (at `repoDir`, default /feature_repo). */
    image: pulumi.Input<string>;
    repoDir?: string;
    /** Cron in UTC; default hourly. */
    schedule?: pulumi.Input<string>;
    /** Cloud Monitoring notification channel ids for the alert on failed executions. */
    notificationChannels?: pulumi.Input<pulumi.Input<string>[]>;
  };
  /** Absolute path where trusted clients keep Memorystore's CA certificate (the `redisCaCertificate` output); default /etc/skewless/redis-ca.pem. */
  redisCaCertPath?: string;
  /** `skewless serve` on Cloud Run: what apps call instead of Redis. */
  featureServer: {
    /** IAM members that may call it (`serviceAccount:app@project.iam.gserviceaccount.com`). */
    invokers: pulumi.Input<string>[];
    /** Image with the CLI and the repo; default: the materialization image. */
    image?: pulumi.Input<string>;
    /** The OpenID provider tokens come from; permissions are enforced when set. */
    auth?: OidcSettings;
  };
  /** Let `pulumi destroy` delete the bucket with registry and data in it (default false). */
  forceDestroy?: boolean;
}

export interface GcpDeployment extends Deployment {
  bucket: GcpDataBucket;
  onlineStore: GcpRedisOnlineStore;
  materialization: GcpMaterializationSchedule;
  featureServer: GcpFeatureServer;
}

const DEFAULT_APP_CA_PATH = "/etc/skewless/redis-ca.pem";

/**
 * GCS (registry and data), Memorystore Redis (online, reachable only from the server and the job),
 * Cloud Scheduler + Cloud Run job (materialization), `skewless serve` on Cloud Run with IAM invoker.
 * The exported feature_store.yaml holds no credential: apps call the server.
 */
export function gcpDeployment(name: string, store: StoreSettings, args: GcpStoreArgs, parent: pulumi.Resource): GcpDeployment {
  const bucket = new GcpDataBucket(`${name}-data`, { location: args.bucketLocation ?? args.region, forceDestroy: args.forceDestroy }, { parent });
  const onlineStore = new GcpRedisOnlineStore(`${name}-online`, {
    region: args.region, network: args.network, tier: args.redisTier, memorySizeGb: args.redisMemorySizeGb,
    clientTags: [SERVE_NETWORK_TAG, MATERIALIZE_NETWORK_TAG],
  }, { parent });
  // Memorystore signs its TLS certificate with a per-instance CA: the job and the server write it
  // next to the repo; a trusted client installs it where `redisCaCertPath` says.
  const repoDir = args.materialization.repoDir ?? DEFAULT_REPO_DIR;
  const ca = { certificate: onlineStore.caCertificate, jobPath: path.posix.join(repoDir, CA_FILE), appPath: args.redisCaCertPath ?? DEFAULT_APP_CA_PATH };
  const yamls = redisStoreYamls(store, "gcp", bucket.registryUri, { ca });
  const materialization = new GcpMaterializationSchedule(`${name}-materialize`, {
    ...args.materialization,
    project: args.project,
    region: args.region,
    network: args.network,
    subnetwork: args.subnetwork,
    bucketName: bucket.bucketName,
    featureStoreYaml: yamls.forJob,
    connectionString: onlineStore.connectionString,
    caCertificate: onlineStore.caCertificate,
  }, { parent });
  const featureServer = new GcpFeatureServer(`${name}-serve`, {
    image: args.featureServer.image ?? args.materialization.image, repoDir: args.materialization.repoDir,
    region: args.region, network: args.network, subnetwork: args.subnetwork, bucketName: bucket.bucketName,
    featureStoreYaml: redisStoreYamls(store, "gcp", bucket.registryUri, { auth: args.featureServer.auth, ca }).forJob,
    connectionString: onlineStore.connectionString, caCertificate: onlineStore.caCertificate, invokers: args.featureServer.invokers,
  }, { parent });
  return {
    registry: bucket.registryUri,
    featureStoreYaml: yamls.output,
    redisCaCertificate: onlineStore.caCertificate,
    featureServerUrl: featureServer.url,
    bucket, onlineStore, materialization, featureServer,
  };
}
