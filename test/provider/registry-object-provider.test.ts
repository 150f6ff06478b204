import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { registryObjectProvider } from "../../pulumi/src/provider/registry-object-provider";
import { specsFromDefinitions, type ObjectSpecs } from "../../runtime/src/registry/kinds";
import type { ManagedKind } from "../../runtime/src/registry/model";
import { RegistryObjects } from "../../runtime/src/registry/registry-objects";
import { Registry } from "../../runtime/src/registry/registry";
import { FileRegistryStore } from "../../runtime/src/registry/stores/file-store";
import { richDefinitions } from "../helpers/rich-definitions";
import { tempDir } from "../helpers/tmp";

const PROJECT = "p";
const specs = specsFromDefinitions(richDefinitions(), PROJECT);
const dir = tempDir();
let counter = 0;

/** A fresh registry file for each test. */
function newRegistry(): string {
  return path.join(dir, `registry-${++counter}.db`);
}

function inputs<S extends ObjectSpecs[ManagedKind]>(registry: string, spec: S): S & { registry: string; project: string } {
  return { ...structuredClone(spec), registry, project: PROJECT };
}

const view = () => structuredClone(specs.featureView.find((v) => v.name === "user_stats")!);
const entity = () => structuredClone(specs.entity.find((e) => e.name === "user")!);

async function load(registry: string) {
  return new Registry(new FileRegistryStore(registry)).load();
}

