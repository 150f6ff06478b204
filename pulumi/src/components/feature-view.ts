import * as pulumi from "@pulumi/pulumi";
import type { Definitions, FeatureView as FeatureViewDefinition, FeatureViewSpec } from "@skewless/runtime/internal";
import { RegistryObject } from "../provider/registry-object";
import { definitionsOf, specOf, type RegistryTarget } from "./registry-target";

export interface FeatureViewArgs {
  /** The registry to write to: a FeatureStore, or a registry location and project. */
  store: RegistryTarget;
  /** The view, as the feature repo defines it (the object `skewless apply` reads). */
  definition: FeatureViewDefinition;
  /**
   * The repo's definitions. Default: the view and the Entity objects it lists; pass them when the
   * view names its entities by string.
   */
  definitions?: Definitions;
}

/**
 * A feature view in the registry. ttl, features, tags and source change in place; changing its
 * entities or join keys replaces it (its materialized rows are keyed by them).
 *
 * @example
 * new skewless.FeatureView("user_stats", { store, definition: userStats }, { dependsOn: [userEntity] });
 */
export class FeatureView extends pulumi.ComponentResource {
  readonly spec: FeatureViewSpec;
  readonly object: RegistryObject<"featureView">;
  readonly viewName: pulumi.Output<string>;

  constructor(name: string, args: FeatureViewArgs, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:index:FeatureView", name, {}, opts);
    const view = args.definition;
    const entities = view.entities.filter((e): e is Exclude<typeof e, string> => typeof e !== "string");
    this.spec = specOf("featureView", view.name, args.definitions ?? definitionsOf({ entities, featureViews: [view] }));
    this.object = new RegistryObject("featureView", name, { registry: args.store.registry, project: args.store.project, spec: this.spec, onlineStore: args.store.onlineStore }, { parent: this });
    this.viewName = this.object.name;
    this.registerOutputs({ viewName: this.viewName, managedBy: this.object.managedBy });
  }
}
