import { BigQuerySource, FileSource, KafkaSource, PushSource, type DataSource } from "../../definitions/sources";
import { DefinitionError } from "../../errors";
import type { DataSourceProto, Tags } from "../proto/types";
import { durationToSeconds } from "../proto/time";
import { withoutOwnership } from "../ownership";
import { dataSourceToProto, SOURCE_TYPE } from "../to-proto";
import { others, type FlatSpec } from "./flat";
import type { SpecHandler } from "./handler";
import { metadataFromProto, metadataOptions, type ObjectSpecMetadata } from "./spec-input";

interface BatchSourceSpecBase extends ObjectSpecMetadata {
  name: string;
  timestampField: string;
  createdTimestampColumn: string;
  datePartitionColumn: string;
  fieldMapping: Tags;
}

export interface FileSourceSpec extends BatchSourceSpecBase {
  type: "file";
  path: string;
  s3EndpointOverride: string;
}

export interface BigQuerySourceSpec extends BatchSourceSpecBase {
  type: "bigquery";
  table: string;
  query: string;
}

export interface PushSourceSpec extends ObjectSpecMetadata {
  name: string;
  type: "push";
  batchSource: FileSourceSpec | BigQuerySourceSpec;
}

export interface KafkaSourceSpec extends ObjectSpecMetadata {
  name: string;
  type: "kafka";
  kafkaBootstrapServers: string;
  topic: string;
  timestampField: string;
  createdTimestampColumn: string;
  fieldMapping: Tags;
  /** `json` or `avro`. */
  messageFormat: string;
  /** Feast's schema_json of the message format. */
  schemaJson: string;
  /** Seconds; 0 when not set. */
  watermarkDelaySeconds: number;
  batchSource: FileSourceSpec | BigQuerySourceSpec;
}

/** A source Skewless cannot write (Snowflake, ...), as read from a registry Feast wrote. */
export interface UnsupportedSourceSpec extends ObjectSpecMetadata {
  name: string;
  type: "unsupported";
  /** Feast's source type, e.g. `snowflake`. */
  sourceType: string;
}

export type DataSourceSpec = FileSourceSpec | BigQuerySourceSpec | PushSourceSpec | KafkaSourceSpec | UnsupportedSourceSpec;

/** Feast's `DataSource.SourceType` names, by number. */
const SOURCE_TYPE_NAMES: Record<number, string> = {
  0: "invalid", 1: "file", 2: "bigquery", 3: "kafka", 4: "kinesis", 5: "redshift", 6: "custom", 7: "request",
  8: "snowflake", 9: "push", 10: "trino", 11: "spark", 12: "athena", 13: "iceberg",
};

const typeName = (type: number | undefined): string => SOURCE_TYPE_NAMES[type ?? 0] ?? `type ${type}`;

export const dataSourceHandler: SpecHandler<DataSourceProto, DataSourceSpec> = {
  fromProto: sourceSpec,
  toProto: (spec, project) => dataSourceToProto(sourceFromSpec(spec), project),
  check(spec) {
    dataSourceHandler.toProto(spec, "check");
  },
  flatten: (proto) => flattenDataSource(proto),
};

function sourceSpec(proto: DataSourceProto): DataSourceSpec {
  const name = proto.name ?? "";
  if (proto.type === SOURCE_TYPE.PUSH_SOURCE && proto.batch_source) {
    const batch = sourceSpec(proto.batch_source);
    if (batch.type === "file" || batch.type === "bigquery") return { name, type: "push", batchSource: batch, ...metadataFromProto(proto) };
  }
  if (proto.type === SOURCE_TYPE.STREAM_KAFKA && proto.batch_source && proto.kafka_options) {
    const batch = sourceSpec(proto.batch_source);
    if (batch.type === "file" || batch.type === "bigquery") return kafkaSpec(proto, batch);
  }
  const base: Omit<BatchSourceSpecBase, "name"> = {
    timestampField: proto.timestamp_field ?? "",
    createdTimestampColumn: proto.created_timestamp_column ?? "",
    datePartitionColumn: proto.date_partition_column ?? "",
    fieldMapping: { ...(proto.field_mapping ?? {}) },
    ...metadataFromProto(proto),
  };
  // `type` right after `name`, so previews read "name, type, ..." first.
  if (proto.type === SOURCE_TYPE.BATCH_FILE) {
    const file = { path: proto.file_options?.uri ?? "", s3EndpointOverride: proto.file_options?.s3_endpoint_override ?? "" };
    return { name, type: "file", ...base, ...file };
  }
  if (proto.type === SOURCE_TYPE.BATCH_BIGQUERY) {
    return { name, type: "bigquery", ...base, table: proto.bigquery_options?.table ?? "", query: proto.bigquery_options?.query ?? "" };
  }
  return { name, type: "unsupported", sourceType: typeName(proto.type), ...metadataFromProto(proto) };
}

