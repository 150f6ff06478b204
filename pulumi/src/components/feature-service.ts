import * as pulumi from "@pulumi/pulumi";
import type { Definitions, FeatureService as FeatureServiceDefinition, FeatureServiceSpec } from "@skewless/runtime/internal";
import { RegistryObject } from "../provider/registry-object";
import { definitionsOf, specOf, type RegistryTarget } from "./registry-target";

export interface FeatureServiceArgs {
  /** The registry to write to: a FeatureStore, or a registry location and project. */
  store: RegistryTarget;
  /** The service, as the feature repo defines it (the object `skewless apply` reads). */
  definition: FeatureServiceDefinition;
  /** The repo's definitions. Default: the service, its views and the Entity objects they list. */
  definitions?: Definitions;
}

/**
 * A feature service in the registry. It embeds its views' features, so it is written after them:
 * give it `dependsOn` its FeatureView components (a FeatureStore does).
 */
export class FeatureService extends pulumi.ComponentResource {
  readonly spec: FeatureServiceSpec;
  readonly object: RegistryObject<"featureService">;
  readonly serviceName: pulumi.Output<string>;

  constructor(name: string, args: FeatureServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:index:FeatureService", name, {}, opts);
    const service = args.definition;
    // Pulumi writes feature views; a service's on-demand views come from the repo's own apply
    const views = [...new Set(service.projections.map((p) => p.view))].filter((v): v is Extract<typeof v, { ttlSeconds: number }> => "ttlSeconds" in v);
    const entities = views.flatMap((v) => v.entities.filter((e): e is Exclude<typeof e, string> => typeof e !== "string"));
    const context = args.definitions ?? definitionsOf({ entities: [...new Set(entities)], featureViews: views, featureServices: [service] });
    this.spec = specOf("featureService", service.name, context);
    this.object = new RegistryObject("featureService", name, { registry: args.store.registry, project: args.store.project, spec: this.spec }, { parent: this });
    this.serviceName = this.object.name;
    this.registerOutputs({ serviceName: this.serviceName, managedBy: this.object.managedBy });
  }
}
