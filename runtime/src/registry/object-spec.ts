import { describeValueType } from "../definitions/dtypes";
import { flattenFeatureService, flattenFeatureView } from "./flat-spec";
import type { KindProtos, ManagedKind } from "./model";
import { withoutOwnership } from "./ownership";
import { permissionSpecFromProto, type PermissionProto, type PermissionSpec } from "./permission-proto";

export type { PermissionSpec };
import type { DataSourceProto, EntityProto, FeatureServiceProto, FeatureViewProto, Tags } from "./proto/types";
import { DUMMY_ENTITY_NAME, SOURCE_TYPE } from "./to-proto";

/**
 * One registry object as plain, readable data: what a Pulumi resource takes as inputs, so
 * `pulumi preview --diff` reads `ttl: "1d" => "2d"` and `features: ["clicks: Int64"]`. A spec
 * holds everything the object's proto holds that a definition can express, so
 * `compileSpec(specFromProto(p))` gives back `p` for every object `skewless apply` writes.
 */
export interface ObjectSpecMetadata {
  description: string;
  owner: string;
  tags: Tags;
}

export interface EntitySpec extends ObjectSpecMetadata {
  name: string;
  joinKey: string;
  /** The join key's dtype (`"Int64"`); `""` when unknown. */
  valueType: string;
}

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

/** A source Skewless cannot write (Kafka, Snowflake, ...), as read from a registry Feast wrote. */
export interface UnsupportedSourceSpec extends ObjectSpecMetadata {
  name: string;
  type: "unsupported";
  /** Feast's source type, e.g. `kafka`. */
  sourceType: string;
}

export type DataSourceSpec = FileSourceSpec | BigQuerySourceSpec | PushSourceSpec | UnsupportedSourceSpec;

export interface FeatureViewSpec extends ObjectSpecMetadata {
  name: string;
  /** Entity names; empty for a view without entities. */
  entities: string[];
  /** One `"join_key: dtype"` per entity, in the same order. */
  joinKeys: string[];
  /** `"name: dtype"`, join key columns excluded. */
  features: string[];
  /** Per-feature descriptions, only for features that have one. */
  featureDescriptions: Record<string, string>;
  /** Per-feature tags, only for features that have some. */
  featureTags: Record<string, Tags>;
  /** `"1d"`, `"2h"`; `"0s"` means values never expire. */
  ttl: string;
  online: boolean;
  offline: boolean;
  /** The view's source, embedded as Feast embeds it. */
  source: DataSourceSpec;
}

export interface FeatureServiceSpec extends ObjectSpecMetadata {
  name: string;
  /**
   * One entry per projection: `"view: f1, f2"`, `"view as alias: f1"`, and a trailing
   * `" (join keys entity_key=column)"` when the projection renames join keys.
   */
  features: string[];
}

export interface ObjectSpecs {
  entity: EntitySpec;
  dataSource: DataSourceSpec;
  featureView: FeatureViewSpec;
  featureService: FeatureServiceSpec;
  permission: PermissionSpec;
}

export type ObjectSpec = ObjectSpecs[ManagedKind];

/** The spec of a registry object (ownership tag left out: it is bookkeeping, not content). */
export function specFromProto<K extends ManagedKind>(kind: K, proto: KindProtos[K]): ObjectSpecs[K] {
  switch (kind) {
    case "entity": return entitySpec(proto as EntityProto) as ObjectSpecs[K];
    case "dataSource": return sourceSpec(proto as DataSourceProto) as ObjectSpecs[K];
    case "featureView": return featureViewSpec(proto as FeatureViewProto) as ObjectSpecs[K];
    case "permission": return permissionSpecFromProto(proto as PermissionProto) as ObjectSpecs[K];
    default: return featureServiceSpec(proto as FeatureServiceProto) as ObjectSpecs[K];
  }
}

