import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Entity, FeatureStore, FileSource, KafkaSource, StreamFeatureView } from "../../runtime/src/index";
import { eventLog, expectOnlineEqualsOffline, type TxnEvent } from "../helpers/aggregation-log";
import { startKafka, type KafkaBroker } from "../helpers/kafka-broker";
import { definitions, scratchDir } from "../helpers/online-repo";
import { writeRows } from "../offline/helpers/parquet";
import { seededRandom, TEST_SEED } from "../helpers/random";
import { startRedis, type RedisServer } from "../helpers/redis-server";
import { startStream } from "../helpers/stream-process";

// Windowed aggregations fed by a real Apache Kafka broker (KRaft, from its jars, on loopback)
// through `skewless stream` child processes, on a real SQLite file and a real redis-server: a
// worker killed with SIGKILL mid-stream, a restart, and then a replay of the whole topic (the
// group's committed offsets set back to 0, as after a crash between the online write and the
// commit) leave the online aggregates equal to the point-in-time join over the same randomized
// event log: every redelivered event is counted once.

const SEED = TEST_SEED;
const USERS = 12;

const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const log = new FileSource({ name: "txn_log", path: "data/txn.parquet", timestampField: "event_timestamp" });

function view(topic: string): StreamFeatureView {
  const stream = new KafkaSource({ name: "txn_stream", kafkaBootstrapServers: "127.0.0.1:1", topic, timestampField: "ts", batchSource: log });
  return new StreamFeatureView({
    name: "txn_stats", entities: [user], source: stream,
    schema: [{ name: "amount", dtype: "Float64" }, { name: "qty", dtype: "Int64" }],
    aggregations: [
      { column: "amount", function: "sum", timeWindow: "1h" },
      { column: "amount", function: "max", timeWindow: "7d", slideInterval: "1h" },
      { column: "amount", function: "last", timeWindow: "1d" },
      { column: "qty", function: "count", timeWindow: "1d" },
      { column: "qty", function: "sum", timeWindow: "7d", slideInterval: "1h" },
      { column: "qty", function: "mean", timeWindow: "1h" },
    ],
  });
}

let broker: KafkaBroker;
let redis: RedisServer;
let producer: Producer;
beforeAll(async () => {
  [broker, redis] = await Promise.all([startKafka(), startRedis()]);
  producer = broker.kafka.producer();
  await producer.connect();
}, 10 * 60_000);
afterAll(async () => {
  await producer?.disconnect();
  await redis?.stop();
});

describe.each(["sqlite", "redis"])("windowed aggregations streamed from Kafka on %s", (kind) => {
  const topic = `txn_${kind}`;
  const txnStats = view(topic);
  const group = `skewless-kagg_${kind}-txn_stream`;
  const rand = seededRandom(SEED + (kind === "redis" ? 1 : 0));
  let dir: string;
  let store: FeatureStore;
  let events: TxnEvent[];

  const committed = async () => {
    const admin = broker.kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return offsets!.partitions.reduce((sum, p) => sum + Math.max(Number(p.offset), 0), 0);
    } finally {
      await admin.disconnect();
    }
  };
  const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 240_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  // keyed at random: one user's events are spread over the three partitions
  const produce = async (batch: TxnEvent[]) => {
    for (let i = 0; i < batch.length; i += 200) {
      await producer.send({
        topic,
        messages: batch.slice(i, i + 200).map((e) => ({
          key: String(Math.floor(rand() * 1000)),
          value: JSON.stringify({ user_id: e.user_id, ts: e.event_timestamp.toISOString(), amount: e.amount, qty: e.qty }),
        })),
      });
    }
  };

  beforeAll(async () => {
    dir = scratchDir();
    mkdirSync(path.join(dir, "data"));
    const online = kind === "sqlite" ? ["  type: sqlite", "  path: data/online.db"] : ["  type: redis", `  connection_string: 127.0.0.1:${redis.port}`];
    writeFileSync(path.join(dir, "feature_store.yaml"), [
      `project: kagg_${kind}`, "registry: data/registry.db", "provider: local", "online_store:", ...online,
      "offline_store:", "  type: file", "entity_key_serialization_version: 3", "",
    ].join("\n"));
    store = await FeatureStore.open(dir);
    await store.apply(definitions(user, log, txnStats));
    events = eventLog(rand, Date.now(), txnStats, USERS, 400);
    // the event log the training set reads: what the topic carries
    await writeRows(path.join(dir, "data", "txn.parquet"),
      [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["amount", "DOUBLE"], ["qty", "BIGINT"]],
      events.map((e) => [e.user_id, e.event_timestamp, e.amount, e.qty]));
    await broker.createTopic(topic, 3);
  }, 5 * 60_000);

  afterAll(async () => {
    await store?.close();
  });

  it(`counts each event once through a SIGKILL, a restart and a replay of the whole topic (seed ${SEED})`, async () => {
    const args = ["txn_stream", "--brokers", broker.bootstrap, "--stats-every", "0s"];
    const shuffled = [...events].sort(() => rand() - 0.5);
    const half = Math.floor(shuffled.length / 2);
    const first = await startStream(dir, args);
    await produce(shuffled.slice(0, half));
    await until("the first worker committed offsets", async () => (await committed()) > 0);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    await produce(shuffled.slice(half));

    const second = await startStream(dir, args);
    await until("every message is committed", async () => (await committed()) === events.length);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    const { present } = await expectOnlineEqualsOffline(store, txnStats, USERS);
    expect(present).toBeGreaterThan(USERS * txnStats.aggregations.length * 0.5);

    // Redelivery of everything: the group's offsets back to 0, as if no commit had followed the writes
    const admin = broker.kafka.admin();
    await admin.connect();
    try {
      await admin.setOffsets({ groupId: group, topic, partitions: [0, 1, 2].map((partition) => ({ partition, offset: "0" })) });
    } finally {
      await admin.disconnect();
    }
    expect(await committed()).toBe(0);
    const third = await startStream(dir, args);
    await until("every message is committed again", async () => (await committed()) === events.length);
    third.child.kill("SIGTERM");
    expect(await third.exited).toBe(0);
    // all consumed again, none counted again
    await expectOnlineEqualsOffline(store, txnStats, USERS);
    expect(third.output()).toContain(`consumed ${events.length} messages: 0 rows written online`);
  }, 10 * 60_000);
});
