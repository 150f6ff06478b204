import type { ProtoMessage } from "./codec";

// TypeScript shapes of the Feast messages Skewless reads and writes. Field names are the proto's;
// every field is optional because proto3 omits defaults. Decoded messages always carry arrays for
// repeated fields and objects for maps.

export interface TimestampProto extends ProtoMessage { seconds?: bigint; nanos?: number }
export interface DurationProto extends ProtoMessage { seconds?: bigint; nanos?: number }
export type Tags = Record<string, string>;

export interface FeatureSpecProto extends ProtoMessage {
  name?: string;
  value_type?: number;
  tags?: Tags;
  description?: string;
}

export interface ObjectMetaProto extends ProtoMessage {
  created_timestamp?: TimestampProto;
  last_updated_timestamp?: TimestampProto;
  /** Skewless's own field: who wrote the object (see ownership.ts). */
  skewless_managed_by?: string;
}

export interface DataSourceProto extends ProtoMessage {
  name?: string;
  project?: string;
  description?: string;
  tags?: Tags;
  owner?: string;
  type?: number;
  field_mapping?: Tags;
  timestamp_field?: string;
  date_partition_column?: string;
  created_timestamp_column?: string;
  data_source_class_type?: string;
  batch_source?: DataSourceProto;
  meta?: ObjectMetaProto;
  file_options?: ProtoMessage & { file_format?: ProtoMessage; uri?: string; s3_endpoint_override?: string };
  bigquery_options?: ProtoMessage & { table?: string; query?: string };
  snowflake_options?: ProtoMessage & { table?: string; query?: string; schema?: string; database?: string };
  push_options?: ProtoMessage;
  kafka_options?: ProtoMessage & {
    kafka_bootstrap_servers?: string;
    topic?: string;
    message_format?: ProtoMessage & {
      json_format?: ProtoMessage & { schema_json?: string };
      avro_format?: ProtoMessage & { schema_json?: string };
      proto_format?: ProtoMessage & { class_path?: string };
    };
    watermark_delay_threshold?: DurationProto;
  };
  request_data_options?: ProtoMessage & { schema?: FeatureSpecProto[] };
}

export interface EntitySpecProto extends ProtoMessage {
  name?: string;
  value_type?: number;
  description?: string;
  join_key?: string;
  tags?: Tags;
  project?: string;
  owner?: string;
}
export interface EntityProto extends ProtoMessage { spec?: EntitySpecProto; meta?: ObjectMetaProto }

export interface MaterializationIntervalProto extends ProtoMessage {
  start_time?: TimestampProto;
  end_time?: TimestampProto;
}

export interface FeatureViewSpecProto extends ProtoMessage {
  name?: string;
  project?: string;
  entities?: string[];
  features?: FeatureSpecProto[];
  tags?: Tags;
  ttl?: DurationProto;
  batch_source?: DataSourceProto;
  online?: boolean;
  stream_source?: DataSourceProto;
  description?: string;
  owner?: string;
  entity_columns?: FeatureSpecProto[];
  offline?: boolean;
  version?: string;
}
export interface FeatureViewMetaProto extends ObjectMetaProto {
  materialization_intervals?: MaterializationIntervalProto[];
  state?: number;
}
export interface FeatureViewProto extends ProtoMessage { spec?: FeatureViewSpecProto; meta?: FeatureViewMetaProto }

export interface FeatureViewProjectionProto extends ProtoMessage {
  feature_view_name?: string;
  feature_columns?: FeatureSpecProto[];
  feature_view_name_alias?: string;
  join_key_map?: Tags;
  timestamp_field?: string;
  date_partition_column?: string;
  created_timestamp_column?: string;
  batch_source?: DataSourceProto;
  stream_source?: DataSourceProto;
  view_type?: string;
}

export interface FeatureServiceSpecProto extends ProtoMessage {
  name?: string;
  project?: string;
  features?: FeatureViewProjectionProto[];
  tags?: Tags;
  description?: string;
  owner?: string;
}
export interface FeatureServiceProto extends ProtoMessage { spec?: FeatureServiceSpecProto; meta?: ObjectMetaProto }