function entitySpec(proto: EntityProto): EntitySpec {
  const s = proto.spec ?? {};
  return {
    name: s.name ?? "",
    joinKey: s.join_key ?? "",
    valueType: s.value_type ? describeValueType(s.value_type) : "",
    ...metadata(s),
  };
}

function sourceSpec(proto: DataSourceProto): DataSourceSpec {
  const name = proto.name ?? "";
  if (proto.type === SOURCE_TYPE.PUSH_SOURCE && proto.batch_source) {
    const batch = sourceSpec(proto.batch_source);
    if (batch.type === "file" || batch.type === "bigquery") return { name, type: "push", batchSource: batch, ...metadata(proto) };
  }
  const base: Omit<BatchSourceSpecBase, "name"> = {
    timestampField: proto.timestamp_field ?? "",
    createdTimestampColumn: proto.created_timestamp_column ?? "",
    datePartitionColumn: proto.date_partition_column ?? "",
    fieldMapping: { ...(proto.field_mapping ?? {}) },
    ...metadata(proto),
  };
  // `type` right after `name`, so previews read "name, type, ..." first.
  if (proto.type === SOURCE_TYPE.BATCH_FILE) {
    const file = { path: proto.file_options?.uri ?? "", s3EndpointOverride: proto.file_options?.s3_endpoint_override ?? "" };
    return { name, type: "file", ...base, ...file };
  }
  if (proto.type === SOURCE_TYPE.BATCH_BIGQUERY) {
    return { name, type: "bigquery", ...base, table: proto.bigquery_options?.table ?? "", query: proto.bigquery_options?.query ?? "" };
  }
  return { name, type: "unsupported", sourceType: unsupportedTypeName(proto.type), ...metadata(proto) };
}

function featureViewSpec(proto: FeatureViewProto): FeatureViewSpec {
  const s = proto.spec ?? {};
  const flat = flattenFeatureView(proto);
  const dummy = (s.entities ?? []).length === 1 && s.entities![0] === DUMMY_ENTITY_NAME;
  const featureDescriptions: Record<string, string> = {};
  const featureTags: Record<string, Tags> = {};
  for (const f of s.features ?? []) {
    if (f.description) featureDescriptions[f.name ?? ""] = f.description;
    if (f.tags && Object.keys(f.tags).length) featureTags[f.name ?? ""] = { ...f.tags };
  }
  const batch = s.batch_source ?? {};
  const source = s.stream_source?.type === SOURCE_TYPE.PUSH_SOURCE
    ? sourceSpec({ ...s.stream_source, batch_source: s.stream_source.batch_source ?? batch })
    : sourceSpec(batch);
  return {
    name: s.name ?? "",
    entities: dummy ? [] : [...(s.entities ?? [])],
    joinKeys: dummy ? [] : (flat.joinKeys as string[]),
    features: flat.features as string[],
    featureDescriptions,
    featureTags,
    ttl: flat.ttl as string,
    online: s.online ?? false,
    offline: s.offline ?? false,
    source,
    ...metadata(s),
  };
}

function featureServiceSpec(proto: FeatureServiceProto): FeatureServiceSpec {
  const s = proto.spec ?? {};
  return { name: s.name ?? "", features: flattenFeatureService(proto).features as string[], ...metadata(s) };
}

function metadata(m: { description?: string; owner?: string; tags?: Tags }): ObjectSpecMetadata {
  return { description: m.description ?? "", owner: m.owner ?? "", tags: withoutOwnership(m.tags) };
}

const SOURCE_TYPE_NAMES: Record<number, string> = {
  0: "invalid", 3: "kafka", 4: "kinesis", 5: "redshift", 6: "custom", 7: "request", 8: "snowflake", 10: "trino",
  11: "spark", 12: "athena", 13: "iceberg",
};

function unsupportedTypeName(type: number | undefined): string {
  return SOURCE_TYPE_NAMES[type ?? 0] ?? `type ${type}`;
}
