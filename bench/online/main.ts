// npm run bench:online: online retrieval latency and materialization throughput, against SQLite
// and a redis-server this script starts, and DynamoDB lookup latency against moto (an emulator:
// its figures say what Skewless adds on top of a local Python server, not what AWS would take). Prints figures and the bars from issue 4; the machine is
// shared, so compare figures within one run and rerun before drawing conclusions.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { onlineConfig, openBenchStore, removeScratch } from "./bench-repo";
import { measureRounds, type LatencyResult } from "./latency";
import { writeParquet } from "./parquet-data";
import { measureCandidates, redisCandidates, type CandidateResult } from "./read-candidates";
import { startMoto, type BenchMoto } from "./moto-process";
import { startRedis, type BenchRedis } from "./redis-process";

const QUICK = process.argv.includes("--quick");
/** `--only latency` or `--only materialize` runs one section (for profiling one path). */
const ONLY = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const ENTITIES = 100_000;
/** Latency rounds per case: percentiles are the rounds' medians (see measureRounds). */
const ROUNDS = 3;
const SYNTHETIC_ROWS = QUICK ? 200_000 : 1_000_000;
const PARQUET_ROWS = QUICK ? 500_000 : 5_000_000;

interface RunSummary { backend: string; rows: number; seconds: number; rowsPerSecond: number; peakRssMb: number; cpuSeconds: number; rss: { rows: number; mb: number }[] }

/** redis-server's CPU seconds so far (user + system), from INFO cpu. */
function serverCpu(redis: BenchRedis): number {
  const info = redis.info("cpu");
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return field("used_cpu_user") + field("used_cpu_sys");
}

/** moto serves one request at a time in Python: a smaller table and fewer calls keep the run short. */
const MOTO_ENTITIES = QUICK ? 2000 : 10_000;

interface LatencyCase { name: string; backend: string; target: number | string; entities: number; calls: [number, number] }

async function latencySection(redis: BenchRedis, moto: BenchMoto | undefined): Promise<{ results: LatencyResult[]; populate: string[]; candidates: CandidateResult[] }> {
  const results: LatencyResult[] = [];
  let candidates: CandidateResult[] = [];
  const populate: string[] = [];
  const features = Array.from({ length: 50 }, (_, i) => `bench50:f${i}`);
  const cases: LatencyCase[] = [
    { name: "SQLite", backend: "sqlite", target: 0, entities: ENTITIES, calls: QUICK ? [3000, 500] : [20_000, 3000] },
    { name: "Redis", backend: "redis", target: redis.port, entities: ENTITIES, calls: QUICK ? [3000, 500] : [20_000, 3000] },
  ];
  if (moto) cases.push({ name: "DynamoDB*", backend: "dynamodb", target: moto.endpoint, entities: MOTO_ENTITIES, calls: QUICK ? [200, 50] : [1000, 200] });
  for (const { name, backend, target, entities, calls } of cases) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "skewless-bench-"));
    try {
      // populated by another process, as a materialization job would; this one only serves
      const out = execFileSync(process.execPath, [path.join(__dirname, "populate.js"), backend, String(target), dir, String(entities), "50", "bench50"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
      const s = (JSON.parse(out) as { seconds: number }).seconds;
      populate.push(`${name}: ${n(entities)} entities x 50 features written in ${s.toFixed(1)}s (${n(entities / s)} rows/s), by a separate process`);
      const { store } = await openBenchStore(onlineConfig(backend, target), { dir });
      try {
        results.push(await measureRounds(`${name} 1 x 50`, store, features, entities, 1, calls[0], Math.ceil(calls[0] / 10), ROUNDS));
        results.push(await measureRounds(`${name} 100 x 50`, store, features, entities, 100, calls[1], Math.ceil(calls[1] / 10), ROUNDS));
        if (backend === "redis") {
          const { candidates: reads, close } = await redisCandidates(redis.port, store, "bench50", features);
          try {
            candidates = await measureCandidates(reads, ENTITIES, (e) => (e === 1 ? (QUICK ? 2000 : 5000) : (QUICK ? 300 : 600)), ROUNDS);
          } finally {
            await close();
          }
        }
      } finally {
        await store.close();
      }
    } finally {
      removeScratch(dir);
    }
  }
  return { results, populate, candidates };
}

