import { writeFileSync } from "node:fs";
import * as path from "node:path";
import * as avro from "avsc";
import type { Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Entity, FeatureStore, FeatureView, FileSource, KafkaSource } from "../../runtime/src/index";
import { StreamWorker } from "../../runtime/src/stream/stream-worker";
import { startKafka, type KafkaBroker } from "../helpers/kafka-broker";
import { definitions } from "../helpers/online-repo";
import { readParquet } from "../helpers/parquet";
import { skewless } from "../helpers/processes";
import { startStream } from "../helpers/stream-process";
import { tempDir } from "../helpers/tmp";

// The stream worker against a real Apache Kafka broker (KRaft, from its jars, on loopback), a real
// SQLite online store and real parquet: produced messages become readable online, a worker killed
// mid-stream and restarted loses nothing and never lets an older value replace a newer one, and
// with online_and_offline the same values are in a point-in-time training set.

const driver = new Entity({ name: "driver", joinKeys: ["driver_id"], valueType: "Int64" });
const tripsFiles = new FileSource({ name: "trips_files", path: "data/trips", timestampField: "event_timestamp" });
const tripsStream = new KafkaSource({
  name: "trips_stream", kafkaBootstrapServers: "127.0.0.1:1", topic: "trips", timestampField: "ts",
  batchSource: tripsFiles, fieldMapping: { n: "trip_no" },
});
const trips = new FeatureView({
  name: "trips", entities: [driver], ttl: 0, source: tripsStream,
  schema: [{ name: "trip_no", dtype: "Int64" }, { name: "km", dtype: "Float64" }],
});
const AVRO = { type: "record", name: "Ride", fields: [{ name: "driver_id", type: "long" }, { name: "ts", type: "string" }, { name: "rating", type: "double" }] } as const;
const ridesStream = new KafkaSource({
  name: "rides_stream", kafkaBootstrapServers: "127.0.0.1:1", topic: "rides", timestampField: "ts",
  batchSource: new FileSource({ name: "rides_files", path: "data/rides", timestampField: "ts" }),
  messageFormat: { format: "avro", schema: JSON.stringify(AVRO) },
});
const rides = new FeatureView({ name: "rides", entities: [driver], ttl: 0, source: ridesStream, schema: [{ name: "rating", dtype: "Float64" }] });

const DRIVERS = 40;
const T0 = Date.parse("2026-06-01T00:00:00Z");
/** Trip k of a driver happens k seconds after T0. */
const tripTime = (k: number) => new Date(T0 + k * 1000).toISOString();

