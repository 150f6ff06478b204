import type { Entity } from "../definitions/entity";
import { DTYPE_HINT } from "../definitions/entity";
import type { FeatureService } from "../definitions/feature-service";
import type { FeatureView, FeatureViewProjection } from "../definitions/feature-view";
import type { AnySource, BatchDataSource, DataSource, KafkaSource, PushSource, RequestSource } from "../definitions/sources";
import { describeValueType, dtypeToValueType, ValueType } from "../definitions/dtypes";
import { DefinitionError } from "../errors";
import { durationFromSeconds } from "./proto/time";
import type {
  DataSourceProto, EntityProto, FeatureServiceProto, FeatureSpecProto, FeatureViewProjectionProto, FeatureViewProto,
} from "./proto/types";

// Definitions → Feast protos, field for field as Feast's Python SDK writes them, so Feast reads
// what Skewless applies as if `feast apply` had written it.

export const FILE_SOURCE_CLASS = "feast.infra.offline_stores.file_source.FileSource";
export const BIGQUERY_SOURCE_CLASS = "feast.infra.offline_stores.bigquery_source.BigQuerySource";
export const SNOWFLAKE_SOURCE_CLASS = "feast.infra.offline_stores.snowflake_source.SnowflakeSource";
export const PUSH_SOURCE_CLASS = "feast.data_source.PushSource";
export const REQUEST_SOURCE_CLASS = "feast.data_source.RequestSource";
export const KAFKA_SOURCE_CLASS = "feast.data_source.KafkaSource";
export const SOURCE_TYPE = { BATCH_FILE: 1, BATCH_BIGQUERY: 2, STREAM_KAFKA: 3, REQUEST_SOURCE: 7, BATCH_SNOWFLAKE: 8, PUSH_SOURCE: 9 } as const;

/** Feast's placeholder entity for views without entities. */
export const DUMMY_ENTITY_NAME = "__dummy";
export const DUMMY_ENTITY_ID = "__dummy_id";

/** What a view needs to know of an entity, whether defined in the repo or already registered. */
export interface EntityInfo {
  name: string;
  joinKey: string;
  /** 0 when unknown (Feast's UNKNOWN). */
  valueType: number;
}

export type EntityResolver = (name: string) => EntityInfo | undefined;

export function entityToProto(entity: Entity, project: string, valueType = dtypeOf(entity)): EntityProto {
  return {
    spec: {
      name: entity.name,
      value_type: valueType,
      description: entity.description,
      join_key: entity.joinKey,
      tags: { ...entity.tags },
      project,
      owner: entity.owner,
    },
    meta: {},
  };
}

export function dummyEntityProto(project: string): EntityProto {
  return { spec: { name: DUMMY_ENTITY_NAME, join_key: DUMMY_ENTITY_ID, project }, meta: {} };
}

function dtypeOf(entity: Entity): number {
  return entity.valueType ? dtypeToValueType(entity.valueType) ?? 0 : 0;
}

/**
 * A data source as Feast writes it: with `project` for the registry's top-level `data_sources`,
 * without it when embedded in a view.
 */
export function dataSourceToProto(source: AnySource, project?: string): DataSourceProto {
  if (source.sourceType === "request") return requestSourceToProto(source, project);
  if (source.sourceType === "push") {
    // A push source's rows have the batch source's columns
    const batch = source.batchSource;
    return streamSourceProto(source, project, SOURCE_TYPE.PUSH_SOURCE, PUSH_SOURCE_CLASS, batch.timestampField, batch.createdTimestampColumn, batch.fieldMapping);
  }
  if (source.sourceType === "kafka") return kafkaSourceProto(source, project);
  const proto = batchSourceProto(source);
  if (project !== undefined) proto.project = project;
  return proto;
}

/** What every non-batch source carries: its name, project (at the registry's top level) and metadata. */
function sourceMetadata(source: RequestSource | PushSource | KafkaSource, project: string | undefined): DataSourceProto {
  return {
    name: source.name,
    ...(project !== undefined ? { project } : {}),
    description: source.description,
    tags: { ...source.tags },
    owner: source.owner,
  };
}

/** Feast's RequestSource: its schema in `request_data_options`, no timestamp. */
function requestSourceToProto(source: RequestSource, project?: string): DataSourceProto {
  return {
    ...sourceMetadata(source, project),
    type: SOURCE_TYPE.REQUEST_SOURCE,
    data_source_class_type: REQUEST_SOURCE_CLASS,
    request_data_options: { schema: source.schema.map(fieldToProto) },
    meta: {},
  };
}

