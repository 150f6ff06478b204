import * as pulumi from "@pulumi/pulumi";
import type { OnlineStoreInput } from "../provider/registry-object-provider";
import { renderFeatureStoreYaml, type Cloud, type OfflineStoreSettings, type OidcSettings } from "./feature-store-yaml";
import { CONNECTION_ENV } from "./materialization-job";

/** What a deployment (local, AWS, GCP) gives the feature store. */
export interface Deployment {
  /** The registry location the registry objects are written to. */
  registry: pulumi.Output<string>;
  /** feature_store.yaml for apps and Feast users (a secret output when it holds a password). */
  featureStoreYaml: pulumi.Output<string>;
  /**
   * The online store as the deploying machine reaches it, when it does (local: the SQLite file).
   * Cloud Redis sits in a private network: its keys expire by `key_ttl_seconds` instead.
   */
  reachableOnlineStore?: OnlineStoreInput;
  /** The Redis server's CA certificate (PEM) when clients must be given it (GCP Memorystore). */
  redisCaCertificate?: pulumi.Output<string>;
  /** Where apps read features, when the deployment runs `skewless serve` for them. */
  featureServerUrl?: pulumi.Output<string>;
}

/** How feature_store.yaml names the connection string where the job's environment holds it. */
export const CONNECTION_REFERENCE = `\${${CONNECTION_ENV}}`;

/** What every deployment needs to know about the store. */
export interface StoreSettings {
  project: string;
  offlineStore?: OfflineStoreSettings;
  /** Redis: seconds after an entity's last write its key expires (feature_store.yaml's `key_ttl_seconds`). */
  redisKeyTtlSeconds?: number;
}

/** Where the job and apps find the Redis server's CA certificate (GCP: Memorystore signs with its own CA). */
export interface RedisCaFiles {
  /** The PEM text, written to `jobPath` by the job before it connects. */
  certificate: pulumi.Output<string>;
  /** Absolute path in the job's container. */
  jobPath: string;
  /** Absolute path where apps put `certificate` (the exported yaml names it). */
  appPath: string;
}

/**
 * A cloud deployment's two feature_store.yaml files, with Redis online: the one its jobs and servers
 * get (the connection string left to their environment, see CONNECTION_REFERENCE, plus the server's
 * `auth`), and the one the stack outputs for apps and Feast users. That one holds the connection
 * string (so it is a secret) only when `connectionString` is given; without it, it holds no credential.
 */
export function redisStoreYamls(
  store: StoreSettings, provider: Cloud, registryUri: pulumi.Output<string>,
  options: { connectionString?: pulumi.Output<string>; auth?: OidcSettings; ca?: RedisCaFiles } = {},
): { forJob: pulumi.Output<string>; output: pulumi.Output<string> } {
  const { redisKeyTtlSeconds, ...common } = store;
  // redis-py and Skewless both read `ssl_ca_certs=<file>` from the connection string.
  const withCa = (conn: string, caPath?: string) => (caPath ? `${conn},ssl_ca_certs=${caPath}` : conn);
  const yaml = (registry: string, conn: string, auth?: OidcSettings) => renderFeatureStoreYaml({
    ...common, registry, provider, onlineStore: { type: "redis", connectionString: conn, keyTtlSeconds: redisKeyTtlSeconds }, auth,
  });
  const { connectionString: connection, ca } = options;
  return {
    forJob: registryUri.apply((uri) => yaml(uri, withCa(CONNECTION_REFERENCE, ca?.jobPath), options.auth)),
    output: connection
      ? pulumi.secret(pulumi.all([registryUri, connection]).apply(([uri, conn]) => yaml(uri, withCa(conn, ca?.appPath))))
      : registryUri.apply((uri) => yaml(uri, withCa(CONNECTION_REFERENCE, ca?.appPath))),
  };
}
