// npm run bench:stream [events/s] [seconds] — freshness of streamed features: a producer writes to a
// real Kafka broker at a steady rate, a `skewless stream` worker (its own process, as deployed)
// writes them to a real redis-server, and this process reads probe entities with
// getOnlineFeatures in a tight loop. Lag = when a value is first read - when it was produced (the
// value is its produce time, on this machine's clock). Everything runs on loopback and stops by itself.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Entity, FeatureStore, FeatureView, FileSource, KafkaSource } from "@skewless/runtime";
import { collectDefinitions } from "@skewless/runtime/internal";
import { startKafkaProcess } from "../test/helpers/kafka-process";
import { startRedis } from "./online/redis-process";

const RATE = Number(process.argv[2] ?? 10_000);
const SECONDS = Number(process.argv[3] ?? 20);
const ENTITIES = 10_000;
const PROBES = 200;
const WARMUP_MS = 3_000;
const TICK_MS = 10;
const PARTITIONS = 3;
const BIN = path.resolve(__dirname, "..", "runtime", "bin", "skewless.js");

const driver = new Entity({ name: "driver", joinKeys: ["driver_id"], valueType: "Int64" });
const files = new FileSource({ name: "trips_files", path: "data/trips", timestampField: "event_timestamp" });
const stream = new KafkaSource({ name: "trips_stream", kafkaBootstrapServers: "127.0.0.1:1", topic: "trips", timestampField: "event_timestamp", batchSource: files });
const trips = new FeatureView({ name: "trips", entities: [driver], ttl: 0, source: stream, schema: [{ name: "produced_ms", dtype: "Int64" }, { name: "km", dtype: "Float64" }] });

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "skewless-bench-stream-"));
  const redis = await startRedis();
  const broker = await startKafkaProcess();
  const worker = { output: "", child: undefined as ReturnType<typeof spawn> | undefined };
  try {
    await broker.createTopic("trips", PARTITIONS);
    writeFileSync(path.join(dir, "feature_store.yaml"), [
      "project: bench_stream", "registry: data/registry.db", "provider: local",
      "online_store:", "  type: redis", `  connection_string: 127.0.0.1:${redis.port}`, "offline_store:", "  type: file",
      "entity_key_serialization_version: 3", "",
    ].join("\n"));
    const store = await FeatureStore.open(dir);
    await store.apply(collectDefinitions([driver, files, stream, trips]));

    worker.child = spawn(process.execPath, [BIN, "stream", "trips_stream", "--brokers", broker.bootstrap, "--stats-every", "0s"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    const started = new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        worker.output += d.toString();
        if (worker.output.includes("Streaming KafkaSource")) resolve();
      };
      worker.child!.stdout!.on("data", onData);
      worker.child!.stderr!.on("data", onData);
      worker.child!.once("exit", (code) => reject(new Error(`skewless stream exited with ${code}:\n${worker.output}`)));
    });
    await started;

    const producer = broker.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const probeRows = Array.from({ length: PROBES }, (_, i) => ({ driver_id: Math.floor((i * ENTITIES) / PROBES) }));
    const lags: number[] = [];
    const lastSeen = new Map<number, number>();
    let running = true;
    let reads = 0;
    let longestGap = 0;
    const begin = Date.now();
    // Reader: every probe's value is the time it was produced; a new value read now has aged by now - value.
    let previousRead = 0;
    const reader = (async () => {
      while (running) {
        // Int64 comes back as bigint
        const values = ((await store.getOnlineFeatures({ features: ["trips:produced_ms"], entityRows: probeRows })).toObject().produced_ms as (bigint | null)[])
          .map((v) => (v === null ? null : Number(v)));
        const now = Date.now();
        if (reads > 0) longestGap = Math.max(longestGap, now - previousRead);
        previousRead = now;
        reads++;
        values.forEach((v, i) => {
          if (v === null || lastSeen.get(i) === v) return;
          lastSeen.set(i, v);
          if (v - begin >= WARMUP_MS) lags.push(now - v);
        });
        await new Promise((r) => setImmediate(r));
      }
    })();

    // Producer: RATE events/s in ticks of TICK_MS, each entity in turn (so each probe is updated about RATE/ENTITIES times a second).
    let sent = 0;
    let next = 0;
    const perTick = Math.round((RATE * TICK_MS) / 1000);
    const sendErrors: unknown[] = [];
    const inFlight = new Set<Promise<unknown>>();
    const end = begin + SECONDS * 1000;
    for (let tick = 0; Date.now() < end; tick++) {
      const due = begin + tick * TICK_MS;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const now = Date.now();
      const messages = Array.from({ length: perTick }, () => {
        const id = next++ % ENTITIES;
        return { key: String(id), value: JSON.stringify({ driver_id: id, event_timestamp: new Date(now).toISOString(), produced_ms: now, km: id / 10 }) };
      });
      const send = producer.send({ topic: "trips", acks: 1, messages }).catch((e: unknown) => sendErrors.push(e));
      inFlight.add(send);
      void send.finally(() => inFlight.delete(send));
      sent += perTick;
    }
    await Promise.all(inFlight);
    const produceSeconds = (Date.now() - begin) / 1000;
    await new Promise((r) => setTimeout(r, 3_000));   // let the last updates land
    running = false;
    await reader;
    await producer.disconnect();

    worker.child.kill("SIGTERM");
    await new Promise((r) => worker.child!.once("exit", r));
    const consumed = /consumed (\d+) messages/.exec(worker.output)?.[1];
    lags.sort((a, b) => a - b);
    console.log(`stream freshness: ${RATE} events/s asked for ${SECONDS} s, ${ENTITIES} entities, ${PARTITIONS} partitions, redis online store`);
    console.log(`  produced ${sent} events in ${produceSeconds.toFixed(1)} s = ${Math.round(sent / produceSeconds)} events/s (send errors: ${sendErrors.length}); worker consumed ${consumed ?? "?"}`);
    console.log(`  produce -> readable by getOnlineFeatures, ${lags.length} updates of ${PROBES} probe entities seen (${reads} reads, longest gap between reads ${longestGap} ms; first ${WARMUP_MS / 1000} s left out):`);
    console.log(`  p50 ${quantile(lags, 0.5)} ms   p90 ${quantile(lags, 0.9)} ms   p99 ${quantile(lags, 0.99)} ms   max ${lags[lags.length - 1]} ms`);
    await store.close();
  } finally {
    if (worker.child && worker.child.exitCode === null) worker.child.kill("SIGKILL");
    await broker.stop();
    redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