describe("skewless stream, against a real Kafka broker", () => {
  const dir = tempDir("skewless-stream-");
  let broker: KafkaBroker;
  let store: FeatureStore;
  let producer: Producer;

  const produce = async (topic: string, values: (string | Buffer)[], key = (i: number) => String(i % DRIVERS)) => {
    for (let i = 0; i < values.length; i += 500) {
      await producer.send({ topic, messages: values.slice(i, i + 500).map((value, j) => ({ key: key(i + j), value })) });
    }
  };
  const trip = (d: number, k: number, n = k) => JSON.stringify({ driver_id: d, ts: tripTime(k), n, km: k / 10 });
  const online = async (features: string[]) =>
    (await store.getOnlineFeatures({ features, entityRows: Array.from({ length: DRIVERS }, (_, d) => ({ driver_id: d })) })).toObject();
  const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 240_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const committed = async (groupId: string, topic: string) => {
    const admin = broker.kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return offsets!.partitions.reduce((sum, p) => sum + Math.max(Number(p.offset), 0), 0);
    } finally {
      await admin.disconnect();
    }
  };

  beforeAll(async () => {
    broker = await startKafka();
    await broker.createTopic("trips", 3);
    await broker.createTopic("rides", 1);
    producer = broker.kafka.producer();
    await producer.connect();
    writeFileSync(path.join(dir, "feature_store.yaml"), [
      "project: streaming", "registry: data/registry.db", "provider: local",
      "online_store:", "  type: sqlite", "  path: data/online.db", "offline_store:", "  type: file", "entity_key_serialization_version: 3", "",
    ].join("\n"));
    store = await FeatureStore.open(dir);
    await store.apply(definitions(driver, tripsFiles, tripsStream, trips, ridesStream, rides));
  }, 10 * 60_000);

  afterAll(async () => {
    await producer?.disconnect();
    await store?.close();
  });

  it("a worker killed mid-stream and restarted loses nothing, and older values never replace newer ones", async () => {
    const args = ["trips_stream", "--brokers", broker.bootstrap, "--to", "online_and_offline", "--offline-flush", "1s", "--stats-every", "0s"];
    const TRIPS = 60;   // per driver: trips 0..59
    const all = Array.from({ length: TRIPS }, (_, k) => Array.from({ length: DRIVERS }, (_, d) => trip(d, k))).flat();
    const first = await startStream(dir, args);
    await produce("trips", all.slice(0, all.length / 2));
    await until("the first worker wrote some trips", async () => (await online(["trips:trip_no"])).trip_no.some((v) => v !== null));
    await until("the first worker committed offsets", async () => (await committed("skewless-streaming-trips_stream", "trips")) > 0);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    // The rest, then a late message per driver: older than what is stored, with a value that must not show.
    await produce("trips", all.slice(all.length / 2));
    await produce("trips", Array.from({ length: DRIVERS }, (_, d) => trip(d, 5, -1)));
    const second = await startStream(dir, args);
    await until("every driver's newest trip is online", async () => (await online(["trips:trip_no"])).trip_no.every((v) => v === BigInt(TRIPS - 1)));
    const values = await online(["trips:trip_no", "trips:km"]);
    expect(values.trip_no).toEqual(Array(DRIVERS).fill(BigInt(TRIPS - 1)));   // Int64 comes back as bigint
    expect(values.km).toEqual(Array(DRIVERS).fill((TRIPS - 1) / 10));
    // Graceful stop: the buffered offline rows are appended and the offsets committed.
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain("Stopping...");
    // It resumed from the first worker's commits, and replayed at most what came after them.
    const consumed = Number(/consumed (\d+) messages/.exec(second.output())![1]);
    expect(consumed).toBeLessThan(all.length + DRIVERS);
    expect(consumed).toBeGreaterThanOrEqual(all.length / 2 + DRIVERS);

    // Nothing lost offline either: every (driver, trip) pair produced is in the batch source.
    const stored = await readParquet(path.join(dir, "data", "trips", "**", "*.parquet"), "driver_id, event_timestamp");
    const pairs = new Set(stored.filter((r) => r.trip_no !== -1n).map((r) => `${r.driver_id}/${r.trip_no}`));
    expect(pairs.size).toBe(DRIVERS * TRIPS);
    // The training set holds the streamed values as of each time, the late message included at its own time.
    const entityDf = Array.from({ length: DRIVERS }, (_, d) => [
      { driver_id: d, event_timestamp: new Date(T0 + 10_500) },
      { driver_id: d, event_timestamp: new Date(T0 + TRIPS * 1000) },
    ]).flat();
    const rows = await (await store.getHistoricalFeatures({ entityDf, features: ["trips:trip_no", "trips:km"] })).toRows();
    expect(rows.map((r) => Number(r.trip_no))).toEqual(Array.from({ length: DRIVERS }, () => [10, TRIPS - 1]).flat());
    // Online and offline agree on the newest values.
    expect(rows.filter((_, i) => i % 2 === 1).map((r) => r.trip_no)).toEqual(values.trip_no);
  }, 10 * 60_000);

  it("reads Avro messages (plain and schema-registry framed) and skips unreadable ones with a log line", async () => {
    const type = avro.Type.forSchema(AVRO as unknown as avro.Schema);
    const framed = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 0, 7]), b]);
    const messages = Array.from({ length: DRIVERS }, (_, d) => {
      const body = type.toBuffer({ driver_id: d, ts: tripTime(1), rating: d / 8 });
      return d % 2 ? framed(body) : body;
    });
    const lines: string[] = [];
    const worker = await StreamWorker.start(store, { source: "rides_stream", brokers: [broker.bootstrap], groupId: "avro-test", log: (l) => lines.push(l) });
    try {
      await produce("rides", [Buffer.from("not avro"), ...messages]);
      await until("every rating is online", async () => (await online(["rides:rating"])).rating.every((v) => v !== null));
      expect((await online(["rides:rating"])).rating).toEqual(Array.from({ length: DRIVERS }, (_, d) => d / 8));
      expect(worker.stats.rejected).toBe(1);
      expect(lines.join("\n")).toMatch(/skipped message rides\/0@0: the message is not an Avro record/);
    } finally {
      await worker.stop();
    }
  }, 5 * 60_000);

  it("names the problem when the source feeds no view or the mode is unknown, and documents itself", async () => {
    const unknown = await skewless(["stream", "nope", "--brokers", broker.bootstrap], dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no feature view in project streaming is fed by a KafkaSource named nope");
    expect(unknown.stderr).toContain("KafkaSources feeding views: rides_stream, trips_stream");
    const mode = await skewless(["stream", "trips_stream", "--to", "sideways"], dir);
    expect(mode.code).toBe(1);
    expect(mode.stderr).toContain('--to "sideways" is not a push mode');
    const help = await skewless(["stream", "--help"], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Delivery is at least once");
  }, 120_000);
});
