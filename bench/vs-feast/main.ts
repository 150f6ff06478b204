// npm run bench:vs-feast: Feast 0.66 (the pinned venv, $SKEWLESS_FEAST_VENV) and Skewless on the
// same data, stores and registry, in interleaved rounds; prints Feast / Skewless ratios for
// materialization, online lookups in-process, HTTP (`feast serve` vs `skewless serve`) and
// point-in-time retrieval, next to the raw clients' floors. Feast's side is timed inside its own
// process (bench/vs-feast/feast_side.py), so Python's start-up is not counted against it.
//   npm run bench:vs-feast -- [--rows N] [--rounds R]
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Database from "better-sqlite3";
import { FeatureStore } from "@skewless/runtime";
import { serializeEntityKey } from "@skewless/runtime/internal";
import { benchView } from "../online/bench-repo";
import { writeParquet } from "../online/parquet-data";
import { median, percentile, redisCandidates, timeCalls } from "../online/read-candidates";
import { startRedis, type BenchRedis } from "../online/redis-process";
import { loadHttp, startServer, type HttpServer } from "./http-load";

const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const ROWS = arg("--rows", 20_000);
const ROUNDS = arg("--rounds", 3);
const FEATURES = 50;
const VIEW = "bench50";
const FEAST_VENV = process.env.SKEWLESS_FEAST_VENV ?? path.resolve(".venv-feast");
const PYTHON = path.join(FEAST_VENV, "bin", "python");
const FEAST_SIDE = path.join(__dirname, "feast_side.py");
const SKEWLESS_BIN = path.resolve(__dirname, "../../runtime/bin/skewless.js");
const features = Array.from({ length: FEATURES }, (_, i) => `${VIEW}:f${i}`);
const PIT_FEATURES = features.slice(0, 10);

interface Repo { backend: "sqlite" | "redis"; skewless: string; feast: string }
/** Per figure, per round: [Feast, Skewless]. */
const figures = new Map<string, { unit: string; higherIsBetter: boolean; rounds: [number, number][] }>();
function record(name: string, unit: string, feast: number, skewless: number, higherIsBetter = false): void {
  const figure = figures.get(name) ?? { unit, higherIsBetter, rounds: [] };
  figure.rounds.push([feast, skewless]);
  figures.set(name, figure);
}

function feastSide<T>(args: string[]): T {
  const out = execFileSync(PYTHON, [FEAST_SIDE, ...args], { encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "pipe"] });
  return JSON.parse(out.trim().split("\n").pop()!) as T;
}

function yaml(registry: string, online: string): string {
  return `project: bench\nregistry:\n  path: ${registry}\n  cache_ttl_seconds: 600\nprovider: local\n${online}offline_store:\n  type: file\nentity_key_serialization_version: 3\n`;
}

/** Two repos per backend over one registry: Skewless's online store and Feast's are separate (a file each; db 0 and db 1). */
async function setUp(dir: string, parquet: string, redis: BenchRedis): Promise<Repo[]> {
  const repos: Repo[] = [];
  for (const backend of ["sqlite", "redis"] as const) {
    const registry = path.join(dir, `${backend}-registry.db`);
    const repo: Repo = { backend, skewless: path.join(dir, `skewless-${backend}`), feast: path.join(dir, `feast-${backend}`) };
    for (const [side, db] of [[repo.skewless, 0], [repo.feast, 1]] as const) {
      mkdirSync(path.join(side, "data"), { recursive: true });
      const online = backend === "sqlite" ? "online_store:\n  type: sqlite\n  path: data/online.db\n" : `online_store:\n  type: redis\n  connection_string: 127.0.0.1:${redis.port},db=${db}\n`;
      writeFileSync(path.join(side, "feature_store.yaml"), yaml(registry, online));
    }
    const store = await FeatureStore.open(repo.skewless);
    await store.apply(benchView(VIEW, FEATURES, parquet).definitions);
    await store.close();
    repos.push(repo);
  }
  return repos;
}

function clearOnline(repo: Repo, side: "skewless" | "feast", redis: BenchRedis): void {
  if (repo.backend === "sqlite") rmSync(path.join(repo[side], "data", "online.db"), { force: true });
  else execFileSync("redis-cli", ["-p", String(redis.port), "-n", side === "skewless" ? "0" : "1", "FLUSHDB"]);
}

