import * as pulumi from "@pulumi/pulumi";
import type { ManagedKind, ObjectSpecs } from "@skewless/runtime/internal";
import { resolveLocal } from "../components/project-root";
import { registryObjectProvider, type OnlineStoreInput, type RegistryObjectInputs } from "./registry-object-provider";

/** The resource type of each kind: `pulumi-nodejs:dynamic/skewless:FeatureView`, ... */
export const REGISTRY_OBJECT_TYPES: Record<ManagedKind, string> = {
  entity: "Entity",
  dataSource: "DataSource",
  featureView: "FeatureView",
  featureService: "FeatureService",
  permission: "Permission",
};

export interface RegistryObjectArgs<K extends ManagedKind> {
  /** Registry location: an absolute path (relative ones: against the Pulumi project root), or an s3:// / gs:// URI. */
  registry: pulumi.Input<string>;
  /** The Feast project the object belongs to. */
  project: pulumi.Input<string>;
  /** The object's structured spec (`ttl: "1d"`, `features: [{ name: "clicks", dtype: "Int64" }]`). */
  spec: ObjectSpecs[K];
  /** Feature views: the online store whose tables follow the registry (see RegistryObjectInputs). */
  onlineStore?: OnlineStoreInput;
}

// One provider object per kind: Pulumi caches a provider's serialized text per object, so 50
// views serialize it once.
const providers = new Map<ManagedKind, pulumi.dynamic.ResourceProvider>();

function providerFor(kind: ManagedKind): pulumi.dynamic.ResourceProvider {
  let provider = providers.get(kind);
  if (!provider) {
    provider = registryObjectProvider(kind) as unknown as pulumi.dynamic.ResourceProvider;
    providers.set(kind, provider);
  }
  return provider;
}

/**
 * One object in registry.pb, managed by Pulumi. Its spec's properties are the resource's inputs, so
 * `pulumi preview --diff` shows `~ ttl: "1d" => "2d"`, and a nested change at its path (`features[2].dtype`); the provider diffs against registry.pb as it is
 * now, so edits made with `feast apply` or by hand show up as changes too.
 */
export class RegistryObject<K extends ManagedKind = ManagedKind> extends pulumi.dynamic.Resource {
  declare readonly registry: pulumi.Output<string>;
  declare readonly project: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  /** Who the registry says manages the object: `pulumi` unless someone else took it over. */
  declare readonly managedBy: pulumi.Output<string>;

  constructor(readonly kind: K, name: string, args: RegistryObjectArgs<K>, opts?: pulumi.CustomResourceOptions) {
    // `managedBy: undefined` asks Pulumi for that output without sending it as an input.
    // A plain string is checked here, so a relative path without a project root fails at its line.
    const resolve = (location: string) => resolveLocal(location, `${REGISTRY_OBJECT_TYPES[kind]} ${name}: registry`);
    const registry = typeof args.registry === "string" ? resolve(args.registry) : pulumi.output(args.registry).apply(resolve);
    const props: pulumi.Inputs = { ...args.spec, registry, project: args.project, managedBy: undefined };
    if (kind === "featureView" && args.onlineStore) props.onlineStore = args.onlineStore;   // absent, not undefined, otherwise
    super(providerFor(kind), name, props, opts, "skewless", REGISTRY_OBJECT_TYPES[kind]);
  }
}

export type { RegistryObjectInputs };
