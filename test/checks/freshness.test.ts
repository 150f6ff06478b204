import { describe, expect, it } from "vitest";
import { Entity, FeatureView, FileSource } from "../../runtime/src/index";
import { checkFreshness, renderFreshness } from "../../runtime/src/checks/freshness";
import { definitions, openStore, scratchDir } from "../helpers/online-repo";

const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const source = new FileSource({ name: "s", path: "data/s.parquet", timestampField: "event_timestamp" });
const hourly = new FeatureView({ name: "hourly", entities: [user], source, schema: [{ name: "a", dtype: "Int64" }], tags: { materialization_interval: "2h" } });
const daily = new FeatureView({ name: "daily", entities: [user], source, schema: [{ name: "b", dtype: "Int64" }] });
const never = new FeatureView({ name: "never", entities: [user], source, schema: [{ name: "c", dtype: "Int64" }], tags: { materialization_interval: "1h" } });
const offline = new FeatureView({ name: "offline", entities: [user], source, online: false, schema: [{ name: "d", dtype: "Int64" }] });
const badTag = new FeatureView({ name: "bad", entities: [user], source, schema: [{ name: "e", dtype: "Int64" }], tags: { materialization_interval: "soon" } });

const NOW = new Date("2024-05-01T12:00:00Z");
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

describe("freshness", () => {
  it("holds each view's lag against its tag's interval, or --interval for all", async () => {
    const store = await openStore(scratchDir(), "fresh", { type: "sqlite" });
    await store.apply(definitions(user, source, hourly, daily, never, offline));
    await store.registry.update((model) => {
      model.recordMaterialization("fresh", "hourly", hoursAgo(10), hoursAgo(3));
      model.recordMaterialization("fresh", "hourly", hoursAgo(3), hoursAgo(1));
      model.recordMaterialization("fresh", "daily", hoursAgo(30), hoursAgo(26));
    });
    const byTag = checkFreshness(await store.catalog(), { now: NOW });
    expect(byTag.map((r) => [r.view, r.lagSeconds, r.intervalSeconds, r.stale])).toEqual([
      ["daily", 26 * 3600, undefined, false],
      ["hourly", 3600, 7200, false],
      ["never", undefined, 3600, true],
    ]);
    expect(renderFreshness(byTag).split("\n")).toEqual([
      "feature view  materialized up to    lag   interval  status",
      "daily         2024-04-30T10:00:00Z  1d2h  unknown   ok (no interval to check)",
      "hourly        2024-05-01T11:00:00Z  1h    2h        ok",
      "never         never                 -     1h        NEVER MATERIALIZED",
    ]);
    const shared = checkFreshness(await store.catalog(), { now: NOW, interval: "1d", featureViews: ["hourly", "daily"] });
    expect(shared.map((r) => [r.view, r.stale])).toEqual([["hourly", false], ["daily", true]]);
    await store.registry.update((model) => model.recordMaterialization("fresh", "hourly", hoursAgo(1), hoursAgo(0.5)));
    expect(checkFreshness(await store.catalog(), { now: NOW, featureViews: ["hourly"] })[0].lagSeconds).toBe(1800);
    await store.close();
  });

  it("says which tag is not a duration", async () => {
    const store = await openStore(scratchDir(), "fresh_bad", { type: "sqlite" });
    await store.apply(definitions(user, source, badTag));
    await expect(store.freshness({ now: NOW })).rejects.toThrow(/feature view bad: tag materialization_interval "soon" is not a duration/);
    await store.close();
  });
});
