import * as path from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { Entity, FeatureView, FileSource } from "../../runtime/src/index";
import { SQLITE_TABLE_CLASS } from "../../runtime/src/online/sqlite/sqlite-module";
import { renderPlan } from "../../runtime/src/registry/render-plan";
import { startRedis, type RedisServer } from "../helpers/redis-server";
import { definitions, openStore, scratchDir, writeRows } from "../helpers/online-repo";

const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const source = new FileSource({ name: "events", path: "data/events.parquet", timestampField: "event_timestamp" });
const stats = new FeatureView({ name: "user_stats", entities: [user], source, schema: [{ name: "clicks", dtype: "Int64" }] });
const profile = new FeatureView({ name: "user_profile", entities: [user], source, online: false, schema: [{ name: "age", dtype: "Int32" }] });

function tables(file: string): string[] {
  const db = new Database(file, { readonly: true });
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  db.close();
  return names;
}

describe("apply with a SQLite online store", () => {
  it("creates a table per view, records it in registry.infra as Feast does, and prints Feast's infra lines", async () => {
    const dir = scratchDir();
    const store = await openStore(dir, "shop", { type: "sqlite", path: "data/online.db" });
    const plan = await store.plan(definitions(user, source, stats, profile));
    expect(renderPlan(plan)).toMatch(/\n\nCreated sqlite table shop_user_profile\nCreated sqlite table shop_user_stats$/);
    await store.apply(definitions(user, source, stats, profile));
    const db = path.join(dir, "data", "online.db");
    expect(tables(db)).toEqual(["shop_user_profile", "shop_user_stats"]);
    const model = await store.registry.load();
    expect(model.proto.infra?.infra_objects).toEqual([
      expect.objectContaining({ infra_object_class_type: SQLITE_TABLE_CLASS, sqlite_table: expect.objectContaining({ path: db, name: "shop_user_profile" }) }),
      expect.objectContaining({ infra_object_class_type: SQLITE_TABLE_CLASS, sqlite_table: expect.objectContaining({ path: db, name: "shop_user_stats" }) }),
    ]);
    const again = await store.apply(definitions(user, source, stats, profile));
    expect(renderPlan(again)).toBe("No changes to registry\n\nNo changes to infrastructure");

    const removal = await store.apply(definitions(user, source, stats));
    expect(renderPlan(removal)).toContain("- delete feature view user_profile");
    expect(renderPlan(removal)).toMatch(/\n\nDeleted sqlite table shop_user_profile$/);
    expect(renderPlan(removal, { tense: "future" })).toMatch(/\n\nWill delete sqlite table shop_user_profile$/);
    expect(tables(db)).toEqual(["shop_user_stats"]);
    expect((await store.registry.load()).proto.infra?.infra_objects?.map((o) => o.sqlite_table?.name)).toEqual(["shop_user_stats"]);
    await store.close();
  });

  it("keeps other projects' infra objects and recreates tables that went missing", async () => {
    const dir = scratchDir();
    const a = await openStore(dir, "alpha", { type: "sqlite" });
    const b = await openStore(dir, "beta", { type: "sqlite" });
    await a.apply(definitions(user, source, stats));
    await b.apply(definitions(user, source, stats));
    const names = (await a.registry.load()).proto.infra?.infra_objects?.map((o) => o.sqlite_table?.name);
    expect(names).toEqual(["alpha_user_stats", "beta_user_stats"]);
    const file = path.join(dir, "data", "online.db");
    const db = new Database(file);
    db.exec(`DROP TABLE "alpha_user_stats"`);
    db.close();
    await a.close();
    const again = await openStore(dir, "alpha", { type: "sqlite" });
    await again.apply(definitions(user, source, stats));
    expect(tables(file)).toEqual(["alpha_user_stats", "beta_user_stats"]);
    await again.close();
    await b.close();
  });
});

describe("apply with a Redis online store", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });

  it("deletes a removed view's data and says so; creates nothing", async () => {
    const dir = scratchDir();
    const store = await openStore(dir, "shop", { type: "redis", connection_string: `127.0.0.1:${redis.port}` });
    const first = await store.apply(definitions(user, source, stats, profile));
    expect(renderPlan(first)).toMatch(/\n\nNo changes to infrastructure$/);
    expect(first.infra.recorded).toBeUndefined();
    await writeRows(store, "user_profile", [{ user_id: 1, age: 3 }], new Date());
    await writeRows(store, "user_stats", [{ user_id: 1, clicks: 4n }], new Date());
    const removal = await store.apply(definitions(user, source, stats));
    expect(renderPlan(removal)).toMatch(/\n\nDeleted online data of feature view user_profile$/);
    expect(renderPlan(removal, { tense: "future" })).toMatch(/\n\nWill delete online data of feature view user_profile$/);
    const [gone, kept] = await store.onlineStore().read([
      { table: { name: "user_profile", joinKeys: ["user_id"], features: ["age"] }, features: ["age"], entityKeys: [Buffer.from("010000000200000007000000757365725f69640400000008000000" + "0100000000000000", "hex")] },
      { table: { name: "user_stats", joinKeys: ["user_id"], features: ["clicks"] }, features: ["clicks"], entityKeys: [Buffer.from("010000000200000007000000757365725f69640400000008000000" + "0100000000000000", "hex")] },
    ]);
    expect(gone.eventTimes).toEqual([undefined]);
    expect(kept.eventTimes[0]).toBeDefined();
    await store.close();
  });
});
