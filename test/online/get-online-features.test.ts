import { rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { Entity, FeatureService, FeatureView, FileSource } from "../../runtime/src/index";
import type { FeatureStore } from "../../runtime/src/feature-store";
import type { OnlineResponse } from "../../runtime/src/online/retrieval/online-response";
import { FeatureReferenceError, Int64PrecisionError, InvalidArgumentError } from "../../runtime/src/errors";
import { startRedis, type RedisServer } from "../helpers/redis-server";
import { definitions, openStore, scratchDir, writeRows } from "../helpers/online-repo";

const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const shop = new Entity({ name: "shop", joinKeys: ["shop_id"], valueType: "String" });
const source = new FileSource({ name: "events", path: "data/events.parquet", timestampField: "event_timestamp" });
const userStats = new FeatureView({
  name: "user_stats", entities: [user], ttl: "1d", source,
  schema: [{ name: "clicks", dtype: "Int64" }, { name: "ctr", dtype: "Float32" }, { name: "name", dtype: "String" }, { name: "tags", dtype: "Array(String)" }],
});
const userProfile = new FeatureView({ name: "user_profile", entities: [user], source, schema: [{ name: "age", dtype: "Int32" }, { name: "name", dtype: "String" }] });
const userShop = new FeatureView({ name: "user_shop", entities: [user, shop], ttl: "7d", source, schema: [{ name: "visits", dtype: "Int32" }] });
const offlineOnly = new FeatureView({ name: "offline_only", entities: [user], source, online: false, schema: [{ name: "x", dtype: "Int64" }] });
const churn = new FeatureService({ name: "churn", features: [userStats.select("clicks").withJoinKeyMap({ user_id: "customer_id" }), userProfile.select("age")] });
const defs = definitions(user, shop, source, userStats, userProfile, userShop, offlineOnly, churn);

const NOW = Date.now();
const recent = new Date(Math.floor(NOW / 1000) * 1000 - 3_600_000);
const stale = new Date(NOW - 3 * 86_400_000);

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});

const backends: [string, () => Record<string, unknown>][] = [
  ["SQLite", () => ({ type: "sqlite", path: "data/online.db" })],
  ["Redis", () => ({ type: "redis", connection_string: `127.0.0.1:${redis.port}` })],
];

