import { ConfigError } from "../../errors";
import { checkKeys } from "../config-keys";

/** `online_store: type: dynamodb`, with the keys and defaults of Feast 0.66's DynamoDBOnlineStoreConfig. */
export interface DynamoDbOnlineStoreConfig {
  type: "dynamodb";
  region: string;
  endpointUrl?: string;
  /** Keys per BatchGetItem (DynamoDB allows at most 100). */
  batchSize: number;
  /** `{project}` and `{table_name}` are replaced, as Python's str.format does. */
  tableNameTemplate: string;
  consistentReads: boolean;
  tags?: Record<string, string>;
}

/** Keys Feast accepts that tune its Python clients (pools, threads, timeouts): accepted and ignored here. */
const FEAST_TUNING_KEYS = [
  "warmup_connections", "session_based_auth", "max_read_workers", "max_pool_connections", "keepalive_timeout",
  "connect_timeout", "read_timeout", "total_max_retry_attempts", "retry_mode",
];
const KEYS = ["type", "region", "endpoint_url", "batch_size", "table_name_template", "consistent_reads", "tags", ...FEAST_TUNING_KEYS];

/** Parses the `online_store` mapping of a DynamoDB store; `where` names a key in the file. */
export function parseDynamoDbConfig(spec: Record<string, unknown>, where: (key: string) => string): DynamoDbOnlineStoreConfig {
  checkKeys(spec, KEYS, where);
  if (typeof spec.region !== "string" || spec.region.length === 0) {
    throw new ConfigError(`${where("online_store.region")} is required with type: dynamodb`, "set the AWS region of the tables, e.g. `region: us-west-2`");
  }
  const endpoint = spec.endpoint_url ?? undefined;
  if (endpoint !== undefined && typeof endpoint !== "string") throw new ConfigError(`${where("online_store.endpoint_url")} must be a URL`);
  const batchSize = spec.batch_size ?? 100;
  if (typeof batchSize !== "number" || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100) {
    throw new ConfigError(`${where("online_store.batch_size")} must be a whole number from 1 to 100`, "DynamoDB's BatchGetItem takes at most 100 keys");
  }
  const template = spec.table_name_template ?? "{project}.{table_name}";
  if (typeof template !== "string" || !template.includes("{table_name}")) {
    throw new ConfigError(`${where("online_store.table_name_template")} must be a string containing {table_name}`);
  }
  if (spec.consistent_reads !== undefined && typeof spec.consistent_reads !== "boolean") {
    throw new ConfigError(`${where("online_store.consistent_reads")} must be true or false`);
  }
  const tags = spec.tags ?? undefined;
  if (tags !== undefined && (typeof tags !== "object" || tags === null || Object.values(tags).some((v) => typeof v !== "string"))) {
    throw new ConfigError(`${where("online_store.tags")} must be a mapping of strings`);
  }
  return {
    type: "dynamodb", region: spec.region, endpointUrl: endpoint, batchSize, tableNameTemplate: template,
    consistentReads: spec.consistent_reads === true, tags: tags as Record<string, string> | undefined,
  };
}
