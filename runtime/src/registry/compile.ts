import { isDeepStrictEqual } from "node:util";
import { definitionKind } from "../definitions/definition";
import type { Entity } from "../definitions/entity";
import type { FeatureService } from "../definitions/feature-service";
import type { FeatureView } from "../definitions/feature-view";
import type { OnDemandFeatureView } from "../definitions/on-demand-feature-view";
import type { DataSource, RequestSource } from "../definitions/sources";
import { DefinitionError } from "../errors";
import type { RegistryModel } from "./model";
import { onDemandFeatureViewToProto } from "./on-demand-to-proto";
import type {
  DataSourceProto, EntityProto, FeatureServiceProto, FeatureViewProto, OnDemandFeatureViewProto, StreamFeatureViewProto,
} from "./proto/types";
import { isStreamFeatureView } from "../definitions/stream-feature-view";
import { streamFeatureViewToProto } from "./stream-to-proto";
import { aggregationFeatures } from "./aggregation-catalog";
import type { Permission } from "../definitions/permission";
import { permissionToProto, type PermissionProto } from "./permission-proto";
import {
  dataSourceToProto, DUMMY_ENTITY_NAME, dummyEntityProto, entityToProto, featureServiceToProto, featureViewToProto,
  type EntityInfo,
} from "./to-proto";

/** The definitions a feature repo exports, by kind. */
export interface Definitions {
  entities: Entity[];
  dataSources: DataSource[];
  featureViews: FeatureView[];
  featureServices: FeatureService[];
  onDemandFeatureViews?: OnDemandFeatureView[];
  /** Request sources exported on their own (those an on-demand view uses are registered anyway). */
  requestSources?: RequestSource[];
  /** Absent means none. */
  permissions?: Permission[];
}

/** The registry objects a set of definitions asks for. */
export interface DesiredState {
  entities: EntityProto[];
  dataSources: DataSourceProto[];
  featureViews: FeatureViewProto[];
  featureServices: FeatureServiceProto[];
  onDemandFeatureViews?: OnDemandFeatureViewProto[];
  streamFeatureViews?: StreamFeatureViewProto[];
  permissions?: PermissionProto[];
}

/** Sorts exported values into definitions; non-definitions are ignored, one object exported twice counts once. */
export function collectDefinitions(values: Iterable<unknown>): Definitions {
  const defs: Required<Definitions> = {
    entities: [], dataSources: [], featureViews: [], featureServices: [], onDemandFeatureViews: [], requestSources: [], permissions: [],
  };
  const seen = new Set<unknown>();
  for (const value of values) {
    if (seen.has(value)) continue;
    seen.add(value);
    switch (definitionKind(value)) {
      case "entity": defs.entities.push(value as Entity); break;
      case "dataSource":
        if ((value as DataSource | RequestSource).sourceType === "request") defs.requestSources.push(value as RequestSource);
        else defs.dataSources.push(value as DataSource);
        break;
      case "onDemandFeatureView": defs.onDemandFeatureViews.push(value as OnDemandFeatureView); break;
      case "featureView": defs.featureViews.push(value as FeatureView); break;
      case "featureService": defs.featureServices.push(value as FeatureService); break;
      case "permission": defs.permissions.push(value as Permission); break;
      default: break;
    }
  }
  return defs;
}

/**
 * Validates definitions against each other (and against what `existing` already holds for
 * `project`) and turns them into registry protos. Every problem found is reported at once.
 */