describe.each(backends)("getOnlineFeatures on %s", (backend, onlineConfig) => {
  let store: FeatureStore;
  beforeAll(async () => {
    store = await openStore(scratchDir(), `retrieval_${backend.toLowerCase()}`, onlineConfig());
    await store.apply(defs);
    await writeRows(store, "user_stats", [
      { user_id: 1, clicks: 5n, ctr: 0.25, name: "ann", tags: ["a", "b"] },
      { user_id: 3, clicks: null, ctr: 0.5, name: "cy", tags: [] },
    ], recent);
    await writeRows(store, "user_stats", [{ user_id: 2, clicks: 9n, ctr: 0.75, name: "bo", tags: null }], stale);
    await writeRows(store, "user_profile", [{ user_id: 1, age: 41, name: "Ann" }, { user_id: 2, age: 35, name: "Bo" }], stale);
    await writeRows(store, "user_shop", [{ user_id: 1, shop_id: "s1", visits: 3 }, { user_id: 1, shop_id: "s2", visits: 4 }], recent);
  });
  afterAll(async () => {
    await store.close();
  });

  it("returns values, statuses and event times per entity row, like the product doc shows", async () => {
    const res = await store.getOnlineFeatures({ features: ["user_stats:clicks", "user_stats:ctr", "user_stats:tags"], entityRows: [{ user_id: 1 }, { user_id: 3 }, { user_id: 4 }] });
    expect(res.toObject()).toEqual({ user_id: [1, 3, 4], clicks: [5n, null, null], ctr: [0.25, 0.5, null], tags: [["a", "b"], [], null] });
    // a stored null is PRESENT with a null value, as Feast 0.66 reports it
    expect(res.column("clicks").statuses).toEqual(["PRESENT", "PRESENT", "NOT_FOUND"]);
    expect(res.column("clicks").eventTimestamps).toEqual([recent, recent, null]);
    expect(res.column("user_id").statuses).toEqual(["PRESENT", "PRESENT", "PRESENT"]);
    expect(res.featureNames).toEqual(["user_id", "clicks", "ctr", "tags"]);
    expect(res.toRows()[0]).toEqual({ user_id: 1, clicks: 5n, ctr: 0.25, tags: ["a", "b"] });
  });

  it("marks values older than the view's ttl OUTSIDE_MAX_AGE and returns them as null; ttl 0 never expires", async () => {
    const res = await store.getOnlineFeatures({ features: ["user_stats:clicks", "user_profile:age"], entityRows: [{ user_id: 2 }, { user_id: 1 }] });
    expect(res.column("clicks").statuses).toEqual(["OUTSIDE_MAX_AGE", "PRESENT"]);
    expect(res.column("clicks").values).toEqual([null, 5n]);
    expect(res.column("clicks").eventTimestamps[0]).toEqual(new Date(Math.floor(stale.getTime() / 1000) * 1000 + (backend === "Redis" ? stale.getTime() % 1000 : 0)));
    expect(res.column("age").statuses).toEqual(["PRESENT", "PRESENT"]);
    expect(res.column("age").values).toEqual([35, 41]);
  });

  it("names columns view__feature with fullFeatureNames, and refuses clashing short names", async () => {
    const res = await store.getOnlineFeatures({ features: ["user_stats:name", "user_profile:name"], entityRows: [{ user_id: 1 }], fullFeatureNames: true });
    expect(res.toObject()).toEqual({ user_id: [1], user_stats__name: ["ann"], user_profile__name: ["Ann"] });
    await expect(store.getOnlineFeatures({ features: ["user_stats:name", "user_profile:name"], entityRows: [{ user_id: 1 }] })).rejects.toThrow(FeatureReferenceError);
  });

  it("serves a feature service by object or name, honouring its join key map", async () => {
    for (const featureService of [churn, "churn"]) {
      const res = await store.getOnlineFeatures({ featureService, entityRows: [{ customer_id: 1, user_id: 2 }] });
      expect(res.toObject()).toEqual({ customer_id: [1], user_id: [2], clicks: [5n], age: [35] });
    }
    await expect(store.getOnlineFeatures({ featureService: "churn", entityRows: [{ user_id: 1 }] })).rejects.toThrow(/entity rows lack customer_id, needed by feature view user_stats \(the feature service maps join key user_id to customer_id\)/);
  });

  it("reads a two-key entity, whatever order the keys come in", async () => {
    const res = await store.getOnlineFeatures({ features: ["user_shop:visits"], entityRows: { shop_id: ["s2", "s1", "s3"], user_id: [1, 1, 1] } });
    expect(res.toObject()).toEqual({ shop_id: ["s2", "s1", "s3"], user_id: [1, 1, 1], visits: [4, 3, null] });
  });

  it("returns Int64 as bigint by default, and keeps duplicate entity rows", async () => {
    const res = await store.getOnlineFeatures({ features: ["user_stats:clicks"], entityRows: [{ user_id: 1n }, { user_id: 1 }] });
    expect(res.column("clicks").values).toEqual([5n, 5n]);
  });

  it("types the response by the requested columns (checked by tsc -p tsconfig.check.json)", async () => {
    const res = await store.getOnlineFeatures({ features: ["user_stats:clicks", "user_stats:ctr"], entityRows: [{ user_id: 1 }] });
    expectTypeOf(res).toEqualTypeOf<OnlineResponse<"clicks" | "ctr">>();
    expect(res.toRows()[0].clicks).toBe(5n);
    const full = await store.getOnlineFeatures({ features: ["user_stats:clicks"], entityRows: [{ user_id: 1 }], fullFeatureNames: true });
    expectTypeOf(full).toEqualTypeOf<OnlineResponse<"user_stats__clicks">>();
    expect(full.toObject().user_stats__clicks).toEqual([5n]);
  });

  it("gives every Int64 of a column one type: bigint, or number when asked, refusing a value a number cannot hold", async () => {
    await writeRows(store, "user_stats", [{ user_id: 7, clicks: 2n ** 60n, ctr: 0.5, name: "big", tags: [] }], new Date());
    const rows = [{ user_id: 1 }, { user_id: 7 }];
    // Before, small values came back as numbers and large ones as bigint in the same column: [5, 2n ** 60n].
    expect((await store.getOnlineFeatures({ features: ["user_stats:clicks"], entityRows: rows })).column("clicks").values).toEqual([5n, 2n ** 60n]);
    const numbers = await store.getOnlineFeatures({ features: ["user_stats:clicks"], entityRows: [{ user_id: 1 }, { user_id: 3 }], int64: "number" });
    expect(numbers.toObject()).toEqual({ user_id: [1, 3], clicks: [5, null] });
    const refused = store.getOnlineFeatures({ features: ["user_stats:clicks"], entityRows: rows, int64: "number" });
    await expect(refused).rejects.toThrow(Int64PrecisionError);
    await expect(refused).rejects.toThrow("clicks, row 1: the Int64 value 1152921504606846976 is past ±2^53");
  });

  it("takes a decimal string for an Int64 key as Feast does, and echoes the number", async () => {
    const res = await store.getOnlineFeatures({ features: ["user_stats:clicks"], entityRows: { user_id: ["1", " 2 ", "9223372036854775807"] } });
    expect(res.toObject()).toEqual({ user_id: [1n, 2n, 9223372036854775807n], clicks: [5n, null, null] });
    expect(res.column("clicks").statuses).toEqual(["PRESENT", "OUTSIDE_MAX_AGE", "NOT_FOUND"]);
  });

  it("finds nothing for a compound key the rows give only part of, as Feast (NOT_FOUND, not an error)", async () => {
    const res = await store.getOnlineFeatures({ features: ["user_shop:visits", "user_stats:clicks"], entityRows: { user_id: [1, 1] } });
    expect(res.toObject()).toEqual({ user_id: [1, 1], visits: [null, null], clicks: [5n, 5n] });
    expect(res.column("visits").statuses).toEqual(["NOT_FOUND", "NOT_FOUND"]);
  });

  it("rejects entity values of the wrong type, naming the row and the join key", async () => {
    await expect(store.getOnlineFeatures({ features: ["user_stats:clicks"], entityRows: [{ user_id: 1 }, { user_id: "two" }] }))
      .rejects.toThrow(/entityRows\[1\]: join key user_id \(Int64\) got "two"/);
    await expect(store.getOnlineFeatures({ features: ["user_stats:clicks"], entityRows: [{ user_id: "9223372036854775808" }] })).rejects.toThrow(/got "9223372036854775808"/);
    await expect(store.getOnlineFeatures({ features: ["user_stats:clicks"], entityRows: [{ uid: 1 }] })).rejects.toThrow(InvalidArgumentError);
    await expect(store.getOnlineFeatures({ features: ["offline_only:x"], entityRows: [{ user_id: 1 }] })).rejects.toThrow(/offline_only is not online/);
    await expect(store.getOnlineFeatures({ features: ["user_stats:nope"], entityRows: [{ user_id: 1 }] })).rejects.toThrow(/has no feature nope/);
  });

  it("answers an empty request with empty columns", async () => {
    const res = await store.getOnlineFeatures({ features: ["user_stats:clicks"], entityRows: [] });
    expect(res.toObject()).toEqual({ clicks: [] });
  });
});

