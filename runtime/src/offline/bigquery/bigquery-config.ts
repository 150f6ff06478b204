import { ConfigError } from "../../errors";
import { optionalString } from "../offline-store-module";

/** Feast's `BigQueryOfflineStoreConfig` keys, camelCased. */
export interface BigQueryOfflineStoreConfig {
  /** Where Skewless's temporary tables (uploaded entity rows) go; Feast's default `feast`. */
  dataset: string;
  /** The project holding `dataset` (default: the client's, from the credentials or GOOGLE_CLOUD_PROJECT). */
  projectId?: string;
  /** The project queries are billed to (default: `projectId`). */
  billingProjectId?: string;
  /** The dataset's location (`US`, `EU`, ...); jobs run there. */
  location?: string;
  /** Accepted for Feast's sake: Skewless reads results through the API, not through GCS exports. */
  gcsStagingLocation?: string;
  tableCreateDisposition: "CREATE_IF_NEEDED" | "CREATE_NEVER";
}

export const BIGQUERY_KEYS = ["dataset", "project_id", "billing_project_id", "location", "gcs_staging_location", "table_create_disposition"];

const DATASET = /^[A-Za-z0-9_]{1,1024}$/;

export function parseBigQueryConfig(options: Readonly<Record<string, unknown>>, where: (key: string) => string): BigQueryOfflineStoreConfig {
  const dataset = optionalString(options, "dataset", where) ?? "feast";
  if (!DATASET.test(dataset)) throw new ConfigError(`${where("dataset")} ${JSON.stringify(dataset)} is not a BigQuery dataset name`, "letters, digits and underscores");
  const disposition = optionalString(options, "table_create_disposition", where) ?? "CREATE_IF_NEEDED";
  if (disposition !== "CREATE_IF_NEEDED" && disposition !== "CREATE_NEVER") {
    throw new ConfigError(`${where("table_create_disposition")} ${JSON.stringify(disposition)} is not supported`, "use CREATE_IF_NEEDED or CREATE_NEVER");
  }
  const gcs = optionalString(options, "gcs_staging_location", where);
  if (gcs !== undefined && !gcs.startsWith("gs://")) throw new ConfigError(`${where("gcs_staging_location")} must be a gs:// URI`);
  return {
    dataset,
    projectId: optionalString(options, "project_id", where),
    billingProjectId: optionalString(options, "billing_project_id", where),
    location: optionalString(options, "location", where),
    gcsStagingLocation: gcs,
    tableCreateDisposition: disposition,
  };
}
