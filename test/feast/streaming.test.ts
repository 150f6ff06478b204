import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Entity, FeatureStore, FeatureView, FileSource, KafkaSource, PushSource } from "../../runtime/src/index";
import { ensureFeast, feastCheck } from "../helpers/feast";
import { definitions } from "../helpers/online-repo";
import { writeParquet } from "../helpers/parquet";
import { tempDir } from "../helpers/tmp";

// Streaming's registry and offline side against Feast 0.66's own SDK (the pinned venv): rows
// Skewless pushes to the offline store, read back by Feast's get_historical_features (a folder
// source with a pushed file beside the first, and a single-file source rewritten as Feast's file
// offline store rewrites it), and a KafkaSource Skewless applies, read by Feast as its KafkaSource.

const driver = new Entity({ name: "driver", joinKeys: ["driver_id"], valueType: "Int64" });
const folderSource = new FileSource({ name: "trips_source", path: "data/trips", timestampField: "event_timestamp" });
const folderPush = new PushSource({ name: "trips_push", batchSource: folderSource });
const trips = new FeatureView({ name: "trips", entities: [driver], ttl: 0, source: folderPush, schema: [{ name: "trips", dtype: "Int64" }, { name: "city", dtype: "String" }] });
const fileSource = new FileSource({ name: "speed_source", path: "data/speed.parquet", timestampField: "event_timestamp" });
const filePush = new PushSource({ name: "speed_push", batchSource: fileSource });
const speed = new FeatureView({ name: "speed", entities: [driver], ttl: 0, source: filePush, schema: [{ name: "kmh", dtype: "Float64" }] });

const AVRO_SCHEMA = JSON.stringify({ type: "record", name: "Ride", fields: [{ name: "driver_id", type: "long" }, { name: "event_timestamp", type: "string" }, { name: "km", type: "double" }] });
const ridesFiles = new FileSource({ name: "rides_files", path: "data/rides", timestampField: "event_timestamp" });
const ridesStream = new KafkaSource({
  name: "rides_stream", kafkaBootstrapServers: "127.0.0.1:9092", topic: "rides", timestampField: "event_timestamp", batchSource: ridesFiles,
  messageFormat: { format: "avro", schema: AVRO_SCHEMA }, watermarkDelayThreshold: "5m", fieldMapping: { km: "distance" },
});
const rides = new FeatureView({ name: "rides", entities: [driver], ttl: "1d", source: ridesStream, schema: [{ name: "distance", dtype: "Float64" }] });

describe("streaming, read by Feast", () => {
  const dir = tempDir("skewless-push-feast-");
  let store: FeatureStore;

  beforeAll(async () => {
    await ensureFeast();
    writeFileSync(path.join(dir, "feature_store.yaml"), [
      "project: push_feast", "registry: data/registry.db", "provider: local",
      "online_store:", "  type: sqlite", "  path: data/online.db", "offline_store:", "  type: file", "entity_key_serialization_version: 3", "",
    ].join("\n"));
    await writeParquet(path.join(dir, "data", "trips", "base.parquet"),
      "SELECT 1::BIGINT AS driver_id, TIMESTAMPTZ '2026-01-01 00:00:00+00' AS event_timestamp, 5::BIGINT AS trips, 'Oslo' AS city");
    await writeParquet(path.join(dir, "data", "speed.parquet"),
      "SELECT 1::BIGINT AS driver_id, TIMESTAMPTZ '2026-01-01 00:00:00+00' AS event_timestamp, 50.5::DOUBLE AS kmh");
    store = await FeatureStore.open(dir);
    await store.apply(definitions(driver, folderSource, folderPush, trips, fileSource, filePush, speed, ridesFiles, ridesStream, rides));
    await store.push("trips_push", { driver_id: [1, 2], event_timestamp: ["2026-01-01T01:00:00Z", "2026-01-01T01:00:00Z"], trips: [7, 3], city: ["Oslo", "Bergen"] }, { to: "online_and_offline" });
    await store.push("speed_push", { driver_id: [1], event_timestamp: ["2026-01-01T01:00:00Z"], kmh: [61.25] }, { to: "offline" });
  }, 15 * 60_000);

  afterAll(async () => {
    await store?.close();
  });

  it("Feast's point-in-time join finds the pushed values, as Skewless's does", async () => {
    const entities = [
      { driver_id: 1, event_timestamp: "2026-01-01T00:30:00Z" },
      { driver_id: 1, event_timestamp: "2026-01-01T02:00:00Z" },
      { driver_id: 2, event_timestamp: "2026-01-01T02:00:00Z" },
    ];
    const features = ["trips:trips", "trips:city", "speed:kmh"];
    // One view per Feast call: Feast 0.66's dask join fails on a multi-view request whose later
    // view has no row for an entity ("Divisions calculation failed for non-numeric column").
    const historical = (refs: string[]) => feastCheck<Record<string, unknown>[]>("offline_check.py", ["historical", dir, refs.join(","), JSON.stringify(entities)]);
    const [tripRows, speedRows] = [await historical(features.slice(0, 2)), await historical(features.slice(2))];
    const feastRows: Record<string, unknown>[] = tripRows.map((r, i) => ({ ...r, kmh: speedRows[i]!.kmh }));
    expect(feastRows.map((r) => [r.driver_id, r.trips, r.city, r.kmh])).toEqual([[1, 5, "Oslo", 50.5], [1, 7, "Oslo", 61.25], [2, 3, "Bergen", null]]);
    const ours = await (await store.getHistoricalFeatures({ entityDf: entities.map((e) => ({ ...e, event_timestamp: new Date(e.event_timestamp) })), features })).toRows();
    expect(ours.map((r) => [Number(r.driver_id), Number(r.trips), r.city, r.kmh])).toEqual(feastRows.map((r) => [r.driver_id, r.trips, r.city, r.kmh]));
  }, 10 * 60_000);

  it("a KafkaSource applied by Skewless is Feast's KafkaSource, with its batch source, and feeds the view as its stream source", async () => {
    const described = await feastCheck<{ feature_views: { name: string; batch_source: Record<string, unknown>; stream_source: Record<string, unknown> }[] }>(
      "registry_check.py", ["describe", dir]);
    const view = described.feature_views.find((v) => v.name === "rides")!;
    expect(view.stream_source).toMatchObject({
      name: "rides_stream", class: "KafkaSource", timestamp_field: "event_timestamp", field_mapping: { km: "distance" },
      kafka: {
        bootstrap_servers: "127.0.0.1:9092", topic: "rides", format: "AvroFormat", schema_json: AVRO_SCHEMA, watermark_delay_seconds: 300,
        batch_source: { name: "rides_files", class: "FileSource", path: "data/rides" },
      },
    });
    expect(view.batch_source).toMatchObject({ name: "rides_files", class: "FileSource" });
  }, 10 * 60_000);
});
