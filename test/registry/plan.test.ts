import { describe, expect, it } from "vitest";
import { Entity, FeatureService, FeatureView, FileSource } from "../../runtime/src/index";
import { parseRepoConfig } from "../../runtime/src/config";
import { applyPlan, objectManager } from "../../runtime/src/registry/apply";
import { collectDefinitions } from "../../runtime/src/registry/compile";
import { RegistryModel } from "../../runtime/src/registry/model";
import { renderPlan } from "../../runtime/src/registry/render-plan";
import { planDefinitions } from "../../runtime/src/repo/plan-repo";

const config = parseRepoConfig({ project: "p", registry: "data/registry.db" }, "/repo");
const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const source = new FileSource({ name: "stats_source", path: "data/stats.parquet", timestampField: "event_timestamp" });
type ViewOptions = ConstructorParameters<typeof FeatureView>[0];
const stats = (o: Partial<ViewOptions> = {}) => new FeatureView({
  name: "user_stats", entities: [user], ttl: "1d", source, tags: { team: "growth" },
  schema: [{ name: "clicks", dtype: "Int64" }, { name: "ctr", dtype: "Float32" }], ...o,
});

/** Applies `values` to `model` as `skewless apply` would, returning the plan. */
function apply(model: RegistryModel, ...values: unknown[]) {
  const plan = planDefinitions(model, collectDefinitions(values), config);
  applyPlan(model, plan, "skewless");
  return plan;
}

describe("registry plans", () => {
  it("creates everything on an empty registry, then plans no changes", () => {
    const model = new RegistryModel();
    const plan = apply(model, user, stats());
    expect(renderPlan(plan)).toBe([
      "+ create data source stats_source",
      "+ create entity user",
      "+ create feature view user_stats",
      "",
      "Plan: 3 to create, 0 to update, 0 to delete.",
    ].join("\n"));
    expect(renderPlan(planDefinitions(model, collectDefinitions([user, stats()]), config))).toBe("No changes to registry");
  });

  it("prints a ttl change as exactly that change, in reviewer units", () => {
    const model = new RegistryModel();
    apply(model, user, stats());
    const plan = planDefinitions(model, collectDefinitions([user, stats({ ttl: "2d" })]), config);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0].changes).toEqual([{ property: "ttl", before: "1d", after: "2d" }]);
    expect(renderPlan(plan)).toBe("~ update feature view user_stats: ttl 1d -> 2d\n\nPlan: 0 to create, 1 to update, 0 to delete.");
  });

  it("lists several property changes of one object on their own lines", () => {
    const model = new RegistryModel();
    apply(model, user, stats());
    const changed = stats({ tags: { team: "risk" }, schema: [{ name: "clicks", dtype: "Int32" }, { name: "views", dtype: "Int64" }] });
    expect(renderPlan(planDefinitions(model, collectDefinitions([user, changed]), config))).toBe([
      "~ update feature view user_stats:",
      "      features clicks: Int64 -> clicks: Int32",
      "      features + views: Int64",
      "      features - ctr: Float32",
      "      tags.team growth -> risk",
      "",
      "Plan: 0 to create, 1 to update, 0 to delete.",
    ].join("\n"));
  });

  it("shows a source path change on the source and on the view that embeds it", () => {
    const model = new RegistryModel();
    apply(model, user, stats());
    const moved = new FileSource({ name: "stats_source", path: "data/stats_v2.parquet", timestampField: "event_timestamp" });
    expect(renderPlan(planDefinitions(model, collectDefinitions([user, stats({ source: moved })]), config))).toBe([
      "~ update data source stats_source: path data/stats.parquet -> data/stats_v2.parquet",
      "~ update feature view user_stats: source.path data/stats.parquet -> data/stats_v2.parquet",
      "",
      "Plan: 0 to create, 2 to update, 0 to delete.",
    ].join("\n"));
  });

  it("deletes what it created once the repo drops it, but never objects others wrote", () => {
    const model = new RegistryModel();
    model.upsert("featureView", "p", { spec: { name: "feast_view", project: "p", entities: ["user"] } });
    apply(model, user, stats(), new FeatureService({ name: "svc", features: [stats()] }));
    const plan = planDefinitions(model, collectDefinitions([user, stats()]), config);
    expect(renderPlan(plan)).toBe("- delete feature service svc\n\nPlan: 0 to create, 0 to update, 1 to delete.");
    applyPlan(model, plan, "skewless");
    expect(model.get("featureService", "p", "svc")).toBeUndefined();
    expect(model.get("featureView", "p", "feast_view")).toBeDefined();
  });

  it("keeps created_timestamp and materialization intervals when a view is updated", () => {
    const model = new RegistryModel();
    apply(model, user, stats());
    const created = model.get("featureView", "p", "user_stats")!.meta!.created_timestamp;
    model.recordMaterialization("p", "user_stats", new Date("2026-01-01T00:00:00Z"), new Date("2026-01-02T00:00:00Z"));
    apply(model, user, stats({ ttl: "3d" }));
    const meta = model.get("featureView", "p", "user_stats")!.meta!;
    expect(meta.created_timestamp).toEqual(created);
    expect(meta.materialization_intervals).toHaveLength(1);
    expect(meta.state).toBe(4);
  });

  it("records ownership in the meta, where Feast's plans do not look, and never shows it as a change", () => {
    const model = new RegistryModel();
    apply(model, user, stats());
    const view = model.get("featureView", "p", "user_stats")!;
    expect(view.spec!.tags).toEqual({ team: "growth" });
    expect(view.meta!.skewless_managed_by).toBe("skewless");
    expect(objectManager("featureView", view)).toBe("skewless");
    expect(planDefinitions(model, collectDefinitions([user, stats()]), config).changes).toEqual([]);
  });

  it("still reads the ownership tag earlier versions wrote, and does not show it as a change", () => {
    const model = new RegistryModel();
    apply(model, user, stats());
    const view = model.get("featureView", "p", "user_stats")!;
    view.spec!.tags = { ...view.spec!.tags, "skewless/managed-by": "pulumi" };
    delete view.meta!.skewless_managed_by;
    expect(objectManager("featureView", view)).toBe("pulumi");
    expect(planDefinitions(model, collectDefinitions([user, stats()]), config).changes).toEqual([]);
  });

  it("reports spec fields it does not model instead of hiding them", () => {
    const model = new RegistryModel();
    apply(model, user, stats());
    model.get("featureView", "p", "user_stats")!.spec!.enable_validation = true;
    expect(renderPlan(planDefinitions(model, collectDefinitions([user, stats()]), config)))
      .toContain("~ update feature view user_stats: other.enable_validation true -> (none)");
  });
});