export function fieldToProto(f: { name: string; dtype: Parameters<typeof dtypeToValueType>[0]; tags: Record<string, string>; description: string }): FeatureSpecProto {
  return { name: f.name, value_type: dtypeToValueType(f.dtype)!, tags: { ...f.tags }, description: f.description };
}

/** As Feast 0.66's KafkaSource.to_proto: its own timestamp and mapping, and the topic's options. */
function kafkaSourceProto(source: KafkaSource, project?: string): DataSourceProto {
  const format = source.messageFormat;
  return {
    ...streamSourceProto(source, project, SOURCE_TYPE.STREAM_KAFKA, KAFKA_SOURCE_CLASS, source.timestampField, source.createdTimestampColumn, source.fieldMapping),
    kafka_options: {
      kafka_bootstrap_servers: source.kafkaBootstrapServers,
      topic: source.topic,
      message_format: format.format === "avro" ? { avro_format: { schema_json: format.schema } } : { json_format: { schema_json: format.schema ?? "" } },
      watermark_delay_threshold: source.watermarkDelaySeconds ? durationFromSeconds(source.watermarkDelaySeconds) : undefined,
    },
  };
}

/** What push and Kafka sources share; Feast embeds their batch source without a class. */
function streamSourceProto(
  source: PushSource | KafkaSource, project: string | undefined, type: number, className: string,
  timestampField: string, createdTimestampColumn: string, fieldMapping: Record<string, string>,
): DataSourceProto {
  return {
    ...sourceMetadata(source, project),
    type,
    timestamp_field: timestampField,
    created_timestamp_column: createdTimestampColumn,
    field_mapping: { ...fieldMapping },
    data_source_class_type: className,
    batch_source: withoutClass(batchSourceProto(source.batchSource)),
    meta: {},
  };
}

function batchSourceProto(source: BatchDataSource): DataSourceProto {
  const common: DataSourceProto = {
    name: source.name,
    description: source.description,
    tags: { ...source.tags },
    owner: source.owner,
    field_mapping: { ...source.fieldMapping },
    timestamp_field: source.timestampField,
    created_timestamp_column: source.createdTimestampColumn,
    date_partition_column: source.datePartitionColumn,
    meta: {},
  };
  if (source.sourceType === "file") {
    return {
      ...common,
      type: SOURCE_TYPE.BATCH_FILE,
      data_source_class_type: FILE_SOURCE_CLASS,
      file_options: { uri: source.path, s3_endpoint_override: source.s3EndpointOverride },
    };
  }
  if (source.sourceType === "snowflake") {
    return {
      ...common,
      type: SOURCE_TYPE.BATCH_SNOWFLAKE,
      data_source_class_type: SNOWFLAKE_SOURCE_CLASS,
      snowflake_options: { database: source.database, schema: source.schema, table: source.table, query: source.query },
    };
  }
  return {
    ...common,
    type: SOURCE_TYPE.BATCH_BIGQUERY,
    data_source_class_type: BIGQUERY_SOURCE_CLASS,
    bigquery_options: { table: source.table, query: source.query },
  };
}

/**
 * A feature view as Feast writes it: entity names, `entity_columns` with the join keys' types,
 * the batch source embedded (and the push source as `stream_source`).
 */
