import type * as pulumi from "@pulumi/pulumi";
import type { ManagedKind, ObjectSpecs } from "@skewless/runtime/internal";

// Pulumi serializes this provider into the stack (closure serialization) and runs it in its own
// process. So the methods load the runtime with `require` when they run, and the helpers below
// capture nothing but each other: a captured import would drag whole modules into the text.

/** A registry object resource's inputs: where the object lives, and its structured spec. */
export type RegistryObjectInputs<K extends ManagedKind = ManagedKind> = ObjectSpecs[K] & {
  /** Registry location: an absolute path, or an s3:// / gs:// URI (the provider process has no meaningful working directory). */
  registry: string;
  project: string;
  /**
   * The online store the registry's views live in, when the deploying machine can reach it (the
   * local SQLite file): each write then creates the views' tables and drops removed views' data.
   */
  onlineStore?: OnlineStoreInput;
};

/** feature_store.yaml's `online_store`, as Feast names its keys. */
export type OnlineStoreInput = { type: "sqlite"; path: string } | { type: "dynamodb"; region: pulumi.Input<string> };

/** Its outputs: the spec of what the registry holds, and who manages it. */
export type RegistryObjectOutputs<K extends ManagedKind = ManagedKind> = RegistryObjectInputs<K> & { managedBy: string };

type Runtime = typeof import("@skewless/runtime/internal");
type Provider<K extends ManagedKind> = pulumi.dynamic.ResourceProvider<RegistryObjectInputs<K>, RegistryObjectOutputs<K>>;

/** The tag value objects written through Pulumi carry: `skewless apply` never deletes them. */
const MANAGER = "pulumi";

/**
 * The dynamic provider for one kind of registry object (entity, data source, feature view,
 * feature service): create/update/delete write registry.pb through its compare-and-swap, and
 * diff/read compare with what registry.pb holds now, so edits made out of band show up.
 */
export function registryObjectProvider<K extends ManagedKind>(kind: K): Provider<K> {
  // The engine starts the provider host in the Pulumi project folder, and the runtime is looked up
  // from there (its node_modules), by name: the stored text holds no machine's paths.
  const load = (): Runtime => require("@skewless/runtime/internal");
  return {
    async check(_olds, news) {
      if (hasUnknowns(news)) return { inputs: news };   // preview: values not known yet
      const rt = load();
      const { registry, project, spec } = splitInputs<K>(news);
      const failures = rt.checkObject(kind, registry, project, spec);
      if (typeof registry === "string" && !/^[a-z][a-z0-9+.-]*:\/\//i.test(registry) && !require("node:path").isAbsolute(registry)) {
        failures.push({ property: "registry", reason: `registry ${JSON.stringify(registry)} is relative: give an absolute path or a URI (the provider does not run in the program's folder)` });
      }
      return failures.length ? { inputs: news, failures } : { inputs: news };
    },

    async diff(_id, olds, news) {
      const identity = (["registry", "project", "name"] as const).filter((key) => olds[key] !== news[key]);
      if (identity.length) {
        // Another object: write it, then delete the old one. An unknown value might turn out to be
        // the old one, though, and writing first would then be undone by the delete: delete first.
        return { changes: true, replaces: identity, deleteBeforeReplace: identity.some((key) => hasUnknowns(news[key])) };
      }
      if (hasUnknowns(news)) return { changes: true };   // preview: compare once the values are known
      const rt = load();
      const { registry, project, spec } = splitInputs<K>(news);
      const plan = await rt.RegistryObjects.open(registry).plan(kind, project, spec);
      if (!plan.exists) return { changes: true };   // deleted out of band: update writes it again
      if (JSON.stringify(olds.onlineStore ?? null) !== JSON.stringify(news.onlineStore ?? null)) {
        return { changes: true, replaces: plan.replaces, deleteBeforeReplace: plan.replaces.length > 0 };
      }
      // Same name, so the old object must go before the new one is written.
      return {
        changes: plan.changes.length > 0 || plan.managedBy !== MANAGER,
        replaces: plan.replaces,
        deleteBeforeReplace: plan.replaces.length > 0,
      };
    },

    async create(inputs) {
      const rt = load();
      const { registry, project, spec } = splitInputs<K>(inputs);
      const written = await rt.RegistryObjects.open(registry).put(kind, project, spec, MANAGER, { takeOver: false });
      await syncOnline(rt, kind, registry, project, inputs.onlineStore);
      return { id: objectId(project, written.name), outs: { ...outputs<K>(registry, project, written, MANAGER), ...online(inputs) } };
    },

    async read(id, props) {
      const rt = load();
      const { registry, project, name } = locate(id, props, rt);
      const state = await rt.RegistryObjects.open(registry).get(kind, project, name);
      if (!state) return { id: "" };   // gone: Pulumi drops it from the stack on refresh
      // Inputs as the registry holds them, so after a refresh `preview --diff` shows exactly what drifted.
      const inputs = { ...state.spec, registry, project, ...online(props ?? {}) };
      return { id, props: { ...outputs<K>(registry, project, state.spec, state.managedBy ?? ""), ...online(props ?? {}) }, inputs: inputs as unknown as RegistryObjectOutputs<K> };
    },

    async update(_id, _olds, news) {
      const rt = load();
      const { registry, project, spec } = splitInputs<K>(news);
      // diff replaces the resource when registry, project or name change, so this is the same object.
      const written = await rt.RegistryObjects.open(registry).put(kind, project, spec, MANAGER);
      await syncOnline(rt, kind, registry, project, news.onlineStore);
      return { outs: { ...outputs<K>(registry, project, written, MANAGER), ...online(news) } };
    },

    async delete(id, props) {
      const rt = load();
      const { registry, project, name } = locate(id, props, rt);
      // Already gone is fine; the placeholder entity goes with the stack's last object (see RegistryObjects.delete).
      await rt.RegistryObjects.open(registry).delete(kind, project, name, MANAGER);
      await syncOnline(rt, kind, registry, project, props?.onlineStore);
    },
  };
}

