import * as pulumi from "@pulumi/pulumi";
import type { Permission as PermissionDefinition, PermissionSpec } from "@skewless/runtime";
import { RegistryObject } from "../provider/registry-object";
import { definitionsOf, specOf, type RegistryTarget } from "./registry-target";

export interface PermissionArgs {
  /** The registry to write to: a FeatureStore, or a registry location and project. */
  store: RegistryTarget;
  /** The permission, as the feature repo defines it (the object `skewless apply` reads). */
  definition: PermissionDefinition;
}

/**
 * A Feast permission in the registry: who may do what to which objects, enforced by `skewless serve`
 * (and `feast serve`) when the store's `auth` is configured. Previews show its actions, types and
 * policy as properties (`~ policy.roles: [...]`).
 *
 * @example
 * new skewless.Permission("pii-readers", { store, definition: piiReaders });
 */
export class Permission extends pulumi.ComponentResource {
  readonly spec: PermissionSpec;
  readonly object: RegistryObject<"permission">;
  readonly permissionName: pulumi.Output<string>;

  constructor(name: string, args: PermissionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:index:Permission", name, {}, opts);
    this.spec = specOf("permission", args.definition.name, definitionsOf({ permissions: [args.definition] }));
    this.object = new RegistryObject("permission", name, { registry: args.store.registry, project: args.store.project, spec: this.spec }, { parent: this });
    this.permissionName = this.object.name;
    this.registerOutputs({ permissionName: this.permissionName, managedBy: this.object.managedBy });
  }
}
