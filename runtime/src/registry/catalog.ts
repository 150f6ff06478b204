import { describeValueType, valueTypeToDtype, type Dtype } from "../definitions/dtypes";
import { ObjectNotFoundError } from "../errors";
import { objectName, type RegistryModel } from "./model";
import { onDemandViewInfo, type OnDemandViewInfo } from "./on-demand-catalog";
import { durationToSeconds, timestampToDate } from "./proto/time";
import type {
  DataSourceProto, EntityProto, FeatureServiceProto, FeatureSpecProto, FeatureViewProto, StreamFeatureViewProto,
} from "./proto/types";
import { aggregationInfos, type AggregationInfo } from "./aggregation-catalog";

// Read-side views of registry objects, as retrieval and materialization use them. They are built
// from the registry's protos, so views written by Feast are served exactly like our own.

export interface ColumnInfo {
  name: string;
  /** Feast value type number. */
  valueType: number;
  /** The Skewless dtype, when the value type has one. */
  dtype?: Dtype;
}

export interface SourceInfo {
  name: string;
  type: "file" | "bigquery" | "snowflake" | "push" | "kafka" | "other";
  /** File sources: the path or URI as written in the registry (relative to the repo when relative). */
  path?: string;
  s3EndpointOverride?: string;
  /** BigQuery and Snowflake sources. */
  table?: string;
  query?: string;
  /** Snowflake sources: the table's database and schema. */
  database?: string;
  schema?: string;
  timestampField: string;
  createdTimestampColumn?: string;
  datePartitionColumn?: string;
  /** Source column → feature (or key, or timestamp) name. */
  fieldMapping: Record<string, string>;
  /** Kafka sources. */
  kafka?: KafkaInfo;
}

export interface KafkaInfo {
  bootstrapServers: string;
  topic: string;
  format: "json" | "avro" | "other";
  /** The message format's schema_json (the Avro schema for avro). */
  schemaJson: string;
}

export interface MaterializationInterval {
  start: Date;
  end: Date;
}

export interface FeatureViewInfo {
  name: string;
  project: string;
  entities: string[];
  /** Join keys with their types, in the view's order. Entityless views have Feast's `__dummy_id`. */
  joinKeys: ColumnInfo[];
  features: ColumnInfo[];
  /** 0 = no TTL (unbounded lookback). */
  ttlSeconds: number;
  online: boolean;
  offline: boolean;
  /** Where history is read from (for a push-fed view, the push source's batch source). */
  batchSource: SourceInfo;
  streamSource?: SourceInfo;
  tags: Record<string, string>;
  materializationIntervals: MaterializationInterval[];
  lastUpdated?: Date;
  /**
   * A stream feature view's windowed aggregations (its `features` are their outputs, served from
   * tiles online and computed over the event log offline); undefined for other views.
   */
  aggregations?: AggregationInfo[];
  /** The event columns the aggregations read (the view's schema), when it has aggregations. */
  inputColumns?: ColumnInfo[];
}

export interface ProjectionInfo {
  viewName: string;
  alias?: string;
  features: string[];
  joinKeyMap: Record<string, string>;
}

export interface FeatureServiceInfo {
  name: string;
  projections: ProjectionInfo[];
  tags: Record<string, string>;
}

export interface EntityInfoView {
  name: string;
  joinKey: string;
  valueType: number;
}

/** The objects of one project in a registry, as typed read-only views. */
export class RegistryCatalog {
  constructor(readonly model: RegistryModel, readonly project: string) {}

  /** A feature view, or a stream feature view (Feast looks names up in both). */
  featureView(name: string): FeatureViewInfo {
    const proto = this.model.get("featureView", this.project, name);
    if (proto) return featureViewInfo(proto);
    const stream = this.model.get("streamFeatureView", this.project, name);
    if (stream) return streamFeatureViewInfo(stream);
    throw new ObjectNotFoundError("feature view", name, this.project, [...this.names("featureView"), ...this.names("streamFeatureView")]);
  }

  /** Feature views, then stream feature views. */
  featureViews(): FeatureViewInfo[] {
    return [
      ...this.model.list("featureView", this.project).map(featureViewInfo),
      ...this.model.list("streamFeatureView", this.project).map(streamFeatureViewInfo),
    ];
  }

  /** An on-demand view, whatever its mode (retrieval refuses the modes it cannot run). */
  onDemandFeatureView(name: string): OnDemandViewInfo {
    const proto = this.model.get("onDemandFeatureView", this.project, name);
    if (!proto) throw new ObjectNotFoundError("on demand feature view", name, this.project, this.names("onDemandFeatureView"));
    return onDemandViewInfo(proto);
  }

  hasOnDemandFeatureView(name: string): boolean {
    return this.model.get("onDemandFeatureView", this.project, name) !== undefined;
  }

  hasFeatureView(name: string): boolean {
    return this.model.get("featureView", this.project, name) !== undefined || this.model.get("streamFeatureView", this.project, name) !== undefined;
  }

  featureService(name: string): FeatureServiceInfo {
    const proto = this.model.get("featureService", this.project, name);
    if (!proto) throw new ObjectNotFoundError("feature service", name, this.project, this.names("featureService"));
    return featureServiceInfo(proto);
  }

