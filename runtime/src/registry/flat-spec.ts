import { describeValueType } from "../definitions/dtypes";
import { formatDuration } from "../duration";
import { UNKNOWN_FIELDS, type ProtoMessage } from "./proto/codec";
import { durationToSeconds } from "./proto/time";
import type {
  DataSourceProto, EntityProto, FeatureServiceProto, FeatureSpecProto, FeatureViewProto, OnDemandFeatureViewProto, StreamFeatureViewProto, Tags,
} from "./proto/types";
import type { AppliedKind } from "./model";
import { flattenPermission, type PermissionProto } from "./permission-flat";
import { withoutOwnership } from "./ownership";

/**
 * A registry object as a reviewer reads it: every property a readable string, list or map
 * (`ttl: "1d"`, `features: ["clicks: Int64"]`). Plans diff these, and Pulumi shows them as inputs.
 * Spec fields Skewless does not model are kept under `other.<field>` so no change goes unseen.
 */
export type FlatValue = string | string[] | Record<string, string>;
export type FlatSpec = Record<string, FlatValue>;

const SOURCE_TYPES: Record<number, string> = {
  0: "invalid", 1: "file", 2: "bigquery", 3: "kafka", 4: "kinesis", 5: "redshift", 6: "custom", 7: "request",
  8: "snowflake", 9: "push", 10: "trino", 11: "spark", 12: "athena", 13: "iceberg",
};

export function flatten(kind: AppliedKind, proto: object): FlatSpec {
  switch (kind) {
    case "entity": return flattenEntity(proto as EntityProto);
    case "dataSource": return flattenDataSource(proto as DataSourceProto);
    case "featureView": return flattenFeatureView(proto as FeatureViewProto);
    case "featureService": return flattenFeatureService(proto as FeatureServiceProto);
    case "onDemandFeatureView": return flattenOnDemandFeatureView(proto as OnDemandFeatureViewProto);
    case "streamFeatureView": return flattenStreamFeatureView(proto as StreamFeatureViewProto);
    case "permission": return flattenPermission(proto as PermissionProto);
  }
}

/** A stream feature view: a feature view's properties plus one `column function window/slide as name` per aggregation. */
export function flattenStreamFeatureView(proto: StreamFeatureViewProto): FlatSpec {
  const s = proto.spec ?? {};
  const view = flattenFeatureView({ spec: { ...s, aggregations: undefined, timestamp_field: undefined, enable_tiling: undefined, tiling_hop_size: undefined } as FeatureViewProto["spec"] });
  return {
    ...view,
    aggregations: (s.aggregations ?? []).map((a) =>
      `${a.name}: ${a.function}(${a.column}) over ${formatDuration(durationToSeconds(a.time_window))} by ${formatDuration(durationToSeconds(a.slide_interval))}`),
    ...others(s, [...Object.keys(s).filter((k) => k in view || ["entities", "entity_columns", "batch_source", "stream_source", "name", "project", "version"].includes(k)), "aggregations", "timestamp_field", "enable_tiling", "tiling_hop_size"]),
  };
}

/** An on-demand view: its sources by name, its schema, mode and transform source (a changed function shows as `transform`). */
export function flattenOnDemandFeatureView(proto: OnDemandFeatureViewProto): FlatSpec {
  const s = proto.spec ?? {};
  const udf = s.feature_transformation?.user_defined_function;
  const sources = Object.entries(s.sources ?? {}).map(([name, source]) => {
    if (source.request_data_source) return `${name}: request (${(source.request_data_source.request_data_options?.schema ?? []).map(describeField).join(", ")})`;
    const p = source.feature_view_projection;
    if (p) return `${name}: ${p.feature_view_name}${p.feature_view_name_alias ? ` as ${p.feature_view_name_alias}` : ""} (${(p.feature_columns ?? []).map((f) => f.name).join(", ")})`;
    return `${name}: ${canonical(source)}`;
  });
  const out: FlatSpec = {
    sources: sources.sort(),
    features: (s.features ?? []).map(describeField),
    mode: s.mode ?? "",
    transform: udf?.body_text ?? (udf?.body?.length ? `pickled ${udf.body.length} bytes` : ""),
    description: s.description ?? "",
    owner: s.owner ?? "",
    tags: withoutOwnership(s.tags),
  };
  const covered = ["name", "project", "sources", "features", "mode", "feature_transformation", "description", "owner", "tags", "version"];
  return { ...out, ...others(s, covered) };
}

export function flattenEntity(proto: EntityProto): FlatSpec {
  const s = proto.spec ?? {};
  return {
    joinKey: s.join_key ?? "",
    valueType: s.value_type ? describeValueType(s.value_type) : "",
    description: s.description ?? "",
    owner: s.owner ?? "",
    tags: withoutOwnership(s.tags),
    ...others(s, ["name", "project", "join_key", "value_type", "description", "owner", "tags"]),
  };
}

