import { ObjectOwnershipError, SkewlessError } from "../errors";
import { markManaged, objectManager } from "./apply";
import { diffFlat, diffObjects, kindLabel, type PropertyChange } from "./diff";
import { checkSpec, specFromProto, specToProto, type ObjectSpecs } from "./kinds";
import { flattenServiceSpec } from "./kinds/feature-service";
import { objectName, type ManagedKind, type RegistryModel } from "./model";
import type { Manager } from "./ownership";
import { Registry } from "./registry";
import { openRegistryStore } from "./stores/open-store";
import { DUMMY_ENTITY_NAME, dummyEntityProto } from "./to-proto";

/** An object as the registry holds it: its spec and who manages it. */
export interface ObjectState<S> {
  spec: S;
  /** Who the object's tags say manages it (undefined: Feast or a hand edit wrote it). */
  managedBy?: string;
}

/** What is wrong with a spec, per property, as `pulumi preview` lists check failures. */
export interface SpecProblem {
  property: string;
  reason: string;
}

/** How a registry object compares with a spec. */
export interface ObjectPlan {
  /** Whether the registry holds the object now. */
  exists: boolean;
  /** Who the object's tags say manages it (undefined: Feast or a hand edit wrote it). */
  managedBy?: string;
  /** What differs between the registry and the spec, as `skewless plan` words it (empty: up to date). */
  changes: PropertyChange[];
  /** Spec properties among `changes` that cannot change in place: the object must be recreated. */
  replaces: string[];
}

/**
 * Spec properties that say what a key is. Changing them in place would leave online rows and
 * materialization history keyed by the old key, so the object is recreated instead.
 */
const RECREATE_ON_CHANGE: Partial<Record<ManagedKind, readonly string[]>> = {
  entity: ["joinKey", "valueType"],
  featureView: ["entities", "joinKeys"],
};

/**
 * One registry object at a time, by spec: what infrastructure tools (the Pulumi provider) need.
 * Reads see the registry as it is now, so edits made by `feast apply` or by hand show up; writes
 * go through the registry's compare-and-swap, so parallel writers never lose each other's objects.
 */
export class RegistryObjects {
  constructor(readonly registry: Registry) {}

  /** For a registry location: a path (relative to the working directory) or a URI. */
  static open(location: string): RegistryObjects {
    return new RegistryObjects(new Registry(openRegistryStore({ registryType: "file", path: location, cacheTtlSeconds: 0 })));
  }

  /** The object as the registry holds it now, or undefined when it is not there. */
  async get<K extends ManagedKind>(kind: K, project: string, name: string): Promise<ObjectState<ObjectSpecs[K]> | undefined> {
    const proto = (await this.registry.load()).get(kind, project, name);
    return proto && { spec: specFromProto(kind, proto), managedBy: objectManager(kind, proto) };
  }

  /**
   * Writes the object `spec` describes, tagged as managed by `manager`, and returns the spec of what
   * was written. With `takeOver: false`, an object another manager wrote is left alone and an
   * ObjectOwnershipError thrown; objects nobody claims (written by Feast) are taken over.
   */
  async put<K extends ManagedKind>(
    kind: K, project: string, spec: ObjectSpecs[K], manager: Manager, options: { takeOver?: boolean } = {},
  ): Promise<ObjectSpecs[K]> {
    return this.registry.update((model) => {
      const existing = model.get(kind, project, spec.name);
      const owner = existing && objectManager(kind, existing);
      if (owner && owner !== manager && options.takeOver === false) {
        throw new ObjectOwnershipError(kindLabel(kind), spec.name, project, managerLabel(owner), managerLabel(manager));
      }
      const proto = specToProto(kind, spec, project, model);
      model.ensureProject(project);
      // Feast registers its placeholder entity on every apply; so does every write here
      if (!model.get("entity", project, DUMMY_ENTITY_NAME)) model.upsert("entity", project, markManaged("entity", dummyEntityProto(project), manager));
      model.upsert(kind, project, markManaged(kind, proto, manager));
      return specFromProto(kind, proto);
    });
  }