  entity(name: string): EntityInfoView {
    const proto = this.model.get("entity", this.project, name);
    if (!proto) throw new ObjectNotFoundError("entity", name, this.project, this.names("entity"));
    return entityInfo(proto);
  }

  entities(): EntityInfoView[] {
    return this.model.list("entity", this.project).map(entityInfo);
  }

  private names(kind: "featureView" | "streamFeatureView" | "onDemandFeatureView" | "featureService" | "entity"): string[] {
    return this.model.list(kind, this.project).map((p) => objectName(kind, p));
  }
}

export function featureViewInfo(proto: FeatureViewProto): FeatureViewInfo {
  const s = proto.spec ?? {};
  const stream = s.stream_source?.type === 9 || s.stream_source?.type === 3 ? sourceInfo(s.stream_source) : undefined;
  return {
    name: s.name ?? "",
    project: s.project ?? "",
    entities: [...(s.entities ?? [])],
    joinKeys: (s.entity_columns ?? []).map(columnInfo),
    features: (s.features ?? []).map(columnInfo),
    ttlSeconds: durationToSeconds(s.ttl),
    online: s.online ?? false,
    offline: s.offline ?? false,
    batchSource: sourceInfo(s.batch_source ?? s.stream_source?.batch_source ?? {}),
    streamSource: stream,
    tags: { ...(s.tags ?? {}) },
    materializationIntervals: (proto.meta?.materialization_intervals ?? []).map((i) => ({
      start: timestampToDate(i.start_time) ?? new Date(0),
      end: timestampToDate(i.end_time) ?? new Date(0),
    })),
    lastUpdated: timestampToDate(proto.meta?.last_updated_timestamp),
  };
}

/**
 * A stream feature view. With aggregations and no UDF (as Skewless writes them) its features are
 * the aggregations; otherwise (Feast's, whose stream job writes the values) its schema, as any view.
 */
export function streamFeatureViewInfo(proto: StreamFeatureViewProto): FeatureViewInfo {
  const info = featureViewInfo(proto as FeatureViewProto);
  const s = proto.spec ?? {};
  const other = s as { user_defined_function?: unknown; feature_transformation?: unknown };
  const hasUdf = other.user_defined_function !== undefined || other.feature_transformation !== undefined;
  if (!s.aggregations?.length || hasUdf) return info;
  const aggregations = aggregationInfos(s);
  return {
    ...info,
    features: aggregations.map((a) => ({ name: a.name, valueType: a.valueType, dtype: valueTypeToDtype(a.valueType) })),
    aggregations,
    inputColumns: info.features,
  };
}

export function featureServiceInfo(proto: FeatureServiceProto): FeatureServiceInfo {
  const s = proto.spec ?? {};
  return {
    name: s.name ?? "",
    projections: (s.features ?? []).map((p) => ({
      viewName: p.feature_view_name ?? "",
      alias: p.feature_view_name_alias || undefined,
      features: (p.feature_columns ?? []).map((f) => f.name ?? ""),
      joinKeyMap: { ...(p.join_key_map ?? {}) },
    })),
    tags: { ...(s.tags ?? {}) },
  };
}

function entityInfo(proto: EntityProto): EntityInfoView {
  return { name: proto.spec?.name ?? "", joinKey: proto.spec?.join_key ?? "", valueType: proto.spec?.value_type ?? 0 };
}

export function sourceInfo(proto: DataSourceProto): SourceInfo {
  const type = proto.type === 1 ? "file" : proto.type === 2 ? "bigquery" : proto.type === 8 ? "snowflake" : proto.type === 9 ? "push" : proto.type === 3 ? "kafka" : "other";
  const warehouse = proto.bigquery_options ?? proto.snowflake_options;
  return {
    name: proto.name ?? "",
    type,
    path: proto.file_options?.uri || undefined,
    s3EndpointOverride: proto.file_options?.s3_endpoint_override || undefined,
    table: warehouse?.table || undefined,
    query: warehouse?.query || undefined,
    database: proto.snowflake_options?.database || undefined,
    schema: proto.snowflake_options?.schema || undefined,
    timestampField: proto.timestamp_field ?? "",
    createdTimestampColumn: proto.created_timestamp_column || undefined,
    datePartitionColumn: proto.date_partition_column || undefined,
    fieldMapping: { ...(proto.field_mapping ?? {}) },
    kafka: proto.kafka_options ? kafkaInfo(proto.kafka_options) : undefined,
  };
}

function kafkaInfo(options: NonNullable<DataSourceProto["kafka_options"]>): KafkaInfo {
  const format = options.message_format ?? {};
  return {
    bootstrapServers: options.kafka_bootstrap_servers ?? "",
    topic: options.topic ?? "",
    format: format.avro_format ? "avro" : format.json_format || !format.proto_format ? "json" : "other",
    schemaJson: (format.avro_format ?? format.json_format)?.schema_json ?? "",
  };
}

function columnInfo(spec: FeatureSpecProto): ColumnInfo {
  const valueType = spec.value_type ?? 0;
  return { name: spec.name ?? "", valueType, dtype: valueTypeToDtype(valueType) };
}

/** `clicks (Int64)`: a column for messages. */
export function describeColumn(column: ColumnInfo): string {
  return `${column.name} (${describeValueType(column.valueType)})`;
}
