import { describeValueType, dtypeToValueType, isDtype } from "../../definitions/dtypes";
import { DTYPE_HINT } from "../../definitions/entity";
import { FeatureView } from "../../definitions/feature-view";
import type { FieldOptions } from "../../definitions/field";
import { formatDuration } from "../../duration";
import { DefinitionError } from "../../errors";
import type { FeatureSpecProto, FeatureViewProto, Tags } from "../proto/types";
import { durationToSeconds } from "../proto/time";
import { withoutOwnership } from "../ownership";
import { DUMMY_ENTITY_NAME, featureViewToProto, SOURCE_TYPE, type EntityResolver } from "../to-proto";
import { dataSourceHandler, flattenDataSource, sourceFromSpec, type DataSourceSpec } from "./data-source";
import { describeField, others, type FlatSpec } from "./flat";
import type { SpecHandler } from "./handler";
import { metadataFromProto, metadataOptions, objectList, stringList, type ObjectSpecMetadata } from "./spec-input";

/** A column: a join key (`{ name: "user_id", dtype: "Int64" }`). */
export interface ColumnSpec {
  name: string;
  /** `"Int64"`, `"Array(String)"`, ... */
  dtype: string;
}

/** A feature: its column, and its description and tags when it has any. */
export interface FeatureSpec extends ColumnSpec {
  description?: string;
  tags?: Tags;
}

export interface FeatureViewSpec extends ObjectSpecMetadata {
  name: string;
  /** Entity names; empty for a view without entities. */
  entities: string[];
  /** The entities' join key columns, in the same order. */
  joinKeys: ColumnSpec[];
  /** The features, join key columns excluded. */
  features: FeatureSpec[];
  /** `"1d"`, `"2h"`; `"0s"` means values never expire. */
  ttl: string;
  online: boolean;
  offline: boolean;
  /** The view's source, embedded as Feast embeds it. */
  source: DataSourceSpec;
}

export const featureViewHandler: SpecHandler<FeatureViewProto, FeatureViewSpec> = {
  fromProto(proto) {
    const s = proto.spec ?? {};
    const dummy = (s.entities ?? []).length === 1 && s.entities![0] === DUMMY_ENTITY_NAME;
    const batch = s.batch_source ?? {};
    const streaming = s.stream_source?.type === SOURCE_TYPE.PUSH_SOURCE || s.stream_source?.type === SOURCE_TYPE.STREAM_KAFKA;
    return {
      name: s.name ?? "",
      entities: dummy ? [] : [...(s.entities ?? [])],
      joinKeys: dummy ? [] : (s.entity_columns ?? []).map((c) => ({ name: c.name ?? "", dtype: describeValueType(c.value_type) })),
      features: (s.features ?? []).map(featureSpec),
      ttl: formatDuration(durationToSeconds(s.ttl)),
      online: s.online ?? false,
      offline: s.offline ?? false,
      source: dataSourceHandler.fromProto(streaming ? { ...s.stream_source, batch_source: s.stream_source!.batch_source ?? batch } : batch),
      ...metadataFromProto(s),
    };
  },
  toProto(spec, project) {
    const { view, resolveEntity } = featureViewFromSpec(spec);
    return featureViewToProto(view, project, resolveEntity);
  },
  check(spec) {
    featureViewHandler.toProto(spec, "check");
  },
  flatten: flattenFeatureView,
};

/** Only what a feature has: a preview shows no empty description or tags. */
function featureSpec(f: FeatureSpecProto): FeatureSpec {
  const out: FeatureSpec = { name: f.name ?? "", dtype: describeValueType(f.value_type) };
  if (f.description) out.description = f.description;
  if (f.tags && Object.keys(f.tags).length) out.tags = { ...f.tags };
  return out;
}

/** The view definition a spec describes, and how its entities resolve (the spec carries their join keys). */
export function featureViewFromSpec(spec: FeatureViewSpec): { view: FeatureView; resolveEntity: EntityResolver } {
  const what = `feature view ${spec.name}`;
  const entities = stringList(spec.entities, `${what}: entities`);
  const joinKeys = objectList<ColumnSpec>(spec.joinKeys, `${what}: joinKeys`, '{ name: "user_id", dtype: "Int64" }')
    .map((column, i) => checkColumn(column, `${what}: joinKeys[${i}]`));
  if (joinKeys.length !== entities.length) {
    throw new DefinitionError(
      `${what}: joinKeys must give one { name, dtype } per entity (entities: ${entities.join(", ") || "none"}; joinKeys: ${joinKeys.length})`,
    );
  }
  const schema = objectList<FeatureSpec>(spec.features, `${what}: features`, '{ name: "clicks", dtype: "Int64" }')
    .map((f): FieldOptions => ({ name: f.name, dtype: f.dtype as FieldOptions["dtype"], description: f.description, tags: f.tags }));
  const view = new FeatureView({
    name: spec.name, entities, ttl: spec.ttl, schema, source: sourceFromSpec(spec.source),
    online: spec.online, offline: spec.offline, ...metadataOptions(spec),
  });
  const resolveEntity: EntityResolver = (name) => {
    const key = joinKeys[entities.indexOf(name)];
    return key && { name, joinKey: key.name, valueType: dtypeToValueType(key.dtype) ?? 0 };
  };
  return { view, resolveEntity };
}

function checkColumn(column: ColumnSpec, what: string): ColumnSpec {
  if (typeof column.name !== "string" || column.name === "") throw new DefinitionError(`${what}: name must be a column name, got ${JSON.stringify(column.name)}`);
  if (!isDtype(column.dtype)) {
    throw new DefinitionError(`${what}: join key ${column.name} has dtype ${JSON.stringify(column.dtype)}, which does not exist`, DTYPE_HINT);
  }
  return column;
}

/** A view as plans print it: features and join keys as `name: dtype`, its source's properties as `source.<property>`. */
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
  if (s.stream_source) out.streamSource = s.stream_source.name ?? "";
  const covered = [
    "name", "project", "entities", "entity_columns", "features", "ttl", "online", "offline", "description", "owner",
    "tags", "batch_source", "stream_source",
  ];
  return { ...out, ...others(s, covered) };
}