function runChild(args: string[]): RunSummary {
  const out = execFileSync(process.execPath, [path.join(__dirname, "materialize-run.js"), ...args], { encoding: "utf8", maxBuffer: 1 << 24, stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out) as RunSummary;
}

const ms = (x: number) => x.toFixed(3);
const n = (x: number) => Math.round(x).toLocaleString("en-US");

async function main(): Promise<void> {
  const redis = await startRedis();
  const moto = ONLY === "materialize" ? undefined : await startMoto();
  try {
    console.log(`Skewless online benchmark${QUICK ? " (--quick)" : ""}: ${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}\n`);
    if (ONLY !== "materialize") await printLatency(redis, moto);
    if (ONLY !== "latency") await printMaterialization(redis);
  } finally {
    redis.stop();
    moto?.stop();
  }
}

async function printLatency(redis: BenchRedis, moto: BenchMoto | undefined): Promise<void> {
  const { results, populate, candidates } = await latencySection(redis, moto);
  console.log(`getOnlineFeatures latency, one view of 50 features, ${n(ENTITIES)} entities stored (${ROUNDS} rounds per case; percentiles are the rounds' medians):`);
  for (const p of populate) console.log(`  (setup) ${p}`);
  console.log("  case                 calls     p50 ms   p90 ms   p99 ms   max ms   bar (p99)        p99 by round");
  for (const r of results) {
    const bar = r.label.endsWith("1 x 50") ? 1 : 5;
    // the bars are for real stores; an emulator's figure has none
    const verdict = r.label.startsWith("DynamoDB*") ? "(emulator)" : `< ${bar} ms ${r.p99 < bar ? "MET" : "MISSED"}`;
    console.log(`  ${r.label.padEnd(18)} ${String(r.calls).padStart(7)}   ${ms(r.p50).padStart(8)} ${ms(r.p90).padStart(8)} ${ms(r.p99).padStart(8)} ${ms(r.max).padStart(8)}   ${verdict.padEnd(15)}  ${(r.roundP99s ?? []).map(ms).join(" / ")}`);
  }
  if (moto) console.log("  * DynamoDB on moto, a local Python emulator serving one request at a time: an emulator figure, not AWS's latency (no bar)");
  else console.log("  DynamoDB: skipped (moto is not installed; run scripts/setup-emulators.sh)");
  printCandidates(candidates);
  redis.flush();
}

/** The read path's candidates side by side, and the issue-15 goals as ratios within this run. */
function printCandidates(results: CandidateResult[]): void {
  console.log(`\nRedis read path, candidates on the same keys, interleaved in ${ROUNDS} rounds (percentiles: the rounds' medians):`);
  console.log("  entities  candidate                          p50 ms   p99 ms   p99 by round");
  for (const r of results) console.log(`  ${String(r.entities).padStart(8)}  ${r.label.padEnd(33)} ${ms(r.p50).padStart(7)}  ${ms(r.p99).padStart(7)}   ${r.roundP99s.map(ms).join(" / ")}`);
  const get = (label: string, entities: number) => results.find((r) => r.label === label && r.entities === entities)!;
  const one = get("Skewless getOnlineFeatures", 1).p99 / get("ioredis HGETALL", 1).p99;
  const hundred = get("Skewless getOnlineFeatures", 100);
  const raw = get("ioredis HGETALL", 100).p99;
  const floor = get("floor: plain socket, HGETALL", 100).p50;
  const verdict = (ok: boolean) => (ok ? "MET" : "MISSED");
  console.log(`  1 x 50 p99 / raw ioredis HGETALL p99: ${one.toFixed(2)}x   goal <= 1.2x ${verdict(one <= 1.2)}`);
  console.log(`  100 x 50 p99 / raw ioredis pipeline of 100 HGETALL p99: ${(hundred.p99 / raw).toFixed(2)}x   goal <= 0.5x ${verdict(hundred.p99 / raw <= 0.5)}`);
  console.log(`  100 x 50 p99: ${ms(hundred.p99)} ms   goal <= 3 ms ${verdict(hundred.p99 <= 3)}`);
  console.log(`  100 x 50 p50 / plain-socket floor p50: ${(hundred.p50 / floor).toFixed(2)}x   goal <= 5x ${verdict(hundred.p50 / floor <= 5)}`);
}

async function printMaterialization(redis: BenchRedis): Promise<void> {
  console.log(`\nMaterialization, rows of 10 features (each run in its own process):`);
  let sqliteSynthetic = { rowsPerSecond: 0, cpuSeconds: 0 };
  for (const backend of ["sqlite", "redis"]) {
    const r = runChild([backend, String(redis.port), String(SYNTHETIC_ROWS), "10", "synthetic"]);
    if (backend === "sqlite") sqliteSynthetic = r;
    console.log(`  online write path (synthetic source), ${backend.padEnd(6)} ${n(r.rows)} rows in ${r.seconds.toFixed(1)}s: ${n(r.rowsPerSecond)} rows/s, peak RSS ${r.peakRssMb} MB   bar >= 100,000 rows/s ${r.rowsPerSecond >= 100_000 ? "MET" : "MISSED"}`);
    redis.flush();
  }
  const ceiling = JSON.parse(execFileSync(process.execPath, [path.join(__dirname, "sqlite-ceiling.js"), String(SYNTHETIC_ROWS), "10"], { encoding: "utf8" })) as { rowsPerSecond: number; cpuSeconds: number };
  const wall = sqliteSynthetic.rowsPerSecond / ceiling.rowsPerSecond;
  // CPU seconds for the same rows: on a shared machine the two runs may see different loads
  const cpu = ceiling.cpuSeconds / sqliteSynthetic.cpuSeconds;
  console.log(`  for scale: SQLite alone with Feast's layout (no Skewless code; empty table, sorted keys, 100-row INSERTs): ${n(ceiling.rowsPerSecond)} rows/s`);
  console.log(`    Skewless's SQLite write path / that ceiling: ${wall.toFixed(2)}x by wall time, ${cpu.toFixed(2)}x by CPU time   bar >= 0.8x ${wall >= 0.8 ? "MET" : "MISSED"} (wall), ${cpu >= 0.8 ? "MET" : "MISSED"} (CPU)`);
  const parquet = await writeParquet(PARQUET_ROWS, 10);
  if (!parquet) {
    console.log("  end to end from parquet: skipped (this build has no DuckDB offline store)");
    return;
  }
  try {
    for (const backend of ["sqlite", "redis"]) {
      const cpuBefore = serverCpu(redis);
      const r = runChild([backend, String(redis.port), String(PARQUET_ROWS), "10", `parquet:${parquet.file}`]);
      const curve = r.rss.map((s) => `${Math.round(s.rows / 1000)}k:${s.mb}`).join(" ");
      const bar = backend === "redis" ? 150_000 : 100_000;
      console.log(`  end to end from parquet (DuckDB), ${backend.padEnd(6)} ${n(r.rows)} rows in ${r.seconds.toFixed(1)}s: ${n(r.rowsPerSecond)} rows/s   bar >= ${n(bar)} rows/s ${r.rowsPerSecond >= bar ? "MET" : "MISSED"}`);
      const server = serverCpu(redis) - cpuBefore;
      console.log(`    CPU: this process ${r.cpuSeconds.toFixed(1)} s${backend === "redis" ? `, redis-server ${server.toFixed(1)} s (alone it could write ${n(r.rows / server)} rows/s)` : ""}, on ${os.cpus().length} cores shared with the rest of the machine`);
      console.log(`    peak RSS ${r.peakRssMb} MB (bar: flat, < 1024 MB ${r.peakRssMb < 1024 ? "MET" : "MISSED"}); RSS MB by rows done: ${curve}`);
      redis.flush();
    }
  } finally {
    parquet.remove();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