async function materializeRound(repo: Repo, redis: BenchRedis): Promise<void> {
  clearOnline(repo, "skewless", redis);
  const store = await FeatureStore.open(repo.skewless);
  const started = process.hrtime.bigint();
  await store.materialize(new Date("2024-04-01T00:00:00Z"), new Date("2024-05-02T00:00:00Z"));
  const skewless = Number(process.hrtime.bigint() - started) / 1e9;
  await store.close();
  clearOnline(repo, "feast", redis);
  const feast = feastSide<{ seconds: number }>(["materialize", repo.feast]).seconds;
  record(`materialize ${repo.backend}, ${ROWS} rows x ${FEATURES} features`, "rows/s", ROWS / feast, ROWS / skewless, true);
}

async function onlineRound(repo: Repo, round: number, store: FeatureStore): Promise<void> {
  const rows = (ids: number[]) => ids.map((id) => ({ user_id: id }));
  for (const [entities, calls] of [[1, 1000], [100, 200]] as const) {
    const seed = 12345 + round;
    await timeCalls((ids) => store.getOnlineFeatures({ features, entityRows: rows(ids) }), ROWS, entities, Math.ceil(calls / 10), seed + 1000);
    const times = await timeCalls((ids) => store.getOnlineFeatures({ features, entityRows: rows(ids) }), ROWS, entities, calls, seed);
    const feast = feastSide<{ p50: number; p99: number }>(["online", repo.feast, JSON.stringify(features), String(ROWS), String(entities), String(Math.ceil(calls / 2)), String(seed)]);
    record(`online in-process ${repo.backend} ${entities} x ${FEATURES}, p50`, "ms", feast.p50, percentile(times, 0.5));
    record(`online in-process ${repo.backend} ${entities} x ${FEATURES}, p99`, "ms", feast.p99, percentile(times, 0.99));
  }
}

async function historicalRound(repo: Repo, entityFile: string): Promise<void> {
  const store = await FeatureStore.open(repo.skewless);
  const started = process.hrtime.bigint();
  const table = await (await store.getHistoricalFeatures({ features: PIT_FEATURES, entityDf: entityFile })).toArrow();
  const skewless = Number(process.hrtime.bigint() - started) / 1e9;
  await store.close();
  const feast = feastSide<{ seconds: number; rows: number }>(["historical", repo.feast, JSON.stringify(PIT_FEATURES), entityFile]);
  if (feast.rows !== table.numRows) throw new Error(`point-in-time rows differ: Feast ${feast.rows}, Skewless ${table.numRows}`);
  record(`point-in-time ${table.numRows} entity rows x ${PIT_FEATURES.length} features (${repo.backend} repo)`, "s", feast.seconds, skewless);
}

/** The raw clients on Skewless's own keys: what a lookup costs with no feature store at all. */
async function floors(repos: Repo[], redis: BenchRedis): Promise<string[]> {
  const lines: string[] = [];
  const redisRepo = repos.find((r) => r.backend === "redis")!;
  const store = await FeatureStore.open(redisRepo.skewless);
  const { candidates, close } = await redisCandidates(redis.port, store, VIEW, features);
  try {
    for (const c of candidates.filter((x) => /^(floor|ioredis HGETALL)/.test(x.label))) {
      const p50: number[] = [];
      const p99: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const times = await timeCalls(c.read, ROWS, c.entities, c.entities === 1 ? 2000 : 300, 777 + round);
        p50.push(percentile(times, 0.5));
        p99.push(percentile(times, 0.99));
      }
      lines.push(`  redis ${String(c.entities).padStart(3)} x ${FEATURES}  ${c.label.padEnd(32)} p50 ${median(p50).toFixed(3)} ms   p99 ${median(p99).toFixed(3)} ms`);
    }
  } finally {
    await close();
    await store.close();
  }
  // SQLite: better-sqlite3 alone, one prepared SELECT of an entity's rows per entity
  const db = new Database(path.join(repos.find((r) => r.backend === "sqlite")!.skewless, "data", "online.db"), { readonly: true });
  const select = db.prepare(`SELECT feature_name, value, event_ts FROM "bench_${VIEW}" WHERE entity_key = ?`).raw(true);
  const key = (id: number) => serializeEntityKey([{ name: "user_id", valueType: 4 }], [BigInt(id)], 3);
  for (const entities of [1, 100]) {
    const times = await timeCalls(async (ids) => ids.map((id) => select.all(key(id))), ROWS, entities, entities === 1 ? 5000 : 500, 777);
    lines.push(`  sqlite ${String(entities).padStart(3)} x ${FEATURES} better-sqlite3 SELECT per entity     p50 ${percentile(times, 0.5).toFixed(3)} ms   p99 ${percentile(times, 0.99).toFixed(3)} ms`);
  }
  db.close();
  return lines;
}

