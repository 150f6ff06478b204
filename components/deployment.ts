import * as pulumi from "@pulumi/pulumi";
import { renderFeatureStoreYaml, type Cloud, type OfflineStoreSettings } from "./feature-store-yaml";
import { CONNECTION_ENV } from "./materialization-job";

/** What a deployment (local, AWS, GCP) gives the feature store. */
export interface Deployment {
  /** The registry location the registry objects are written to. */
  registry: pulumi.Output<string>;
  /** feature_store.yaml for apps and Feast users (a secret output when it holds a password). */
  featureStoreYaml: pulumi.Output<string>;
}

/** How feature_store.yaml names the connection string where the job's environment holds it. */
export const CONNECTION_REFERENCE = `\${${CONNECTION_ENV}}`;

/** What every deployment needs to know about the store. */
export interface StoreSettings {
  project: string;
  offlineStore?: OfflineStoreSettings;
}

/**
 * A cloud deployment's two feature_store.yaml files, with Redis online: the materialization job's
 * (the connection string left to its environment, see CONNECTION_REFERENCE) and the one the stack
 * outputs for apps and Feast users (with the connection string, so a secret).
 */
export function redisStoreYamls(
  store: StoreSettings, provider: Cloud, registryUri: pulumi.Output<string>, connectionString: pulumi.Output<string>,
): { forJob: pulumi.Output<string>; output: pulumi.Output<string> } {
  const yaml = (registry: string, conn: string) => renderFeatureStoreYaml({ ...store, registry, provider, onlineStore: { type: "redis", connectionString: conn } });
  return {
    forJob: registryUri.apply((uri) => yaml(uri, CONNECTION_REFERENCE)),
    output: pulumi.secret(pulumi.all([registryUri, connectionString]).apply(([uri, conn]) => yaml(uri, conn))),
  };
}
