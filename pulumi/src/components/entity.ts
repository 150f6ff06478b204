import * as pulumi from "@pulumi/pulumi";
import type { Definitions, Entity as EntityDefinition, EntitySpec } from "@skewless/runtime/internal";
import { RegistryObject } from "../provider/registry-object";
import { definitionsOf, specOf, type RegistryTarget } from "./registry-target";

export interface EntityArgs {
  /** The registry to write to: a FeatureStore, or a registry location and project. */
  store: RegistryTarget;
  /** The entity, as the feature repo defines it (the object `skewless apply` reads). */
  definition: EntityDefinition;
  /** The repo's definitions, when a view's schema gives the join key's type. Default: the entity alone. */
  definitions?: Definitions;
}

/**
 * An entity in the registry. Changing its join key or its type replaces it: rows keyed by the old
 * key mean nothing under the new one.
 *
 * @example
 * new skewless.Entity("user", { store, definition: user });
 */
export class Entity extends pulumi.ComponentResource {
  /** The entity's spec, as the preview shows it. */
  readonly spec: EntitySpec;
  readonly object: RegistryObject<"entity">;
  readonly entityName: pulumi.Output<string>;

  constructor(name: string, args: EntityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:index:Entity", name, {}, opts);
    this.spec = specOf("entity", args.definition.name, args.definitions ?? definitionsOf({ entities: [args.definition] }));
    this.object = new RegistryObject("entity", name, { registry: args.store.registry, project: args.store.project, spec: this.spec }, { parent: this });
    this.entityName = this.object.name;
    this.registerOutputs({ entityName: this.entityName, managedBy: this.object.managedBy });
  }
}
