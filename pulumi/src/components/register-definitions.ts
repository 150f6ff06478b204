import type * as pulumi from "@pulumi/pulumi";
import {
  Entity as EntityDefinition, specsFromDefinitions, type DataSource as DataSourceDefinition, type Definitions,
} from "@skewless/runtime/internal";
import { DataSource } from "./data-source";
import { Entity } from "./entity";
import { FeatureService } from "./feature-service";
import { FeatureView } from "./feature-view";
import { Permission } from "./permission";
import type { RegistryTarget } from "./registry-target";

const DUMMY_ENTITY = "__dummy";

/** The components a feature store registers, by registry object name. */
export interface RegisteredObjects {
  entities: Record<string, Entity>;
  dataSources: Record<string, DataSource>;
  featureViews: Record<string, FeatureView>;
  featureServices: Record<string, FeatureService>;
  permissions: Record<string, Permission>;
}

/**
 * One component per registry object the definitions produce, exactly those `skewless apply` would
 * write (sources used by views included), ordered as Feast applies them: sources and entities,
 * then views, then services.
 */
export function registerDefinitions(
  storeName: string, store: RegistryTarget & pulumi.Resource, definitions: Definitions, project: string,
): RegisteredObjects {
  const specs = specsFromDefinitions(definitions, project);   // validates the whole set, as `skewless plan` does
  const opts = (dependsOn: pulumi.Resource[] = []) => ({ parent: store, dependsOn });
  const childName = (object: string) => `${storeName}-${object}`;

  const sourceDefinitions = collectSources(definitions);
  const dataSources: Record<string, DataSource> = {};
  for (const { name } of specs.dataSource) {
    dataSources[name] = new DataSource(childName(name), { store, definition: sourceDefinitions.get(name)!, definitions }, opts());
  }
  const entityDefinitions = new Map(definitions.entities.map((e) => [e.name, e]));
  const entities: Record<string, Entity> = {};
  for (const { name } of specs.entity) {
    // Feast's placeholder entity is written with every registry write (as Feast does), not owned by
    // a resource: a destroy must not remove what Feast's own objects rely on.
    if (name === DUMMY_ENTITY && !entityDefinitions.has(name)) continue;
    const definition = entityDefinitions.get(name) ?? new EntityDefinition({ name, joinKeys: [`${name}_id`] });
    entities[name] = new Entity(childName(name), { store, definition, definitions }, opts());
  }
  const viewDefinitions = new Map(definitions.featureViews.map((v) => [v.name, v]));
  const featureViews: Record<string, FeatureView> = {};
  for (const spec of specs.featureView) {
    const uses = [...spec.entities.map((e) => entities[e]), dataSources[spec.source.name]].filter(Boolean);
    if (spec.entities.length === 0 && entities.__dummy) uses.push(entities.__dummy);
    featureViews[spec.name] = new FeatureView(childName(spec.name), { store, definition: viewDefinitions.get(spec.name)!, definitions }, opts(uses));
  }
  const serviceDefinitions = new Map(definitions.featureServices.map((s) => [s.name, s]));
  const featureServices: Record<string, FeatureService> = {};
  for (const spec of specs.featureService) {
    const views = serviceDefinitions.get(spec.name)!.projections.map((p) => featureViews[p.view.name]);
    featureServices[spec.name] = new FeatureService(childName(spec.name), { store, definition: serviceDefinitions.get(spec.name)!, definitions }, opts(views));
  }
  const permissions: Record<string, Permission> = {};
  for (const definition of definitions.permissions ?? []) {
    permissions[definition.name] = new Permission(childName(definition.name), { store, definition }, opts());
  }
  return { entities, dataSources, featureViews, featureServices, permissions };
}

function collectSources(definitions: Definitions): Map<string, DataSourceDefinition> {
  const out = new Map<string, DataSourceDefinition>();
  const add = (source: DataSourceDefinition) => {
    if (!out.has(source.name)) out.set(source.name, source);
    if (source.sourceType === "push" || source.sourceType === "kafka") add(source.batchSource);
  };
  definitions.dataSources.forEach(add);
  definitions.featureViews.forEach((v) => add(v.source));
  return out;
}