describe("the registry cache", () => {
  it("serves from memory once loaded, even if the registry file disappears", async () => {
    const dir = scratchDir();
    const store = await openStore(dir, "cache_a", { type: "sqlite" });
    await store.apply(defs);
    await writeRows(store, "user_profile", [{ user_id: 1, age: 41, name: "Ann" }], recent);
    expect((await store.getOnlineFeatures({ features: ["user_profile:age"], entityRows: [{ user_id: 1 }] })).toObject().age).toEqual([41]);
    rmSync(path.join(dir, "data", "registry.db"));
    expect((await store.getOnlineFeatures({ features: ["user_profile:age"], entityRows: [{ user_id: 1 }] })).toObject().age).toEqual([41]);
    await store.close();
  });

  it("picks up another writer's changes in the background, and keeps serving through a corrupt registry", async () => {
    const dir = scratchDir();
    const reader = await openStore(dir, "cache_b", { type: "sqlite" }, { registry: { path: path.join(dir, "data", "registry.db"), cache_ttl_seconds: 0.2 } });
    const writer = await openStore(dir, "cache_b", { type: "sqlite" });
    await writer.apply(definitions(user, source, userProfile));
    await writeRows(writer, "user_profile", [{ user_id: 1, age: 41, name: "Ann" }], recent);
    expect((await reader.getOnlineFeatures({ features: ["user_profile:age"], entityRows: [{ user_id: 1 }] })).toObject().age).toEqual([41]);
    await expect(reader.getOnlineFeatures({ features: ["user_stats:clicks"], entityRows: [{ user_id: 1 }] })).rejects.toThrow(/user_stats does not exist/);
    await writer.apply(defs);
    await waitUntil(async () => reader.getOnlineFeatures({ features: ["user_stats:clicks"], entityRows: [{ user_id: 1 }] }).then(() => true, () => false));
    writeFileSync(path.join(dir, "data", "registry.db"), Buffer.from("not a registry"));
    await new Promise((r) => setTimeout(r, 500));
    expect((await reader.getOnlineFeatures({ features: ["user_profile:age"], entityRows: [{ user_id: 1 }] })).toObject().age).toEqual([41]);
    await reader.close();
    await writer.close();
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("condition not met in time");
}
