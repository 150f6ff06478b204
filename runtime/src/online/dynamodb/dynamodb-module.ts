import type { OnlineStoreModule } from "../online-module";
import { parseDynamoDbConfig, type DynamoDbOnlineStoreConfig } from "./dynamodb-config";
import { dynamoTableName } from "./dynamodb-layout";
import { DynamoDbOnlineStore } from "./dynamodb-online-store";

/** Feast's class name for the DynamoDB tables its `plan` reports (a `custom_infra` object holding JSON). */
export const DYNAMODB_TABLE_CLASS = "feast.infra.online_stores.dynamodb.DynamoDBTable";

/** A table per view named by `table_name_template`, created and deleted by `apply`. */
export const dynamoDbModule: OnlineStoreModule<DynamoDbOnlineStoreConfig> = {
  type: "dynamodb",
  parseConfig: (spec, { where }) => parseDynamoDbConfig(spec, where),
  open: (config, { project }) => new DynamoDbOnlineStore(config, project),
  infra(config, project) {
    // The template around `{table_name}`, with the project filled in, tells this project's tables apart.
    const [prefix = "", suffix = ""] = config.tableNameTemplate.replaceAll("{project}", project).split("{table_name}");
    return {
      classType: DYNAMODB_TABLE_CLASS,
      label: "DynamoDB table",
      object: (table) => ({
        infra_object_class_type: DYNAMODB_TABLE_CLASS,
        custom_infra: { field: Buffer.from(tableJson(dynamoTableName(config.tableNameTemplate, project, table), config)) },
      }),
      tableName: (object) => {
        try {
          return String((JSON.parse(Buffer.from(object.custom_infra?.field ?? []).toString("utf8")) as { name?: unknown }).name ?? "");
        } catch {
          return "";
        }
      },
      viewOf: (name) => (name.length > prefix.length + suffix.length && name.startsWith(prefix) && name.endsWith(suffix) ? name.slice(prefix.length, name.length - suffix.length) : undefined),
    };
  },
};

/** `DynamoDBTable.to_proto()`: Python's `json.dumps` of name, region and endpoint_url, spaced as Python spaces it. */
function tableJson(name: string, config: DynamoDbOnlineStoreConfig): string {
  const fields: [string, string | null][] = [["name", name], ["region", config.region], ["endpoint_url", config.endpointUrl ?? null]];
  return `{${fields.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(", ")}}`;
}
