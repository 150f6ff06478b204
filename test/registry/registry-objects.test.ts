import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { specsFromDefinitions } from "../../runtime/src/registry/kinds";
import { checkObject, RegistryObjects } from "../../runtime/src/registry/registry-objects";
import { tempDir } from "../helpers/tmp";
import { richDefinitions } from "../helpers/rich-definitions";

const PROJECT = "p";
const specs = specsFromDefinitions(richDefinitions(), PROJECT);
const view = specs.featureView.find((v) => v.name === "user_stats")!;
const dir = tempDir();
let n = 0;
const open = () => RegistryObjects.open(path.join(dir, `r${++n}.db`));

describe("registry objects by spec", () => {
  it("writes an object with the project entries Feast expects, and reads it back as the same spec", async () => {
    const objects = open();
    expect(await objects.get("featureView", PROJECT, view.name)).toBeUndefined();
    expect(await objects.put("featureView", PROJECT, view, "pulumi")).toEqual(view);
    expect(await objects.get("featureView", PROJECT, view.name)).toEqual({ spec: view, managedBy: "pulumi" });
    const model = await objects.registry.load();
    expect(model.proto.projects?.map((p) => p.spec?.name)).toEqual([PROJECT]);
    expect(model.proto.project_metadata?.[0]?.project).toBe(PROJECT);
  });

  it("plans nothing for an object that matches, and property changes with what must be recreated otherwise", async () => {
    const objects = open();
    expect(await objects.plan("featureView", PROJECT, view)).toEqual({ exists: false, changes: [], replaces: [] });
    await objects.put("featureView", PROJECT, view, "pulumi");
    expect(await objects.plan("featureView", PROJECT, view)).toEqual({ exists: true, managedBy: "pulumi", changes: [], replaces: [] });
    const plan = await objects.plan("featureView", PROJECT, {
      ...view, ttl: "2d", joinKeys: [{ name: "user_id", dtype: "String" }], features: [...view.features, { name: "impressions", dtype: "Int64" }], tags: {},
    });
    expect(plan.changes).toEqual([
      { property: "joinKeys", before: "user_id: Int64", after: "user_id: String" },
      { property: "features", after: "impressions: Int64" },
      { property: "ttl", before: "1d", after: "2d" },
      { property: "tags.team", before: "growth" },
    ]);
    expect(plan.replaces).toEqual(["joinKeys"]);
  });

  it("sees fields a spec cannot express when someone else writes them", async () => {
    const objects = open();
    await objects.put("featureView", PROJECT, view, "pulumi");
    await objects.registry.update((model) => {
      model.get("featureView", PROJECT, view.name)!.spec!.version = "v2";
    });
    expect((await objects.plan("featureView", PROJECT, view)).changes).toEqual([{ property: "other.version", before: '"v2"', after: '"latest"' }]);
  });

  it("takes over objects nobody claims, but not another manager's unless told to", async () => {
    const objects = open();
    await objects.put("featureView", PROJECT, view, "skewless");
    await expect(objects.put("featureView", PROJECT, view, "pulumi", { takeOver: false })).rejects.toMatchObject({ code: "OBJECT_OWNED_ELSEWHERE" });
    await objects.put("featureView", PROJECT, view, "pulumi");
    expect((await objects.get("featureView", PROJECT, view.name))?.managedBy).toBe("pulumi");
  });

  it("deletes, and says whether there was anything to delete", async () => {
    const objects = open();
    await objects.put("featureView", PROJECT, view, "pulumi");
    expect(await objects.delete("featureView", PROJECT, view.name)).toBe(true);
    expect(await objects.delete("featureView", PROJECT, view.name)).toBe(false);
  });

  it("points each problem found by check at the property it is about", () => {
    expect(checkObject("featureView", "data/registry.db", PROJECT, view)).toEqual([]);
    expect(checkObject("featureView", "gs://b/registry.pb", "my-project", { ...view, features: [{ name: "clicks", dtype: "Int65" }] })).toEqual([
      { property: "registry", reason: expect.stringContaining('bucket name "b" must be 3 to 63 characters long') },
      { property: "project", reason: 'project "my-project" is invalid: use letters, digits and underscores' },
      { property: "features", reason: expect.stringContaining('field clicks has dtype "Int65", which does not exist') },
    ]);
    expect(checkObject("featureView", "r.db", PROJECT, { ...view, entities: ["user", "merchant"] })[0].property).toBe("joinKeys");
    expect(checkObject("featureService", "r.db", PROJECT, { ...specs.featureService[0], features: ["user_stats: clicks"] as never })[0])
      .toEqual({ property: "features", reason: expect.stringContaining("features must be a list of objects") });
  });
});
