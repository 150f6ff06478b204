import { compileDefinitions, type Definitions } from "../compile";
import type { AppliedKind, KindProtos, ManagedKind, RegistryModel } from "../model";
import { dataSourceHandler, type DataSourceSpec } from "./data-source";
import { entityHandler, type EntitySpec } from "./entity";
import { featureServiceHandler, type FeatureServiceSpec } from "./feature-service";
import { featureViewHandler, type FeatureViewSpec } from "./feature-view";
import type { FlatSpec } from "./flat";
import type { FlatHandler, SpecHandler } from "./handler";
import { onDemandFeatureViewHandler } from "./on-demand-feature-view";
import { permissionHandler, type PermissionSpec } from "./permission";
import { streamFeatureViewHandler } from "./stream-feature-view";

// One handler per kind, listed once: everything that turns a registry object into another form
// (spec, plan text) goes through this table.

/** The structured spec of each kind Pulumi manages: the resource's inputs. */
export interface ObjectSpecs {
  entity: EntitySpec;
  dataSource: DataSourceSpec;
  featureView: FeatureViewSpec;
  featureService: FeatureServiceSpec;
  permission: PermissionSpec;
}

export type ObjectSpec = ObjectSpecs[ManagedKind];

export const SPEC_HANDLERS: { [K in ManagedKind]: SpecHandler<KindProtos[K], ObjectSpecs[K]> } = {
  entity: entityHandler,
  dataSource: dataSourceHandler,
  featureView: featureViewHandler,
  featureService: featureServiceHandler,
  permission: permissionHandler,
};

export const KIND_HANDLERS: { [K in AppliedKind]: FlatHandler<KindProtos[K]> } = {
  ...SPEC_HANDLERS,
  onDemandFeatureView: onDemandFeatureViewHandler,
  streamFeatureView: streamFeatureViewHandler,
};

/** The object as `skewless plan` diffs and prints it. */
export function flatten<K extends AppliedKind>(kind: K, proto: KindProtos[K]): FlatSpec {
  return (KIND_HANDLERS[kind] as FlatHandler<KindProtos[K]>).flatten(proto);
}

/** The spec of a registry object (ownership tag left out: it is bookkeeping, not content). */
export function specFromProto<K extends ManagedKind>(kind: K, proto: KindProtos[K]): ObjectSpecs[K] {
  return (SPEC_HANDLERS[kind] as SpecHandler<KindProtos[K], ObjectSpecs[K]>).fromProto(proto);
}

/** The registry object a spec describes, for `project` (feature services look their views up in `model`). */
export function specToProto<K extends ManagedKind>(kind: K, spec: ObjectSpecs[K], project: string, model?: RegistryModel): KindProtos[K] {
  return (SPEC_HANDLERS[kind] as SpecHandler<KindProtos[K], ObjectSpecs[K]>).toProto(spec, project, model);
}

/** Validates a spec without reading a registry. */
export function checkSpec<K extends ManagedKind>(kind: K, spec: ObjectSpecs[K]): void {
  (SPEC_HANDLERS[kind] as SpecHandler<KindProtos[K], ObjectSpecs[K]>).check(spec);
}

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

export type { FlatSpec, FlatValue } from "./flat";
export type { ObjectSpecMetadata } from "./spec-input";
export type { EntitySpec } from "./entity";
export type { DataSourceSpec, FileSourceSpec, BigQuerySourceSpec, PushSourceSpec, KafkaSourceSpec, UnsupportedSourceSpec } from "./data-source";
export type { FeatureViewSpec, FeatureSpec, ColumnSpec } from "./feature-view";
export type { FeatureServiceSpec, ProjectionSpec } from "./feature-service";
export type { PermissionSpec } from "./permission";
