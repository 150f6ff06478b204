import type * as pulumi from "@pulumi/pulumi";
import type { OfflineStoreSettings } from "./feature-store-yaml";
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