export function featureViewToProto(view: FeatureView, project: string, resolveEntity: EntityResolver): FeatureViewProto {
  const what = `feature view ${view.name}`;
  const entityNames = view.entityNames;
  const joinKeyTypes = new Map<string, number>();
  const entityColumns: FeatureSpecProto[] = [];
  for (const name of entityNames) {
    const entity = resolveEntity(name);
    if (!entity) {
      throw new DefinitionError(`${what} uses entity ${name}, which is not defined`, "export the Entity from a module in the repo (or apply it first)");
    }
    if (joinKeyTypes.has(entity.joinKey)) {
      throw new DefinitionError(`${what}: two of its entities share the join key ${entity.joinKey}`);
    }
    const field = view.schema.find((f) => f.name === entity.joinKey);
    const fieldType = field ? dtypeToValueType(field.dtype)! : 0;
    if (entity.valueType && fieldType && entity.valueType !== fieldType) {
      throw new DefinitionError(
        `${what}: field ${entity.joinKey} is the join key of entity ${name}, but it is declared ${describeValueType(fieldType)} while the entity says ${describeValueType(entity.valueType)}`,
        "a feature cannot be named like a join key; fix the dtype or rename the feature",
      );
    }
    const valueType = entity.valueType || fieldType;
    if (!valueType) {
      throw new DefinitionError(
        `${what}: the type of join key ${entity.joinKey} (entity ${name}) is unknown`,
        `set valueType on entity ${name}, or add { name: "${entity.joinKey}", dtype: ... } to the view's schema. ${DTYPE_HINT}`,
      );
    }
    joinKeyTypes.set(entity.joinKey, valueType);
    entityColumns.push({ name: entity.joinKey, value_type: valueType });
  }
  const features = view.schema
    .filter((f) => !joinKeyTypes.has(f.name))
    .map(fieldToProto);
  if (features.length === 0) throw new DefinitionError(`${what} has no features`, "list at least one feature in schema");
  const timestampField = batchOf(view.source).timestampField;
  if (!timestampField) {
    throw new DefinitionError(`${what}: source ${view.source.name} has no timestampField`, "set timestampField on the source to the event timestamp column");
  }
  for (const f of features) {
    if (f.name === timestampField) throw new DefinitionError(`${what}: feature ${f.name} is the source's timestamp column`);
  }
  const isStream = view.source.sourceType === "push" || view.source.sourceType === "kafka";
  return {
    spec: {
      name: view.name,
      project,
      entities: entityNames.length ? entityNames : [DUMMY_ENTITY_NAME],
      features,
      tags: { ...view.tags },
      ttl: durationFromSeconds(view.ttlSeconds),
      batch_source: dataSourceToProto(batchOf(view.source)),
      online: view.online,
      stream_source: isStream ? dataSourceToProto(view.source) : undefined,
      description: view.description,
      owner: view.owner,
      entity_columns: entityColumns.length ? entityColumns : [{ name: DUMMY_ENTITY_ID, value_type: ValueType.STRING }],
      offline: view.offline,
      version: "latest",
    },
    meta: {},
  };
}

function withoutClass(source: DataSourceProto): DataSourceProto {
  const { data_source_class_type: _class, ...rest } = source;
  return rest;
}

function batchOf(source: DataSource): BatchDataSource {
  return source.sourceType === "push" || source.sourceType === "kafka" ? source.batchSource : source;
}

/** Where a service's projections find their views (repo definitions first, then the registry). */
export type ViewResolver = (name: string) => { spec?: { features?: FeatureSpecProto[]; batch_source?: DataSourceProto } } | undefined;

export function featureServiceToProto(service: FeatureService, project: string, resolveView: ViewResolver): FeatureServiceProto {
  const what = `feature service ${service.name}`;
  const features = service.projections.map((projection) => projectionToProto(projection, what, resolveView));
  return {
    spec: { name: service.name, project, features, tags: { ...service.tags }, description: service.description, owner: service.owner },
    meta: {},
  };
}

/** A projection as Feast stores it in a service (and in an on-demand view's sources). */
export function projectionToProto(projection: FeatureViewProjection, what: string, resolveView: ViewResolver): FeatureViewProjectionProto {
  const view = resolveView(projection.view.name);
  if (!view?.spec) {
    throw new DefinitionError(`${what} uses feature view ${projection.view.name}, which is not defined`, "export the FeatureView from a module in the repo");
  }
  const all = view.spec.features ?? [];
  const selected = projection.features
    ? projection.features.map((name) => {
        const feature = all.find((f) => f.name === name);
        if (!feature) {
          throw new DefinitionError(
            `${what} selects feature ${name} from view ${projection.view.name}, which has no such feature`,
            `its features are: ${all.map((f) => f.name).join(", ")}`,
          );
        }
        return feature;
      })
    : all;
  const batch = view.spec.batch_source;
  return {
    feature_view_name: projection.view.name,
    feature_columns: selected.map((f) => ({ ...f })),
    feature_view_name_alias: projection.alias ?? "",
    join_key_map: { ...projection.joinKeyMap },
    // Feast 0.66 stores the source's created-timestamp column in both fields; mirrored as is.
    timestamp_field: batch?.created_timestamp_column ?? "",
    created_timestamp_column: batch?.created_timestamp_column ?? "",
    date_partition_column: batch?.date_partition_column ?? "",
    // Feast's projection copies the view's batch source without its class; the registry stamps
    // the copy's meta when it stores the service (RegistryModel.upsert)
    batch_source: batch && { ...withoutClass(batch), meta: {} },
    view_type: "featureView",
  };
}
