// npm run bench:server-workers: `skewless serve` (the CLI, SQLite online store) under many
// connections, with --workers 1 and --workers N in the same run. Each connection sends 10 x 50
// /get-online-features requests back to back; the load generator runs in this process (it shares
// the machine's cores with the server, so the figures are a lower bound on what the server does).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { BatchEncoder, collectDefinitions, Entity, FeatureStore, FeatureView, FileSource, onlineTable } from "@skewless/runtime/internal";

const FEATURES = 50;
const ENTITIES = 10;
const KEYS = 10_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = [32, 200];
const BIN = path.resolve(__dirname, "..", "runtime", "bin", "skewless.js");

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "skewless-bench-workers-"));
  try {
    await prepareRepo(dir);
    const cores = os.availableParallelism();
    console.log(`skewless serve, SQLite, ${ENTITIES} entities x ${FEATURES} features per request, ${SECONDS} s per pass, ${cores} cores, node ${process.version}`);
    for (const workers of [1, Math.max(2, cores)]) {
      const server = await startServer(dir, workers);
      try {
        for (const connections of CONNECTIONS) {
          await load(server.url, connections, 1);   // warm-up: connections open, registry cached, JIT warm
          const r = await load(server.url, connections, SECONDS);
          const ratio = r.p99 / r.p50;
          console.log(`workers ${workers}  ${String(connections).padStart(3)} connections: ${r.count} requests (${r.errors} failed), ${(r.count / SECONDS).toFixed(0)} req/s,`
            + ` p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (${ratio.toFixed(1)}x p50${connections === 32 ? ", goal <= 3x" : ""}), max ${r.max.toFixed(0)} ms${connections === 200 ? " (goal: no request waits seconds)" : ""}`);
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function prepareRepo(dir: string): Promise<void> {
  writeFileSync(path.join(dir, "feature_store.yaml"),
    "project: bench\nregistry: data/registry.db\nprovider: local\nonline_store:\n  type: sqlite\n  path: data/online.db\nentity_key_serialization_version: 3\n");
  const store = await FeatureStore.open(dir);
  try {
    const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
    const source = new FileSource({ name: "s", path: "data/s.parquet", timestampField: "ts" });
    const schema = Array.from({ length: FEATURES }, (_, i) => ({ name: `f${i}`, dtype: "Float64" as const }));
    const view = new FeatureView({ name: "stats", entities: [user], ttl: 0, source, schema });
    await store.apply(collectDefinitions([user, source, view]));
    const info = (await store.catalog()).featureView("stats");
    const ids = Array.from({ length: KEYS }, (_, i) => i + 1);
    await store.onlineStore().write(onlineTable(info), new BatchEncoder(info, store.config.entityKeySerializationVersion).encode({
      rowCount: KEYS, joinKeyColumns: [ids.map(BigInt)], featureColumns: schema.map((_, f) => ids.map((i) => i * 0.5 + f)),
      eventTimestamps: ids.map(() => new Date("2026-01-01T00:00:00Z")),
    }));
  } finally {
    await store.close();
  }
}

function startServer(dir: string, workers: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [BIN, "-C", dir, "serve", "--port", "0", "--workers", String(workers), "--no-access-log", "--max-connections", "1000"],
    { stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      text += d.toString();
      const match = /Serving project \S+ on (http:\/\/\S+)/.exec(text);
      if (match) resolve({ url: match[1], stop });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`skewless serve exited with ${code}:\n${text}`)));
  });
}

/** `connections` keep-alive connections, each sending requests back to back for `seconds`. */
async function load(url: string, connections: number, seconds: number): Promise<{ count: number; errors: number; p50: number; p99: number; max: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const features = Array.from({ length: FEATURES }, (_, i) => `stats:f${i}`);
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, async (_, c) => {
    for (let i = 0; performance.now() < until; i++) {
      const first = ((c * 7919 + i * ENTITIES) % (KEYS - ENTITIES)) + 1;
      const body = JSON.stringify({ features, entities: { user_id: Array.from({ length: ENTITIES }, (_, k) => first + k) } });
      const started = performance.now();
      const status = await post(url, body, agent).catch(() => 0);
      if (status === 200) latencies.push(performance.now() - started);
      else errors++;
    }
  }));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? NaN;
  return { count: latencies.length, errors, p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1] ?? NaN };
}

function post(url: string, body: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/get-online-features`, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