function kafkaSpec(proto: DataSourceProto, batchSource: FileSourceSpec | BigQuerySourceSpec): KafkaSourceSpec {
  const options = proto.kafka_options ?? {};
  const avro = options.message_format?.avro_format;
  return {
    name: proto.name ?? "",
    type: "kafka",
    kafkaBootstrapServers: options.kafka_bootstrap_servers ?? "",
    topic: options.topic ?? "",
    timestampField: proto.timestamp_field ?? "",
    createdTimestampColumn: proto.created_timestamp_column ?? "",
    fieldMapping: { ...(proto.field_mapping ?? {}) },
    messageFormat: avro ? "avro" : "json",
    schemaJson: (avro ?? options.message_format?.json_format)?.schema_json ?? "",
    watermarkDelaySeconds: durationToSeconds(options.watermark_delay_threshold),
    batchSource,
    ...metadataFromProto(proto),
  };
}

/** The source definition a spec describes (validated as the definition class validates it). */
export function sourceFromSpec(spec: DataSourceSpec): DataSource {
  switch (spec?.type) {
    case "file":
      return new FileSource({ ...batchOptions(spec), path: spec.path, s3EndpointOverride: spec.s3EndpointOverride || undefined });
    case "bigquery":
      return new BigQuerySource({ ...batchOptions(spec), table: spec.table || undefined, query: spec.query || undefined });
    case "push":
      return new PushSource({ name: spec.name, batchSource: batchFromSpec(spec.batchSource, `PushSource ${spec.name}`), ...metadataOptions(spec) });
    case "kafka":
      return new KafkaSource({
        name: spec.name,
        kafkaBootstrapServers: spec.kafkaBootstrapServers,
        topic: spec.topic,
        timestampField: spec.timestampField,
        createdTimestampColumn: spec.createdTimestampColumn,
        fieldMapping: spec.fieldMapping,
        messageFormat: spec.messageFormat === "avro" ? { format: "avro", schema: spec.schemaJson } : { format: "json", schema: spec.schemaJson || undefined },
        watermarkDelayThreshold: spec.watermarkDelaySeconds || undefined,
        batchSource: batchFromSpec(spec.batchSource, `KafkaSource ${spec.name}`),
        ...metadataOptions(spec),
      });
    case "unsupported":
      throw new DefinitionError(`data source ${spec.name} is a ${spec.sourceType} source, which Skewless cannot write`, "define it with Feast, or use a file, bigquery, push or kafka source");
    default: {
      const given = spec as { name?: unknown; type?: unknown } | undefined;
      throw new DefinitionError(`data source ${String(given?.name ?? "")}: type ${JSON.stringify(given?.type)} is not a source type`, 'use "file", "bigquery", "push" or "kafka"');
    }
  }
}

function batchFromSpec(spec: DataSourceSpec, what: string): FileSource | BigQuerySource {
  const batch = sourceFromSpec(spec);
  if (batch.sourceType !== "file" && batch.sourceType !== "bigquery") throw new DefinitionError(`${what}: batchSource must be a file or bigquery source`);
  return batch;
}

function batchOptions(spec: FileSourceSpec | BigQuerySourceSpec) {
  return {
    name: spec.name,
    timestampField: spec.timestampField,
    createdTimestampColumn: spec.createdTimestampColumn,
    datePartitionColumn: spec.datePartitionColumn,
    fieldMapping: spec.fieldMapping,
    ...metadataOptions(spec),
  };
}

/** A source as plans print it; `prefix` for one embedded in another object (`source.path`). */
export function flattenDataSource(proto: DataSourceProto, prefix = ""): FlatSpec {
  const out: FlatSpec = {
    type: typeName(proto.type),
    timestampField: proto.timestamp_field ?? "",
    createdTimestampColumn: proto.created_timestamp_column ?? "",
    datePartitionColumn: proto.date_partition_column ?? "",
    fieldMapping: { ...(proto.field_mapping ?? {}) },
  };
  if (proto.file_options) {
    out.path = proto.file_options.uri ?? "";
    if (proto.file_options.s3_endpoint_override) out.s3EndpointOverride = proto.file_options.s3_endpoint_override;
  }
  if (proto.bigquery_options) {
    if (proto.bigquery_options.table) out.table = proto.bigquery_options.table;
    if (proto.bigquery_options.query) out.query = proto.bigquery_options.query;
  }
  if (proto.batch_source) {
    out.batchSource = proto.batch_source.name ?? "";
    Object.assign(out, flattenDataSource(proto.batch_source, "batchSource."));
  }
  if (!prefix) {
    Object.assign(out, { description: proto.description ?? "", owner: proto.owner ?? "", tags: withoutOwnership(proto.tags) });
  }
  const covered = [
    "name", "project", "type", "timestamp_field", "created_timestamp_column", "date_partition_column", "field_mapping",
    "file_options", "bigquery_options", "batch_source", "description", "owner", "tags", "meta", "data_source_class_type",
  ];
  Object.assign(out, others(proto, covered));
  return prefix ? Object.fromEntries(Object.entries(out).map(([k, v]) => [`${prefix}${k}`, v])) : out;
}
