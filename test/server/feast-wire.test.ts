import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeatureStore } from "../../runtime/src/index";
import { FeatureServer } from "../../runtime/src/server/feature-server";
import { writeWireRepo } from "../feast/wire-fixture";
import { tempDir } from "../helpers/tmp";

// The feature server's wire format in the details Feast's clients depend on (each case checked
// against `feast serve` 0.66 as well, in test/feast/remote-client.test.ts): exact integers in
// request bodies, floats written as Python writes them, epoch-second timestamps, Feast's error
// classes, and the endpoints and inputs Feast's server accepts.

const BIG_KEY = "4611686018427387905";   // 2^62 + 1: JSON.parse reads it as 2^62, another driver
const BIG_VALUE = "9007199254740993";    // 2^53 + 1

interface FeastBody {
  metadata: { feature_names: string[] };
  results: { values: unknown[]; statuses: string[]; event_timestamps: string[] }[];
}

describe("skewless serve speaks Feast's JSON exactly", () => {
  const repo = tempDir();
  let store: FeatureStore;
  let server: FeatureServer;
  let base: string;
  const post = (route: string, body: unknown) =>
    fetch(`${base}${route}`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
  const detail = async (res: Response) => JSON.parse((await res.json()) as string) as { module: string; class: string; message: string };
  const column = (body: FeastBody, name: string) => body.results[body.metadata.feature_names.indexOf(name)];

  beforeAll(async () => {
    await writeWireRepo(repo);
    store = await FeatureStore.open(repo);
    await store.apply();
    await store.materialize(new Date("2025-12-31T00:00:00Z"), new Date("2026-01-02T00:00:00Z"));
    server = new FeatureServer(store);
    base = `http://127.0.0.1:${(await server.listen(0, "127.0.0.1")).port}`;
  });

  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it("writes integral Float32/Float64 values as floats (178.0), in arrays too, and Int64 as integers", async () => {
    const res = await post("/get-online-features", { features: ["driver_stats:rating", "driver_stats:acc", "driver_stats:trips", "driver_stats:scores", "driver_stats:weights"], entities: { driver_id: [1] } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text) as FeastBody;
    expect(body.metadata.feature_names).toEqual(["driver_id", "rating", "acc", "trips", "scores", "weights"]);
    expect(text).toContain(`{"values":[178.0],`);
    expect(text).toContain(`{"values":[1.0],`);
    expect(text).toContain(`{"values":[3],`);
    expect(text).toContain(`{"values":[[1.0,2.0]],`);
    expect(text).toContain(`{"values":[[0.5,2.0]],`);
    expect(text).toContain(`{"values":[1],`);   // the Int64 entity column stays an integer
  });

  it("sends UnixTimestamp values as epoch seconds, and a stored null as PRESENT with null (Feast 0.66)", async () => {
    const body = (await (await post("/get-online-features", { features: ["driver_stats:joined", "driver_stats:trips"], entities: { driver_id: [1, 3, 99] } })).json()) as FeastBody;
    const joined = column(body, "joined");
    expect(joined.values[0]).toBe(1735689600 + 1);
    // Skewless writes a null UnixTimestamp as Feast's materialization does (-2^63 seconds), and sends it as Feast's server does
    expect(joined.values[1]).toBe(-9223372036854775808);
    expect(joined.statuses).toEqual(["PRESENT", "PRESENT", "NOT_FOUND"]);
    expect(column(body, "trips")).toMatchObject({ values: [3, null, null], statuses: ["PRESENT", "PRESENT", "NOT_FOUND"] });
  });

  it("refuses to send Infinity (Feast's server refuses it too), never null with PRESENT; NaN was stored as null", async () => {
    const res = await post("/get-online-features", { features: ["driver_stats:rating"], entities: { driver_id: [2] } });
    expect(res.status).toBe(500);
    const error = await detail(res);
    expect(error.message).toContain("Out of range float values are not JSON compliant: rating of entity row 0 is Infinity");
    const list = await post("/get-online-features", { features: ["driver_stats:scores"], entities: { driver_id: [2] } });
    expect(list.status).toBe(500);
    expect((await detail(list)).message).toContain("scores of entity row 0 is -Infinity");
    const inProcess = await store.getOnlineFeatures({ features: ["driver_stats:rating", "driver_stats:scores"], entityRows: { driver_id: [2, 3] } });
    expect(inProcess.toObject()).toEqual({ driver_id: [2, 3], rating: [Infinity, null], scores: [[-Infinity], null] });
    expect(inProcess.column("rating").statuses).toEqual(["PRESENT", "PRESENT"]);
    const nan = (await (await post("/get-online-features", { features: ["driver_stats:rating"], entities: { driver_id: [3] } })).json()) as FeastBody;
    expect(column(nan, "rating")).toMatchObject({ values: [null], statuses: ["PRESENT"] });
  });

  it("gives training data what serving gets: Infinity kept, a NaN float as null (as Feast's offline store)", async () => {
    const job = await store.getHistoricalFeatures({
      entityDf: [1, 2, 3].map((id) => ({ driver_id: id, event_timestamp: new Date("2026-01-01T12:00:00Z") })),
      features: ["driver_stats:rating", "driver_stats:acc"],
    });
    try {
      expect((await job.toRows()).map((r) => r.rating)).toEqual([178, Infinity, null]);
    } finally {
      await job.close();
    }
    const online = await store.getOnlineFeatures({ features: ["driver_stats:rating"], entityRows: { driver_id: [1, 2, 3] } });
    expect(online.column("rating").values).toEqual([178, Infinity, null]);
  });

  it("pushes a key above 2^53 under that exact key, with an exact Int64 value", async () => {
    const body = `{"push_source_name":"driver_push","df":{"driver_id":[${BIG_KEY}],"event_timestamp":["2026-01-02T00:00:00"],"rating":[2.5],"acc":[1.5],"trips":[${BIG_VALUE}],"joined":[1735689601],"scores":[[1.0]],"weights":[[1.0]]}}`;
    expect((await post("/push", body)).status).toBe(200);
    const rounded = (BigInt(BIG_KEY) - 1n).toString();
    const text = await (await post("/get-online-features", `{"features":["driver_stats:trips","driver_stats:rating"],"entities":{"driver_id":[${BIG_KEY},${rounded}]}}`)).text();
    expect(text).toContain(`{"values":[${BIG_KEY},${rounded}],`);
    expect(text).toContain(`{"values":[${BIG_VALUE},null],"statuses":["PRESENT","NOT_FOUND"]`);
    const direct = await store.getOnlineFeatures({ features: ["driver_stats:trips"], entityRows: { driver_id: [BigInt(BIG_KEY)] }, int64: "bigint" });
    expect(direct.column("trips").values).toEqual([BigInt(BIG_VALUE)]);
  });

  it("takes a string for an Int64 key (echoed as the number), and a partial compound key as NOT_FOUND", async () => {
    const body = (await (await post("/get-online-features", { features: ["driver_stats:rating"], entities: { driver_id: ["1", 3] } })).json()) as FeastBody;
    expect(column(body, "driver_id").values).toEqual([1, 3]);
    expect(column(body, "rating").values).toEqual([178, null]);
    const partial = await post("/get-online-features", { features: ["trip_stats:fare"], entities: { driver_id: [1, 1] } });
    expect(partial.status).toBe(200);
    expect(column((await partial.json()) as FeastBody, "fare")).toMatchObject({ values: [null, null], statuses: ["NOT_FOUND", "NOT_FOUND"] });
    const full = (await (await post("/get-online-features", { features: ["trip_stats:fare"], entities: { driver_id: [1, "1"], rider_id: [10, 11] } })).json()) as FeastBody;
    expect(column(full, "fare").values).toEqual([5, 6.5]);
  });

  it("answers /write-to-online-store in the shape Feast's remote online store sends", async () => {
    const res = await post("/write-to-online-store", {
      feature_view_name: "driver_stats",
      df: { driver_id: [77], rating: [3.0], acc: [0.5], trips: [5], joined: [1735689601], scores: [[1.0, 2.0]], weights: [[]], event_timestamp: ["2026-01-02T00:00:00"], created: [null] },
      allow_registry_cache: false,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("null");
    const row = (await store.getOnlineFeatures({ features: ["driver_stats:rating", "driver_stats:trips", "driver_stats:joined"], entityRows: [{ driver_id: 77 }] })).toRows()[0];
    expect(row).toEqual({ driver_id: 77, rating: 3, trips: 5n, joined: new Date("2025-01-01T00:00:01Z") });
  });

  it("raises Feast's classes (module feast.errors) with Feast's statuses for Feast's cases", async () => {
    const push = await post("/push", { push_source_name: "nope", df: { driver_id: [1] } });
    expect(push.status).toBe(422);
    expect(await detail(push)).toMatchObject({ module: "feast.errors", class: "PushSourceNotFoundException" });
    const write = await post("/write-to-online-store", { feature_view_name: "nope", df: { driver_id: [1] } });
    expect(write.status).toBe(404);
    expect(await detail(write)).toMatchObject({ module: "feast.errors", class: "FeastObjectNotFoundException" });
    const collision = await post("/get-online-features", { features: ["driver_stats:rating", "driver_stats:rating"], entities: { driver_id: [1] } });
    expect(collision.status).toBe(500);
    expect(await detail(collision)).toMatchObject({ module: "feast.errors", class: "FeatureNameCollisionError" });
    const view = await post("/materialize", { feature_views: ["nope"], start_ts: "2025-12-31T00:00:00", end_ts: "2026-01-02T00:00:00" });
    expect(view.status).toBe(404);
    expect(await detail(view)).toMatchObject({ module: "feast.errors", class: "FeatureViewNotFoundException" });
    const incremental = await post("/materialize-incremental", { feature_views: ["nope"], end_ts: "2026-01-02T00:00:00" });
    expect(incremental.status).toBe(404);
    expect(await detail(incremental)).toMatchObject({ module: "feast.errors", class: "FeatureViewNotFoundException" });
    const service = await post("/get-online-features", { feature_service: "nope", entities: { driver_id: [1] } });
    expect(service.status).toBe(404);
    expect(await detail(service)).toMatchObject({ module: "feast.errors", class: "FeatureServiceNotFoundException" });
    // A push to the offline store is accepted now; one whose df lacks the source's columns is not.
    const offline = await post("/push", { push_source_name: "driver_push", df: { driver_id: [1] }, to: "offline" });
    expect(offline.status).toBe(422);
    expect(await detail(offline)).toMatchObject({ module: "skewless", class: "InvalidArgumentError" });
  });

  it("materializes everything up to now with disable_event_timestamp, as Feast does", async () => {
    const res = await post("/materialize", { feature_views: ["trip_stats"], disable_event_timestamp: true });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("null");
    expect((await post("/materialize", { feature_views: ["trip_stats"] })).status).toBe(422);
  });
});
