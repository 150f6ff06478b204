import { checkName } from "../definitions/definition";
import { dtypeToValueType, isDtype } from "../definitions/dtypes";
import { DTYPE_HINT, Entity } from "../definitions/entity";
import { FeatureService } from "../definitions/feature-service";
import { FeatureView, FeatureViewProjection } from "../definitions/feature-view";
import { BigQuerySource, FileSource, PushSource, type DataSource } from "../definitions/sources";
import { DefinitionError } from "../errors";
import { compileDefinitions, type Definitions } from "./compile";
import type { KindProtos, ManagedKind, RegistryModel } from "./model";
import {
  specFromProto, type DataSourceSpec, type EntitySpec, type FeatureServiceSpec, type FeatureViewSpec, type ObjectSpecs,
} from "./object-spec";
import { permissionFromSpec, permissionToProto, type PermissionSpec } from "./permission-proto";
import type { Tags } from "./proto/types";
import {
  dataSourceToProto, entityToProto, featureServiceToProto, featureViewToProto, type EntityResolver,
} from "./to-proto";

// Specs → definitions → protos. Going through the definition classes and to-proto.ts means a spec
// is validated with the very messages `skewless plan` prints, and compiles to the very proto
// `skewless apply` would write for the same definition.

/** The specs of everything `defs` registers, validated together as `skewless apply` validates them. */
export function specsFromDefinitions(defs: Definitions, project: string): { [K in ManagedKind]: ObjectSpecs[K][] } {
  const desired = compileDefinitions(defs, project);
  return {
    entity: desired.entities.map((p) => specFromProto("entity", p)),
    dataSource: desired.dataSources.map((p) => specFromProto("dataSource", p)),
    featureView: desired.featureViews.map((p) => specFromProto("featureView", p)),
    featureService: desired.featureServices.map((p) => specFromProto("featureService", p)),
    permission: (desired.permissions ?? []).map((p) => specFromProto("permission", p)),
  };
}

/**
 * The registry object a spec describes, for `project`. Feature services embed their views, so they
 * look them up in `model` (the registry as it is now); other kinds need nothing but the spec.
 */
export function compileSpec<K extends ManagedKind>(kind: K, spec: ObjectSpecs[K], project: string, model?: RegistryModel): KindProtos[K] {
  switch (kind) {
    case "entity": return entityToProto(entityFromSpec(spec as EntitySpec), project) as KindProtos[K];
    case "dataSource": return dataSourceToProto(sourceFromSpec(spec as DataSourceSpec), project) as KindProtos[K];
    case "featureView": {
      const { view, resolveEntity } = featureViewFromSpec(spec as FeatureViewSpec);
      return featureViewToProto(view, project, resolveEntity) as KindProtos[K];
    }
    case "permission": return permissionToProto(permissionFromSpec(spec as PermissionSpec), project) as KindProtos[K];
    default: return compileService(spec as FeatureServiceSpec, project, model) as KindProtos[K];
  }
}

export function entityFromSpec(spec: EntitySpec): Entity {
  return new Entity({
    name: spec.name,
    joinKeys: [spec.joinKey],
    valueType: spec.valueType ? (spec.valueType as Entity["valueType"]) : undefined,
    ...metadata(spec),
  });
}

export function sourceFromSpec(spec: DataSourceSpec): DataSource {
  switch (spec?.type) {
    case "file":
      return new FileSource({ ...batchOptions(spec), path: spec.path, s3EndpointOverride: spec.s3EndpointOverride || undefined });
    case "bigquery":
      return new BigQuerySource({ ...batchOptions(spec), table: spec.table || undefined, query: spec.query || undefined });
    case "push": {
      const batch = sourceFromSpec(spec.batchSource);
      if (batch.sourceType === "push") throw new DefinitionError(`PushSource ${spec.name}: batchSource must be a file or bigquery source`);
      return new PushSource({ name: spec.name, batchSource: batch, ...metadata(spec) });
    }
    case "unsupported":
      throw new DefinitionError(`data source ${spec.name} is a ${spec.sourceType} source, which Skewless cannot write`, "define it with Feast, or use a file, bigquery or push source");
    default: {
      const given = spec as { name?: unknown; type?: unknown } | undefined;
      throw new DefinitionError(`data source ${String(given?.name ?? "")}: type ${JSON.stringify(given?.type)} is not a source type`, 'use "file", "bigquery" or "push"');
    }
  }
}