  /**
   * Removes the object; returns false (writing nothing) when it was not there. Given the
   * `manager` that deletes, the placeholder entity goes too once it is that manager's and nothing
   * needs it any more: no view without entities uses it, and the manager has nothing else left in
   * the project (every write adds the placeholder, as Feast's apply does, so it goes with the last).
   */
  async delete(kind: ManagedKind, project: string, name: string, manager?: Manager): Promise<boolean> {
    let removed = false;
    await this.registry.update((model) => {
      removed = model.remove(kind, project, name);
      const placeholder = manager !== undefined && isUnusedPlaceholder(model, project, manager);
      if (placeholder) model.remove("entity", project, DUMMY_ENTITY_NAME);
      return removed || placeholder;
    });
    return removed;
  }

  /** Compares the registry's object with `spec`, without writing anything. */
  async plan<K extends ManagedKind>(kind: K, project: string, spec: ObjectSpecs[K]): Promise<ObjectPlan> {
    const model = await this.registry.load();
    const current = model.get(kind, project, spec.name);
    if (!current) return { exists: false, changes: [], replaces: [] };
    let changes: PropertyChange[];
    try {
      changes = diffObjects(kind, current, specToProto(kind, spec, project, model));
    } catch (e) {
      // A service whose views are not updated yet cannot be compiled; its spec still says what changes.
      if (kind !== "featureService") throw e;
      changes = diffFlat(flattenServiceSpec(specFromProto("featureService", current as never)), flattenServiceSpec(spec as ObjectSpecs["featureService"]));
    }
    const immutable: readonly string[] = RECREATE_ON_CHANGE[kind] ?? [];
    const replaces = [...new Set(changes.map((c) => c.property.split(/[ .]/)[0]))].filter((p) => immutable.includes(p));
    return { exists: true, managedBy: objectManager(kind, current), changes, replaces };
  }
}

/** Whether the placeholder entity is `manager`'s and nothing holds on to it (see RegistryObjects.delete). */
function isUnusedPlaceholder(model: RegistryModel, project: string, manager: Manager): boolean {
  const placeholder = model.get("entity", project, DUMMY_ENTITY_NAME);
  if (!placeholder || objectManager("entity", placeholder) !== manager) return false;
  const views = [...model.list("featureView", project), ...model.list("streamFeatureView", project)];
  if (views.some((v) => (v.spec?.entities ?? []).includes(DUMMY_ENTITY_NAME))) return false;
  return !MANAGED_KINDS_LIST.some((kind) => model.list(kind, project).some((p) =>
    objectManager(kind, p) === manager && !(kind === "entity" && objectName(kind, p) === DUMMY_ENTITY_NAME)));
}

const MANAGED_KINDS_LIST: readonly ManagedKind[] = ["entity", "dataSource", "featureView", "featureService", "permission"];

/**
 * Validates a registry location, a project name and a spec without reading the registry (feature
 * services are checked for syntax only: their views may not be registered yet).
 */
export function checkObject<K extends ManagedKind>(kind: K, location: string, project: string, spec: ObjectSpecs[K]): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const attempt = (property: string | undefined, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof SkewlessError)) throw e;
      problems.push({ property: property ?? propertyOf(e.message), reason: e.hint ? `${e.message} (${e.hint})` : e.message });
    }
  };
  attempt("registry", () => openRegistryStore({ registryType: "file", path: String(location), cacheTtlSeconds: 0 }));
  if (typeof project !== "string" || !PROJECT_NAME.test(project)) {
    problems.push({ property: "project", reason: `project ${JSON.stringify(project)} is invalid: use letters, digits and underscores` });
  }
  attempt(undefined, () => checkSpec(kind, spec));
  return problems;
}

const PROJECT_NAME = /^[A-Za-z0-9_]+$/;

/** The spec property a validation message is about, for tools that point at properties. */
function propertyOf(message: string): string {
  const rules: [RegExp, string][] = [
    [/\bttl\b/, "ttl"], [/joinKeys|join key/, "joinKeys"], [/\bentit/, "entities"], [/source|timestampField/i, "source"], [/\btags?\b/, "tags"], [/\bfield\b|\bfeatures?\b|dtype|projection/, "features"],
  ];
  return rules.find(([pattern]) => pattern.test(message))?.[1] ?? "name";
}

function managerLabel(manager: string): string {
  if (manager === "skewless") return "`skewless apply`";
  if (manager === "pulumi") return "Pulumi";
  return manager;
}