describe("the registry object provider, against real registry files", () => {
  it("creates the object in registry.pb, tagged as Pulumi's, and returns complete outputs", async () => {
    const registry = newRegistry();
    const provider = registryObjectProvider("featureView");
    const created = await provider.create(inputs(registry, view()));
    expect(created.id).toBe("p/user_stats");
    expect(created.outs).toEqual({ ...view(), registry, project: PROJECT, managedBy: "pulumi" });
    const stored = (await load(registry)).get("featureView", PROJECT, "user_stats");
    expect(stored?.spec?.ttl?.seconds).toBe(86_400n);
    expect(stored?.spec?.tags).toEqual({ team: "growth" });
    expect(stored?.meta?.skewless_managed_by).toBe("pulumi");
    expect((await provider.diff!(created.id, created.outs!, inputs(registry, view()))).changes).toBe(false);
  });

  it("reports a ttl change as an in-place change of that one property, and update writes it", async () => {
    const registry = newRegistry();
    const provider = registryObjectProvider("featureView");
    const created = await provider.create(inputs(registry, view()));
    const changed = inputs(registry, { ...view(), ttl: "2d" });
    expect(await provider.diff!(created.id, created.outs!, changed)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const plan = await RegistryObjects.open(registry).plan("featureView", PROJECT, { ...view(), ttl: "2d" });
    expect(plan.changes).toEqual([{ property: "ttl", before: "1d", after: "2d" }]);

    const updated = await provider.update!(created.id, created.outs!, changed);
    expect(updated.outs).toEqual({ ...view(), ttl: "2d", registry, project: PROJECT, managedBy: "pulumi" });
    expect((await load(registry)).get("featureView", PROJECT, "user_stats")?.spec?.ttl?.seconds).toBe(172_800n);
    expect((await provider.diff!(created.id, updated.outs!, changed)).changes).toBe(false);
  });

  it("replaces, deleting first, when a join key or a view's entities change", async () => {
    const registry = newRegistry();
    const entities = registryObjectProvider("entity");
    const e = await entities.create(inputs(registry, entity()));
    expect(await entities.diff!(e.id, e.outs!, inputs(registry, { ...entity(), joinKey: "customer_id" })))
      .toEqual({ changes: true, replaces: ["joinKey"], deleteBeforeReplace: true });

    const views = registryObjectProvider("featureView");
    const v = await views.create(inputs(registry, view()));
    expect(await views.diff!(v.id, v.outs!, inputs(registry, { ...view(), joinKeys: [{ name: "user_id", dtype: "String" }] })))
      .toMatchObject({ changes: true, replaces: ["joinKeys"], deleteBeforeReplace: true });
    expect(await views.diff!(v.id, v.outs!, inputs(registry, { ...view(), entities: ["account"], joinKeys: [{ name: "account_id", dtype: "Int64" }] })))
      .toMatchObject({ changes: true, replaces: ["entities", "joinKeys"], deleteBeforeReplace: true });
  });

  it("replaces without deleting first when the object is renamed (the new name cannot collide)", async () => {
    const registry = newRegistry();
    const provider = registryObjectProvider("entity");
    const e = await provider.create(inputs(registry, entity()));
    expect(await provider.diff!(e.id, e.outs!, inputs(registry, { ...entity(), name: "member" })))
      .toEqual({ changes: true, replaces: ["name"], deleteBeforeReplace: false });
  });

  it("plans conservatively while preview values are unknown", async () => {
    const registry = newRegistry();
    const provider = registryObjectProvider("entity");
    const e = await provider.create(inputs(registry, entity()));
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect(await provider.diff!(e.id, e.outs!, { ...inputs(registry, entity()), registry: unknown }))
      .toEqual({ changes: true, replaces: ["registry"], deleteBeforeReplace: true });
    expect(await provider.diff!(e.id, e.outs!, { ...inputs(registry, entity()), description: unknown })).toEqual({ changes: true });
  });

  it("sees an out-of-band edit (feast apply) in diff, and refresh reads it back as inputs", async () => {
    const registry = newRegistry();
    const provider = registryObjectProvider("featureView");
    const created = await provider.create(inputs(registry, view()));
    // What `feast apply` does: rewrite the view from its own definitions (without Skewless's meta field).
    await new Registry(new FileRegistryStore(registry)).update((model) => {
      const fv = structuredClone(model.get("featureView", PROJECT, "user_stats")!);
      fv.spec!.ttl = { seconds: 259_200n };
      fv.spec!.tags = { team: "growth" };
      delete fv.meta!.skewless_managed_by;
      model.upsert("featureView", PROJECT, fv);
    });
    expect((await provider.diff!(created.id, created.outs!, inputs(registry, view()))).changes).toBe(true);
    const plan = await RegistryObjects.open(registry).plan("featureView", PROJECT, view());
    expect(plan).toMatchObject({ exists: true, managedBy: undefined, changes: [{ property: "ttl", before: "3d", after: "1d" }], replaces: [] });

    const refreshed = await provider.read!(created.id, created.outs);
    expect(refreshed.id).toBe(created.id);
    expect(refreshed.inputs).toEqual({ ...view(), ttl: "3d", registry, project: PROJECT });
    expect(refreshed.props).toMatchObject({ ttl: "3d", managedBy: "" });

    await provider.update!(created.id, created.outs!, inputs(registry, view()));
    expect(await RegistryObjects.open(registry).get("featureView", PROJECT, "user_stats")).toMatchObject({ spec: { ttl: "1d" }, managedBy: "pulumi" });
  });

  it("deletes the object, and tolerates one already gone or a registry never written", async () => {
    const registry = newRegistry();
    const provider = registryObjectProvider("featureView");
    const created = await provider.create(inputs(registry, view()));
    await provider.delete!(created.id, created.outs!);
    expect((await load(registry)).get("featureView", PROJECT, "user_stats")).toBeUndefined();
    await expect(provider.delete!(created.id, created.outs!)).resolves.toBeUndefined();
    expect(await provider.read!(created.id, created.outs)).toEqual({ id: "" });

    const never = newRegistry();
    await provider.delete!("p/user_stats", { ...created.outs!, registry: never });
    expect(await new FileRegistryStore(never).read()).toBeNull();
  });

  it("lands all of 50 views created in parallel against one registry file", async () => {
    const registry = newRegistry();
    const provider = registryObjectProvider("featureView");
    const names = Array.from({ length: 50 }, (_, i) => `view_${String(i).padStart(2, "0")}`);
    const results = await Promise.all(names.map((name) => provider.create(inputs(registry, { ...view(), name }))));
    expect(results.map((r) => r.id).sort()).toEqual(names.map((n) => `p/${n}`));
    const stored = (await load(registry)).list("featureView", PROJECT);
    expect(stored.map((v) => v.spec!.name).sort()).toEqual(names);
    expect(stored.every((v) => v.meta!.skewless_managed_by === "pulumi")).toBe(true);
  });

  it("refuses to take over an object skewless apply manages, writing nothing", async () => {
    const registry = newRegistry();
    await RegistryObjects.open(registry).put("entity", PROJECT, entity(), "skewless");
    const before = await new FileRegistryStore(registry).read();
    await expect(registryObjectProvider("entity").create(inputs(registry, entity())))
      .rejects.toThrow(/entity user in project p is managed by `skewless apply`, so Pulumi will not take it over/);
    expect((await new FileRegistryStore(registry).read())!.token).toBe(before!.token);
  });

  it("checks specs with skewless plan's messages, and lets unknown preview values through", async () => {
    const provider = registryObjectProvider("featureView");
    const registry = newRegistry();
    expect(await provider.check!(inputs(registry, view()), inputs(registry, view()))).toEqual({ inputs: inputs(registry, view()) });
    const bad = inputs(registry, { ...view(), ttl: "soon" });
    expect((await provider.check!(bad, bad)).failures).toEqual([
      { property: "ttl", reason: expect.stringMatching(/^feature view user_stats: ttl "soon" is not a duration/) },
    ]);
    const unknown = { ...inputs(registry, view()), registry: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" };
    expect(await provider.check!(unknown, unknown)).toEqual({ inputs: unknown });
    const badUri = inputs("s3://x/registry/registry.pb", view());
    expect((await provider.check!(badUri, badUri)).failures).toEqual([
      { property: "registry", reason: expect.stringMatching(/^registry s3:\/\/x\/registry\/registry.pb: bucket name "x" must be 3 to 63 characters long/) },
    ]);
  });

  it("diffs a feature service whose views are not updated yet by its spec, without failing", async () => {
    const registry = newRegistry();
    const views = registryObjectProvider("featureView");
    for (const v of specs.featureView) await views.create(inputs(registry, v));
    const services = registryObjectProvider("featureService");
    const service = specs.featureService[0];
    const created = await services.create(inputs(registry, service));
    const selectsNew = { ...service, features: [{ view: "user_stats", features: ["clicks", "ctr", "impressions"] }, ...service.features.slice(1)] };
    expect(await services.diff!(created.id, created.outs!, inputs(registry, selectsNew)))
      .toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    await expect(services.update!(created.id, created.outs!, inputs(registry, selectsNew)))
      .rejects.toThrow(/selects feature impressions from view user_stats, which has no such feature/);
  });
});
