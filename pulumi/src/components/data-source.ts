import * as pulumi from "@pulumi/pulumi";
import type { DataSource as DataSourceDefinition, DataSourceSpec, Definitions } from "@skewless/runtime/internal";
import { RegistryObject } from "../provider/registry-object";
import { definitionsOf, specOf, type RegistryTarget } from "./registry-target";

export interface DataSourceArgs {
  /** The registry to write to: a FeatureStore, or a registry location and project. */
  store: RegistryTarget;
  /** The source (FileSource, BigQuerySource, PushSource), as the feature repo defines it. */
  definition: DataSourceDefinition;
  /** The repo's definitions (default: the source alone). */
  definitions?: Definitions;
}

/**
 * A data source registered on its own, as `feast apply` registers every source a view uses. Views
 * embed their source too, so a path change shows on the source and on each view that reads it.
 */
export class DataSource extends pulumi.ComponentResource {
  readonly spec: DataSourceSpec;
  readonly object: RegistryObject<"dataSource">;
  readonly sourceName: pulumi.Output<string>;

  constructor(name: string, args: DataSourceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:index:DataSource", name, {}, opts);
    this.spec = specOf("dataSource", args.definition.name, args.definitions ?? definitionsOf({ dataSources: [args.definition] }));
    this.object = new RegistryObject("dataSource", name, { registry: args.store.registry, project: args.store.project, spec: this.spec }, { parent: this });
    this.sourceName = this.object.name;
    this.registerOutputs({ sourceName: this.sourceName, managedBy: this.object.managedBy });
  }
}
