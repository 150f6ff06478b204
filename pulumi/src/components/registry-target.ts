import type * as pulumi from "@pulumi/pulumi";
import type { OnlineStoreInput } from "../provider/registry-object-provider";
import {
  InvalidArgumentError, specsFromDefinitions, type Definitions, type ManagedKind, type ObjectSpecs,
} from "@skewless/runtime/internal";

/** Where registry objects are written: a FeatureStore, or a registry location and project. */
export interface RegistryTarget {
  /** Registry location: an absolute path (relative ones: against the Pulumi project root), or an s3:// / gs:// URI. */
  readonly registry: pulumi.Input<string>;
  /** The Feast project. */
  readonly project: pulumi.Input<string>;
  /** An online store this machine reaches (local SQLite): feature views keep its tables in step. */
  readonly onlineStore?: OnlineStoreInput;
}

// Compiling is cheap but a store compiles the same definitions once per child: cache per object.
const compiled = new WeakMap<Definitions, ReturnType<typeof specsFromDefinitions>>();

/**
 * The spec of the object `name` among `definitions`, compiled as `skewless apply` compiles the
 * whole repo (so an entity's value type inferred from a view's schema, for one, is the same).
 */
export function specOf<K extends ManagedKind>(kind: K, name: string, definitions: Definitions): ObjectSpecs[K] {
  let specs = compiled.get(definitions);
  if (!specs) {
    specs = specsFromDefinitions(definitions, SPEC_PROJECT);
    compiled.set(definitions, specs);
  }
  const spec = (specs[kind] as ObjectSpecs[K][]).find((s) => s.name === name);
  if (!spec) {
    throw new InvalidArgumentError(`${kind} ${name} is not among the definitions given`, "pass `definitions` that contain it (a FeatureStore passes the whole repo's)");
  }
  return spec;
}

/** Specs leave the project out (it is a resource input of its own); compiling still needs one. */
const SPEC_PROJECT = "skewless";

/** An empty set of definitions to add to. */
export function definitionsOf(parts: Partial<Definitions>): Definitions {
  return { entities: [], dataSources: [], featureViews: [], featureServices: [], ...parts };
}
