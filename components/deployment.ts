import * as pulumi from "@pulumi/pulumi";
import { renderFeatureStoreYaml, type Cloud, type OfflineStoreSettings, type OidcSettings } from "./feature-store-yaml";
import { CONNECTION_ENV } from "./materialization-job";

/** What a deployment (local, AWS, GCP) gives the feature store. */
export interface Deployment {
  /** The registry location the registry objects are written to. */
  registry: pulumi.Output<string>;
  /** feature_store.yaml for apps and Feast users (a secret output when it holds a password). */
  featureStoreYaml: pulumi.Output<string>;
  /** Where apps read features, when the deployment runs `skewless serve` for them. */
  featureServerUrl?: pulumi.Output<string>;
}

/** How feature_store.yaml names the connection string where the job's environment holds it. */
export const CONNECTION_REFERENCE = `\${${CONNECTION_ENV}}`;

/** What every deployment needs to know about the store. */
export interface StoreSettings {
  project: string;
  offlineStore?: OfflineStoreSettings;
}

/**
 * A cloud deployment's two feature_store.yaml files, with Redis online: the one its jobs and servers
 * get (the connection string left to their environment, see CONNECTION_REFERENCE, plus the server's
 * `auth`), and the one the stack outputs for apps and Feast users. That one holds the connection
 * string (so it is a secret) only when `connectionString` is given; without it, it holds no credential.
 */
export function redisStoreYamls(
  store: StoreSettings, provider: Cloud, registryUri: pulumi.Output<string>,
  options: { connectionString?: pulumi.Output<string>; auth?: OidcSettings } = {},
): { forJob: pulumi.Output<string>; output: pulumi.Output<string> } {
  const yaml = (registry: string, conn: string, auth?: OidcSettings) =>
    renderFeatureStoreYaml({ ...store, registry, provider, onlineStore: { type: "redis", connectionString: conn }, auth });
  const connection = options.connectionString;
  return {
    forJob: registryUri.apply((uri) => yaml(uri, CONNECTION_REFERENCE, options.auth)),
    output: connection
      ? pulumi.secret(pulumi.all([registryUri, connection]).apply(([uri, conn]) => yaml(uri, conn)))
      : registryUri.apply((uri) => yaml(uri, CONNECTION_REFERENCE)),
  };
}