export interface UserDefinedFunctionProto extends ProtoMessage {
  name?: string;
  /** dill-pickled Python, as Feast writes it; empty for a TypeScript transform. */
  body?: Uint8Array;
  body_text?: string;
  mode?: string;
}

export interface OnDemandSourceProto extends ProtoMessage {
  feature_view?: FeatureViewProto;
  request_data_source?: DataSourceProto;
  feature_view_projection?: FeatureViewProjectionProto;
}

export interface OnDemandFeatureViewSpecProto extends ProtoMessage {
  name?: string;
  project?: string;
  features?: FeatureSpecProto[];
  sources?: Record<string, OnDemandSourceProto>;
  user_defined_function?: UserDefinedFunctionProto;
  description?: string;
  tags?: Tags;
  owner?: string;
  feature_transformation?: ProtoMessage & { user_defined_function?: UserDefinedFunctionProto; substrait_transformation?: ProtoMessage };
  mode?: string;
  write_to_online_store?: boolean;
  singleton?: boolean;
  version?: string;
}
export interface OnDemandFeatureViewProto extends ProtoMessage { spec?: OnDemandFeatureViewSpecProto; meta?: ObjectMetaProto }

export interface AggregationProto extends ProtoMessage {
  column?: string;
  function?: string;
  time_window?: DurationProto;
  slide_interval?: DurationProto;
  name?: string;
}

export interface StreamFeatureViewSpecProto extends ProtoMessage {
  name?: string;
  project?: string;
  entities?: string[];
  features?: FeatureSpecProto[];
  entity_columns?: FeatureSpecProto[];
  description?: string;
  tags?: Tags;
  owner?: string;
  ttl?: DurationProto;
  batch_source?: DataSourceProto;
  stream_source?: DataSourceProto;
  online?: boolean;
  mode?: string;
  aggregations?: AggregationProto[];
  timestamp_field?: string;
  enable_tiling?: boolean;
  tiling_hop_size?: DurationProto;
  version?: string;
}
export interface StreamFeatureViewProto extends ProtoMessage { spec?: StreamFeatureViewSpecProto; meta?: FeatureViewMetaProto }

/** Any registry object with a `spec` carrying `name` and `project` (on-demand views, permissions, ...). */
export interface SpecObjectProto extends ProtoMessage {
  spec?: ProtoMessage & { name?: string; project?: string; tags?: Tags };
  meta?: ObjectMetaProto;
}

export interface ProjectProto extends ProtoMessage {
  spec?: ProtoMessage & { name?: string; description?: string; tags?: Tags; owner?: string };
  meta?: ObjectMetaProto;
}

export interface InfraObjectProto extends ProtoMessage {
  infra_object_class_type?: string;
  sqlite_table?: ProtoMessage & { path?: string; name?: string };
  /** Stores without a message of their own (Feast's DynamoDBTable: JSON bytes). */
  custom_infra?: ProtoMessage & { field?: Uint8Array };
}

export interface RegistryProto extends ProtoMessage {
  entities?: EntityProto[];
  registry_schema_version?: string;
  version_id?: string;
  last_updated?: TimestampProto;
  feature_views?: FeatureViewProto[];
  feature_services?: FeatureServiceProto[];
  on_demand_feature_views?: OnDemandFeatureViewProto[];
  infra?: ProtoMessage & { infra_objects?: InfraObjectProto[] };
  saved_datasets?: SpecObjectProto[];
  data_sources?: DataSourceProto[];
  stream_feature_views?: StreamFeatureViewProto[];
  project_metadata?: (ProtoMessage & { project?: string; project_uuid?: string })[];
  permissions?: SpecObjectProto[];
  projects?: ProjectProto[];
  label_views?: SpecObjectProto[];
}

export const REGISTRY_TYPE = "feast.core.Registry";