export function compileDefinitions(defs: Definitions, project: string, existing?: RegistryModel): DesiredState {
  const problems: DefinitionError[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof DefinitionError)) throw e;
      problems.push(e);
      return undefined;
    }
  };

  const entities = uniqueByName("entity", defs.entities, problems, (a, b) => isDeepStrictEqual(entityToProto(a, project), entityToProto(b, project)));
  const views = uniqueByName("feature view", defs.featureViews, problems, (a, b) => a === b);
  const services = uniqueByName("feature service", defs.featureServices, problems, (a, b) => a === b);
  const sources = collectSources(defs, project, problems);
  const permissions = uniqueByName("permission", defs.permissions ?? [], problems, (a, b) => a === b);

  const entityInfo = (name: string): EntityInfo | undefined => {
    const defined = entities.get(name);
    if (defined) return { name, joinKey: defined.joinKey, valueType: entityToProto(defined, project).spec!.value_type ?? 0 };
    const registered = existing?.get("entity", project, name)?.spec;
    return registered ? { name, joinKey: registered.join_key ?? name, valueType: registered.value_type ?? 0 } : undefined;
  };
  const viewProtos = new Map<string, FeatureViewProto>();
  const streamProtos = new Map<string, StreamFeatureViewProto>();
  for (const view of views.values()) {
    if (isStreamFeatureView(view)) {
      const proto = attempt(() => streamFeatureViewToProto(view, project, entityInfo));
      if (proto) streamProtos.set(view.name, proto);
      continue;
    }
    const proto = attempt(() => featureViewToProto(view, project, entityInfo));
    if (proto) viewProtos.set(view.name, proto);
  }
  // A service (or on-demand view) selects a stream view's aggregated features
  const asServed = (p: StreamFeatureViewProto | undefined) => p && { spec: { features: aggregationFeatures(p.spec ?? {}), batch_source: p.spec?.batch_source } };
  const resolveView = (name: string) => viewProtos.get(name) ?? asServed(streamProtos.get(name))
    ?? (views.has(name) ? undefined : existing?.get("featureView", project, name) ?? asServed(existing?.get("streamFeatureView", project, name)));
  const onDemand = uniqueByName("on demand feature view", defs.onDemandFeatureViews ?? [], problems, (a, b) => a === b);
  const onDemandProtos = new Map<string, OnDemandFeatureViewProto>();
  for (const odfv of onDemand.values()) {
    if (views.has(odfv.name)) {
      problems.push(new DefinitionError(`on demand feature view ${odfv.name} has the name of a feature view`, "feature references name views: give each a unique name"));
      continue;
    }
    if (odfv.viewSources.some((p) => views.has(p.view.name) && !viewProtos.has(p.view.name) && !streamProtos.has(p.view.name))) continue;
    const proto = attempt(() => onDemandFeatureViewToProto(odfv, project, resolveView));
    if (proto) onDemandProtos.set(odfv.name, proto);
  }
  const resolveServed = (name: string) =>
    resolveView(name) ?? onDemandProtos.get(name) ?? (onDemand.has(name) ? undefined : existing?.get("onDemandFeatureView", project, name));
  const serviceProtos: FeatureServiceProto[] = [];
  for (const service of services.values()) {
    const unresolved = service.projections.find((p) => (views.has(p.view.name) && !viewProtos.has(p.view.name) && !streamProtos.has(p.view.name)) || (onDemand.has(p.view.name) && !onDemandProtos.has(p.view.name)));
    if (unresolved) continue;   // the view's own error is already reported
    const proto = attempt(() => featureServiceToProto(service, project, resolveServed));
    if (proto) serviceProtos.push(proto);
  }

  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) {
    throw new DefinitionError(`${problems.length} problems in the definitions:\n${problems.map((p) => `  - ${p.message}${p.hint ? ` (${p.hint})` : ""}`).join("\n")}`);
  }

  const entityProtos = [...entities.values()].map((e) => entityToProto(e, project, inferredValueType(e, project, viewProtos)));
  // Feast registers its placeholder entity on every apply, whether or not a view needs it.
  if (!entities.has(DUMMY_ENTITY_NAME)) entityProtos.push(dummyEntityProto(project));
  return {
    entities: entityProtos,
    dataSources: [...sources.values()],
    featureViews: [...viewProtos.values()],
    featureServices: serviceProtos,
    onDemandFeatureViews: [...onDemandProtos.values()],
    streamFeatureViews: [...streamProtos.values()],
    permissions: [...permissions.values()].map((p) => permissionToProto(p, project)),
  };
}

/** Feast fills an entity's unknown value type from the views' entity columns; so do we. */
function inferredValueType(entity: Entity, project: string, views: Map<string, FeatureViewProto>): number {
  const declared = entityToProto(entity, project).spec!.value_type ?? 0;
  if (declared) return declared;
  for (const view of views.values()) {
    const column = view.spec?.entity_columns?.find((c) => c.name === entity.joinKey);
    if (view.spec?.entities?.includes(entity.name) && column?.value_type) return column.value_type;
  }
  return 0;
}

function uniqueByName<T extends { name: string }>(
  kind: string, items: T[], problems: DefinitionError[], same: (a: T, b: T) => boolean,
): Map<string, T> {
  const byName = new Map<string, T>();
  for (const item of items) {
    const previous = byName.get(item.name);
    if (previous && !same(previous, item)) {
      problems.push(new DefinitionError(`${kind} ${item.name} is defined twice`, `give each ${kind} a unique name`));
    } else {
      byName.set(item.name, item);
    }
  }
  return byName;
}

/** Exported sources plus those the views use (Feast registers both), checked for name clashes. */
function collectSources(defs: Definitions, project: string, problems: DefinitionError[]): Map<string, DataSourceProto> {
  const out = new Map<string, DataSourceProto>();
  const add = (source: DataSource | RequestSource) => {
    const proto = dataSourceToProto(source, project);
    const name = source.name;
    const previous = out.get(name);
    if (previous && !isDeepStrictEqual(previous, proto)) {
      problems.push(new DefinitionError(`data source ${name} is defined twice, with different settings`, "give each source a unique name"));
      return;
    }
    out.set(name, proto);
  };
  // Feast registers request sources at the top level too
  for (const source of defs.requestSources ?? []) add(source);
  for (const odfv of defs.onDemandFeatureViews ?? []) for (const source of odfv.requestSources) add(source);
  for (const source of defs.dataSources) {
    add(source);
    if (source.sourceType === "push") add(source.batchSource);
  }
  for (const view of defs.featureViews) {
    add(view.source);
    if (view.source.sourceType === "push") add(view.source.batchSource);
  }
  return out;
}
