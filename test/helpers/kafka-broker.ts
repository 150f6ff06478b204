import { afterAll } from "vitest";
import { startKafkaProcess, type KafkaBroker } from "./kafka-process";

export type { KafkaBroker } from "./kafka-process";

// Brokers started by a test file are stopped once it is done (hooks registered at import time
// belong to the file; vitest ignores afterAll hooks registered inside other hooks).
const brokers = new Set<KafkaBroker>();
afterAll(async () => {
  for (const broker of [...brokers]) await broker.stop();
});

/** A real Kafka broker for this test file (see kafka-process.ts). */
export async function startKafka(timeoutMs?: number): Promise<KafkaBroker> {
  const broker = await startKafkaProcess(timeoutMs);
  brokers.add(broker);
  return broker;
}
