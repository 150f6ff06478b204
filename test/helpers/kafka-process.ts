import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { freePort } from "./emulators";
import { REPO_ROOT, run } from "./processes";

// A real Apache Kafka broker (single-node KRaft: broker and controller in one JVM), run from the
// jars scripts/setup-kafka.sh caches, on loopback. No vitest here: the streaming benchmark starts
// it too (tests use kafka-broker.ts, which stops it after the test file).

export interface KafkaBroker {
  /** `127.0.0.1:port`. */
  bootstrap: string;
  kafka: Kafka;
  createTopic(topic: string, partitions?: number): Promise<void>;
  /** What the broker printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** The folder of broker jars (fetched on first use; later calls return at once). */
async function kafkaLib(): Promise<string> {
  const result = await run("bash", [path.join(REPO_ROOT, "scripts", "setup-kafka.sh")], { timeoutMs: 15 * 60_000 });
  if (result.code !== 0) throw new Error(`scripts/setup-kafka.sh failed (${result.code}):\n${result.stderr}`);
  return result.stdout.trim();
}

export async function startKafkaProcess(timeoutMs = 180_000): Promise<KafkaBroker> {
  const lib = await kafkaLib();
  const dir = mkdtempSync(path.join(os.tmpdir(), "skewless-kafka-"));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const config = path.join(dir, "server.properties");
  writeFileSync(config, [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    "controller.listener.names=CONTROLLER",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    "inter.broker.listener.name=PLAINTEXT",
    `log.dirs=${path.join(dir, "logs")}`,
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=1",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    "num.partitions=1",
    "",
  ].join("\n"));
  const classpath = `${lib}/*`;
  const clusterId = randomBytes(16).toString("base64url");
  const format = await run("java", ["-cp", classpath, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config], { timeoutMs: 120_000 });
  if (format.code !== 0) throw new Error(`formatting the KRaft log folder failed (${format.code}):\n${format.stderr}\n${format.stdout}`);
  const child: ChildProcess = spawn("java", ["-Xms256m", "-Xmx512m", "-cp", classpath, "kafka.Kafka", config], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr!.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const bootstrap = `127.0.0.1:${port}`;
  const kafka = new Kafka({ clientId: "skewless-test", brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const broker: KafkaBroker = {
    bootstrap,
    kafka,
    output: () => output,
    async createTopic(topic, partitions = 1) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
      } finally {
        await admin.disconnect();
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
          child.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill("SIGTERM");
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  process.once("exit", () => child.kill("SIGKILL"));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Kafka broker exited with ${child.exitCode}:\n${output}`);
    if (await ready(kafka)) return broker;
    if (Date.now() > deadline) {
      await broker.stop();
      throw new Error(`the Kafka broker was not ready after ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function ready(kafka: Kafka): Promise<boolean> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