/** Pulumi's placeholder for values a preview does not know yet. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Whether any value is Pulumi's unknown placeholder. `__provider` is skipped: it is this
 * provider's own serialized text, which holds the placeholder as a literal, so searching the
 * whole bag's text would find it every time and no diff would ever say "no changes".
 */
function hasUnknowns(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(hasUnknowns);
  if (value && typeof value === "object") {
    return Object.entries(value).some(([key, v]) => key !== "__provider" && hasUnknowns(v));
  }
  return false;
}

function splitInputs<K extends ManagedKind>(inputs: RegistryObjectInputs<K>): { registry: string; project: string; spec: ObjectSpecs[K] } {
  // `__provider` (the serialized provider) and `managedBy` (an output) ride along in Pulumi's bags.
  const { registry, project, onlineStore: _o, __provider: _p, managedBy: _m, ...spec } = inputs as RegistryObjectInputs<K> & { __provider?: unknown; managedBy?: unknown };
  return { registry, project, spec: spec as unknown as ObjectSpecs[K] };
}

function outputs<K extends ManagedKind>(registry: string, project: string, spec: ObjectSpecs[K], managedBy: string): RegistryObjectOutputs<K> {
  return { ...spec, registry, project, managedBy } as unknown as RegistryObjectOutputs<K>;
}

/** The `onlineStore` property of a bag, or nothing (so bags without one stay without one). */
function online(bag: { onlineStore?: OnlineStoreInput }): { onlineStore?: OnlineStoreInput } {
  return bag.onlineStore ? { onlineStore: bag.onlineStore } : {};
}

/** After a feature view is written or deleted: the online store's tables made to match the registry. */
async function syncOnline(rt: Runtime, kind: ManagedKind, registry: string, project: string, store: OnlineStoreInput | undefined): Promise<void> {
  if (kind !== "featureView" || !store) return;
  const config = rt.parseRepoConfig({ project, registry, provider: "local", online_store: store, entity_key_serialization_version: 3 }, "/");
  await rt.syncOnlineInfra(config);
}

/** `project/name`: unique per kind and registry, readable in `pulumi stack` listings. */
function objectId(project: string, name: string): string {
  return `${project}/${name}`;
}

function locate(id: string, props: Partial<RegistryObjectOutputs> | undefined, rt: Runtime): { registry: string; project: string; name: string } {
  const [idProject, ...rest] = id.split("/");
  const registry = props?.registry;
  if (!registry) {
    throw new rt.InvalidArgumentError(
      `registry object ${id}: the registry location is unknown`,
      "give the resource its registry input: an id alone does not say which registry.pb holds the object",
    );
  }
  return { registry, project: props?.project ?? idProject, name: props?.name ?? rest.join("/") };
}
