import { readdirSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Entity, FeatureView, FileSource, PushSource, SchemaMismatchError, type FeatureStore } from "../../runtime/src/index";
import { FeatureServer } from "../../runtime/src/server/feature-server";
import { definitions, openStore, scratchDir } from "../helpers/online-repo";
import { readParquet, writeParquet } from "../helpers/parquet";

// Feast's push modes against real parquet (read back by DuckDB) and a real SQLite online store:
// pushed rows must reach the point-in-time join, or training sets lack what was served.

const driver = new Entity({ name: "driver", joinKeys: ["driver_id"], valueType: "Int64" });
// A folder source: pushes add files beside the first one.
const folderSource = new FileSource({ name: "trips_source", path: "data/trips", timestampField: "event_timestamp", fieldMapping: { trips_today: "trips" } });
const folderPush = new PushSource({ name: "trips_push", batchSource: folderSource });
const trips = new FeatureView({
  name: "trips", entities: [driver], ttl: 0, source: folderPush,
  schema: [{ name: "trips", dtype: "Int64" }, { name: "rating", dtype: "Float64" }, { name: "city", dtype: "String" }],
});
// A single-file source: pushes rewrite it, as Feast's file offline store does.
const fileSource = new FileSource({ name: "speed_source", path: "data/speed.parquet", timestampField: "ts" });
const filePush = new PushSource({ name: "speed_push", batchSource: fileSource });
const speed = new FeatureView({ name: "speed", entities: [driver], ttl: 0, source: filePush, schema: [{ name: "kmh", dtype: "Float32" }] });

const T0 = new Date("2026-01-01T00:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe("push to the offline store", () => {
  let dir: string;
  let store: FeatureStore;
  let server: FeatureServer;
  let port: number;

  const training = async (features: string[], rows: { driver_id: number; event_timestamp: Date }[]) =>
    (await store.getHistoricalFeatures({ entityDf: rows, features })).toRows();
  const online = async (features: string[], ids: number[]) =>
    (await store.getOnlineFeatures({ features, entityRows: ids.map((driver_id) => ({ driver_id })) })).toObject();
  const parquetFiles = () => readdirSync(path.join(dir, "data", "trips")).sort();

  beforeAll(async () => {
    dir = scratchDir();
    await writeParquet(path.join(dir, "data", "trips", "base.parquet"),
      `SELECT 1::BIGINT AS driver_id, TIMESTAMPTZ '2026-01-01 00:00:00+00' AS event_timestamp, 5::BIGINT AS trips_today, 4.5::DOUBLE AS rating, 'Oslo' AS city`);
    await writeParquet(path.join(dir, "data", "speed.parquet"),
      `SELECT 1::BIGINT AS driver_id, TIMESTAMP '2026-01-01 00:00:00' AS ts, 50.5::FLOAT AS kmh`);
    store = await openStore(dir, "offline_push", { type: "sqlite", path: path.join(dir, "data", "online.db") });
    await store.apply(definitions(driver, folderSource, folderPush, trips, fileSource, filePush, speed));
    server = new FeatureServer(store);
    ({ port } = await server.listen(0, "127.0.0.1"));
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it("online_and_offline: the pushed values are in a point-in-time training set and online", async () => {
    const result = await store.push("trips_push", {
      driver_id: [1, 2], event_timestamp: [at(10), at(10)], trips_today: [7, 3], rating: [4.75, 3.5], city: ["Oslo", "Bergen"],
    }, { to: "online_and_offline" });
    expect(result.views).toEqual([{ view: "trips", written: 2, skipped: 0 }]);
    expect(result.offline).toHaveLength(1);
    expect(path.dirname(result.offline[0]!.path)).toBe(path.join(dir, "data", "trips"));
    const rows = await training(["trips:trips", "trips:rating", "trips:city"], [
      { driver_id: 1, event_timestamp: at(5) }, { driver_id: 1, event_timestamp: at(15) }, { driver_id: 2, event_timestamp: at(15) },
    ]);
    expect(rows.map((r) => [r.trips, r.rating, r.city])).toEqual([[5n, 4.5, "Oslo"], [7n, 4.75, "Oslo"], [3n, 3.5, "Bergen"]]);
    expect(await online(["trips:trips", "trips:city"], [1, 2])).toMatchObject({ trips: [7n, 3n], city: ["Oslo", "Bergen"] });
    // The new file has the source's column names and order (files in a folder are read by position).
    const written = await readParquet(result.offline[0]!.path, "driver_id");
    expect(Object.keys(written[0]!)).toEqual(["driver_id", "event_timestamp", "trips_today", "rating", "city"]);
  });

  it("offline only: training sees the row, the online store does not", async () => {
    await store.push("trips_push", { driver_id: [3], event_timestamp: [at(20)], trips_today: [9], rating: [5], city: ["Tromsø"] }, { to: "offline" });
    expect((await training(["trips:trips"], [{ driver_id: 3, event_timestamp: at(30) }]))[0]!.trips).toBe(9n);
    expect((await online(["trips:trips"], [3])).trips).toEqual([null]);
  });

  it("a single-file source is rewritten with the old rows and the new, in its stored types", async () => {
    await store.push("speed_push", { driver_id: [1], ts: [at(10).toISOString()], kmh: [61.25] }, { to: "online_and_offline" });
    const rows = await readParquet(path.join(dir, "data", "speed.parquet"), "ts");
    expect(rows.map((r) => [r.driver_id, r.kmh])).toEqual([[1n, 50.5], [1n, 61.25]]);
    const trainingRows = await training(["speed:kmh"], [{ driver_id: 1, event_timestamp: at(1) }, { driver_id: 1, event_timestamp: at(11) }]);
    expect(trainingRows.map((r) => r.kmh)).toEqual([50.5, 61.25]);
  });

  it("refuses rows whose columns are not the source's, naming them, and writes nothing", async () => {
    const before = parquetFiles();
    const push = store.push("trips_push", { driver_id: [4], event_timestamp: [at(40)], trips_today: [1], rating: [1], city: ["X"], extra: [1] }, { to: "online_and_offline" });
    await expect(push).rejects.toThrow(SchemaMismatchError);
    await expect(push).rejects.toThrow(/feature view trips has extra, which the source does not \(source trips_source/);
    expect(parquetFiles()).toEqual(before);
    expect((await online(["trips:trips"], [4])).trips).toEqual([null]);
  });

  it("refuses an unknown push mode", async () => {
    await expect(store.push("trips_push", { driver_id: [] }, { to: "everywhere" as never })).rejects.toThrow(/to "everywhere" is not a push mode/);
  });

  it("the server's /push takes Feast's `to`, and the rows reach training", async () => {
    const send = (body: unknown) => fetch(`http://127.0.0.1:${port}/push`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const ok = await send({ push_source_name: "trips_push", to: "online_and_offline",
      df: { driver_id: [5], event_timestamp: [at(50).toISOString()], trips_today: [12], rating: [4.0], city: ["Bodø"] } });
    expect(ok.status).toBe(200);
    expect((await training(["trips:city"], [{ driver_id: 5, event_timestamp: at(60) }]))[0]!.city).toBe("Bodø");
    expect((await online(["trips:city"], [5])).city).toEqual(["Bodø"]);
    const bad = await send({ push_source_name: "trips_push", to: "nowhere", df: { driver_id: [5] } });
    expect(bad.status).toBe(422);
  });
});