export function flattenDataSource(proto: DataSourceProto, prefix = ""): FlatSpec {
  const out: FlatSpec = {
    type: SOURCE_TYPES[proto.type ?? 0] ?? `type ${proto.type}`,
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
    Object.assign(out, {
      description: proto.description ?? "",
      owner: proto.owner ?? "",
      tags: withoutOwnership(proto.tags),
    });
  }
  const covered = [
    "name", "project", "type", "timestamp_field", "created_timestamp_column", "date_partition_column", "field_mapping",
    "file_options", "bigquery_options", "batch_source", "description", "owner", "tags", "meta", "data_source_class_type",
  ];
  Object.assign(out, others(proto, covered));
  return prefix ? Object.fromEntries(Object.entries(out).map(([k, v]) => [`${prefix}${k}`, v])) : out;
}

export function flattenFeatureView(proto: FeatureViewProto): FlatSpec {
  const s = proto.spec ?? {};
  const out: FlatSpec = {
    entities: [...(s.entities ?? [])],
    joinKeys: (s.entity_columns ?? []).map(describeField),
    features: (s.features ?? []).map(describeField),
    ttl: formatDuration(durationToSeconds(s.ttl)),
    online: String(s.online ?? false),
    offline: String(s.offline ?? false),
    description: s.description ?? "",
    owner: s.owner ?? "",
    tags: withoutOwnership(s.tags),
  };
  for (const f of s.features ?? []) {
    if (f.description) out[`features.${f.name}.description`] = f.description;
    if (f.tags && Object.keys(f.tags).length) out[`features.${f.name}.tags`] = { ...f.tags };
  }
  if (s.batch_source) {
    out.source = s.batch_source.name ?? "";
    Object.assign(out, flattenDataSource(s.batch_source, "source."));
  }
  if (s.stream_source) {
    out.streamSource = s.stream_source.name ?? "";
  }
  const covered = [
    "name", "project", "entities", "entity_columns", "features", "ttl", "online", "offline", "description", "owner",
    "tags", "batch_source", "stream_source",
  ];
  return { ...out, ...others(s, covered) };
}

export function flattenFeatureService(proto: FeatureServiceProto): FlatSpec {
  const s = proto.spec ?? {};
  const out: FlatSpec = {
    features: (s.features ?? []).map((p) => {
      const alias = p.feature_view_name_alias ? ` as ${p.feature_view_name_alias}` : "";
      const keys = Object.entries(p.join_key_map ?? {}).map(([k, v]) => `${k}=${v}`);
      const keyMap = keys.length ? ` (join keys ${keys.join(", ")})` : "";
      return `${p.feature_view_name}${alias}: ${(p.feature_columns ?? []).map((f) => f.name).join(", ")}${keyMap}`;
    }),
    description: s.description ?? "",
    owner: s.owner ?? "",
    tags: withoutOwnership(s.tags),
  };
  return { ...out, ...others(s, ["name", "project", "features", "description", "owner", "tags"]) };
}

function describeField(f: FeatureSpecProto): string {
  return `${f.name}: ${describeValueType(f.value_type)}`;
}

/** Non-default fields outside `covered`, as `other.<field>` → canonical text. */
export function others(message: ProtoMessage, covered: string[]): FlatSpec {
  const out: FlatSpec = {};
  for (const [key, value] of Object.entries(message)) {
    if (covered.includes(key) || isEmpty(value)) continue;
    out[`other.${key}`] = canonical(value);
  }
  const unknown = message[UNKNOWN_FIELDS];
  if (unknown?.length) out["other.unknownFields"] = unknown.map((c) => Buffer.from(c).toString("hex")).join(" ");
  return out;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === "" || value === 0 || value === 0n || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (value instanceof Uint8Array) return value.length === 0;
  if (typeof value === "object") {
    const m = value as ProtoMessage;
    return Object.values(m).every(isEmpty) && !m[UNKNOWN_FIELDS]?.length;
  }
  return false;
}

/** Stable text for any decoded proto value: sorted keys, defaults dropped, bytes as base64. */
export function canonical(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return `base64:${Buffer.from(value).toString("base64")}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    const m = value as ProtoMessage;
    const parts = Object.keys(m).sort().filter((k) => !isEmpty(m[k])).map((k) => `${k}: ${canonical(m[k])}`);
    if (m[UNKNOWN_FIELDS]?.length) parts.push(`unknown: ${m[UNKNOWN_FIELDS]!.map((c) => Buffer.from(c).toString("hex")).join(" ")}`);
    return `{${parts.join(", ")}}`;
  }
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

export type { Tags };