async function httpRounds(repo: Repo, skewless: HttpServer, feast: HttpServer): Promise<void> {
  const bodies = (ids: number[]) => JSON.stringify({ features, entities: { user_id: ids } });
  for (const server of [skewless, feast]) await loadHttp(server.url, bodies, ROWS, 10, 8, 1);   // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const s = await loadHttp(skewless.url, bodies, ROWS, 10, 32, 4);
    const f = await loadHttp(feast.url, bodies, ROWS, 10, 32, 4);
    record(`HTTP ${repo.backend} 10 x ${FEATURES} at 32 connections, requests/s`, "req/s", f.rps, s.rps, true);
    record(`HTTP ${repo.backend} 10 x ${FEATURES} at 32 connections, p50`, "ms", f.p50, s.p50);
    record(`HTTP ${repo.backend} 10 x ${FEATURES} at 32 connections, p99`, "ms", f.p99, s.p99);
  }
}

/** Distinct entities (Feast's file store collapses repeated entity rows; Skewless returns one row per input row). */
function writeEntityFile(dir: string): string {
  const file = path.join(dir, "entities.parquet");
  const n = Math.min(ROWS, 10_000);
  execFileSync(PYTHON, ["-c", `import pandas as pd, numpy as np\nrng = np.random.default_rng(7)\npd.DataFrame({"user_id": rng.permutation(${ROWS})[:${n}].astype("int64"), "event_timestamp": pd.Timestamp("2024-05-01T00:00:00Z")}).to_parquet("${file}")`]);
  return file;
}

function print(): void {
  console.log("  figure                                                           Feast        Skewless     Feast/Skewless (by round)");
  for (const [name, f] of figures) {
    const ratios = f.rounds.map(([feast, skewless]) => (f.higherIsBetter ? skewless / feast : feast / skewless));
    const feast = median(f.rounds.map((r) => r[0]));
    const skewless = median(f.rounds.map((r) => r[1]));
    const fmt = (x: number) => `${x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(3)} ${f.unit}`;
    console.log(`  ${name.padEnd(64)} ${fmt(feast).padEnd(12)} ${fmt(skewless).padEnd(12)} ${median(ratios).toFixed(2)}x (${ratios.map((r) => r.toFixed(2)).join(" / ")})`);
  }
}

async function main(): Promise<void> {
  console.log(`Skewless vs Feast 0.66: ${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(`${ROWS} entities x ${FEATURES} features from parquet, ${ROUNDS} interleaved rounds; ratios are Feast / Skewless (higher: Skewless faster), the median of the rounds'.\n`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "skewless-vs-feast-"));
  const redis = await startRedis();
  const parquet = await writeParquet(ROWS, FEATURES);
  if (!parquet) throw new Error("this build has no DuckDB offline store to read the parquet source with");
  const servers: HttpServer[] = [];
  try {
    const repos = await setUp(dir, parquet.file, redis);
    const entityFile = writeEntityFile(dir);
    for (const repo of repos) {
      for (let round = 0; round < ROUNDS; round++) await materializeRound(repo, redis);
      const store = await FeatureStore.open(repo.skewless);
      for (let round = 0; round < ROUNDS; round++) await onlineRound(repo, round, store);
      await store.close();
      const skewless = await startServer("skewless", process.execPath, [SKEWLESS_BIN, "serve", "--host", "127.0.0.1", "--port", String(await freePortOf())], repo.skewless);
      const feast = await startServer("feast", path.join(FEAST_VENV, "bin", "feast"), ["serve", "--host", "127.0.0.1", "--port", String(await freePortOf())], repo.feast);
      servers.push(skewless, feast);
      await httpRounds(repo, skewless, feast);
      await Promise.all([skewless.stop(), feast.stop()]);
      for (let round = 0; round < ROUNDS; round++) await historicalRound(repo, entityFile);
    }
    print();
    console.log(`\nRaw floors on the same keys (no feature store; ${ROUNDS} rounds, medians):`);
    for (const line of await floors(repos, redis)) console.log(line);
    console.log(`\nload average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    redis.stop();
    parquet.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function freePortOf(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as import("node:net").AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