export function featureViewFromSpec(spec: FeatureViewSpec): { view: FeatureView; resolveEntity: EntityResolver } {
  const what = `feature view ${spec.name}`;
  const entities = stringList(spec.entities, `${what}: entities`);
  const joinKeys = stringList(spec.joinKeys, `${what}: joinKeys`).map((text) => parseColumn(text, `${what}: join key`));
  if (joinKeys.length !== entities.length) {
    throw new DefinitionError(
      `${what}: joinKeys must give one "join_key: dtype" per entity (entities: ${entities.join(", ") || "none"}; joinKeys: ${joinKeys.length})`,
    );
  }
  const descriptions = spec.featureDescriptions ?? {};
  const featureTags = spec.featureTags ?? {};
  const schema = stringList(spec.features, `${what}: features`).map((text) => {
    const { name, dtype } = parseColumn(text, `${what}: feature`, false);
    return { name, dtype: dtype as never, description: descriptions[name], tags: featureTags[name] };
  });
  for (const name of new Set([...Object.keys(descriptions), ...Object.keys(featureTags)])) {
    if (!schema.some((f) => f.name === name)) {
      throw new DefinitionError(`${what}: featureDescriptions or featureTags name ${name}, which is not one of its features`);
    }
  }
  const view = new FeatureView({
    name: spec.name, entities, ttl: spec.ttl, schema, source: sourceFromSpec(spec.source),
    online: spec.online, offline: spec.offline, ...metadata(spec),
  });
  const resolveEntity: EntityResolver = (name) => {
    const key = joinKeys[entities.indexOf(name)];
    return key && { name, joinKey: key.name, valueType: dtypeToValueType(key.dtype) ?? 0 };
  };
  return { view, resolveEntity };
}

/** A projection entry of a service spec: `"view as alias: f1, f2 (join keys key=column)"`. */
export interface ProjectionSpec {
  view: string;
  alias?: string;
  features: string[];
  joinKeyMap: Tags;
}

const PROJECTION = /^([^\s:]+)(?: as ([^\s:]+))?: ([^()]*?)(?: \(join keys ([^()]*)\))?$/;

export function parseProjection(text: string, what: string): ProjectionSpec {
  const match = typeof text === "string" ? PROJECTION.exec(text.trim()) : null;
  if (!match) {
    throw new DefinitionError(
      `${what}: ${JSON.stringify(text)} is not a projection`,
      'write "view: feature_a, feature_b", optionally "view as alias: ..." and " (join keys key=column)"',
    );
  }
  const features = match[3].split(",").map((f) => f.trim()).filter(Boolean);
  if (features.length === 0) throw new DefinitionError(`${what}: projection ${JSON.stringify(text)} selects no features`);
  const joinKeyMap: Tags = {};
  for (const pair of (match[4] ?? "").split(",").map((p) => p.trim()).filter(Boolean)) {
    const [key, column] = pair.split("=");
    if (!key || !column) throw new DefinitionError(`${what}: join key mapping ${JSON.stringify(pair)} must read key=column`);
    joinKeyMap[key] = column;
  }
  return { view: match[1], alias: match[2], features, joinKeyMap };
}

function compileService(spec: FeatureServiceSpec, project: string, model: RegistryModel | undefined) {
  const what = `feature service ${spec.name}`;
  const projections = stringList(spec.features, `${what}: features`).map((text) => {
    const p = parseProjection(text, what);
    const viewProto = model?.get("featureView", project, p.view);
    if (!viewProto) {
      throw new DefinitionError(`${what} uses feature view ${p.view}, which is not in the registry`, "register the feature view first");
    }
    const view = featureViewFromSpec(specFromProto("featureView", viewProto)).view;
    return new FeatureViewProjection(view, { features: p.features, alias: p.alias, joinKeyMap: p.joinKeyMap });
  });
  const service = new FeatureService({ name: spec.name, features: projections, ...metadata(spec) });
  return featureServiceToProto(service, project, (name) => model?.get("featureView", project, name));
}

/** Validates a feature service spec without a registry: names and projection syntax only. */
export function checkServiceSpec(spec: FeatureServiceSpec): void {
  const what = `feature service ${checkName("feature service", spec.name)}`;
  for (const text of stringList(spec.features, `${what}: features`)) {
    const p = parseProjection(text, what);
    checkName(`${what}: feature view`, p.view);
    for (const f of p.features) checkName(`${what}: feature`, f);
  }
}

function parseColumn(text: string, what: string, checkDtype = true): { name: string; dtype: string } {
  const match = typeof text === "string" ? /^([^\s:]+): (\S+)$/.exec(text.trim()) : null;
  if (!match) throw new DefinitionError(`${what} ${JSON.stringify(text)} must read "name: dtype"`, DTYPE_HINT);
  if (checkDtype && !isDtype(match[2])) {
    throw new DefinitionError(`${what} ${match[1]} has dtype ${JSON.stringify(match[2])}, which does not exist`, DTYPE_HINT);
  }
  return { name: match[1], dtype: match[2] };
}

function stringList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new DefinitionError(`${what} must be a list of strings, got ${JSON.stringify(value)}`);
  }
  return value;
}

function batchOptions(spec: Exclude<DataSourceSpec, { type: "push" | "unsupported" }>) {
  return {
    name: spec.name,
    timestampField: spec.timestampField,
    createdTimestampColumn: spec.createdTimestampColumn,
    datePartitionColumn: spec.datePartitionColumn,
    fieldMapping: spec.fieldMapping,
    ...metadata(spec),
  };
}

function metadata(spec: { description?: string; owner?: string; tags?: Tags }) {
  return { description: spec.description, owner: spec.owner, tags: spec.tags };
}
