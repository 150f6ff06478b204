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

interface RunSummary { backend: string; rows: number; seconds: number; rowsPerSecond: number; peakRssMb: number; rss: { rows: number; mb: number }[] }

/** moto serves one request at a time in Python: a smaller table and fewer calls keep the run short. */
const MOTO_ENTITIES = QUICK ? 2000 : 10_000;

interface LatencyCase { name: string; backend: string; target: number | string; entities: number; calls: [number, number] }

async function latencySection(redis: BenchRedis, moto: BenchMoto | undefined): Promise<{ results: LatencyResult[]; populate: string[] }> {
  const results: LatencyResult[] = [];
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
      } finally {
        await store.close();
      }
    } finally {
      removeScratch(dir);
    }
  }
  return { results, populate };
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
    console.log(`Skewless online benchmark${QUICK ? " (--quick)" : ""}: node ${process.version}, ${require("node:os").cpus().length} cores\n`);
    if (ONLY !== "materialize") await printLatency(redis, moto);
    if (ONLY !== "latency") await printMaterialization(redis);
  } finally {
    redis.stop();
    moto?.stop();
  }
}

async function printLatency(redis: BenchRedis, moto: BenchMoto | undefined): Promise<void> {
  const { results, populate } = await latencySection(redis, moto);
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
  redis.flush();
}

async function printMaterialization(redis: BenchRedis): Promise<void> {
  console.log(`\nMaterialization, rows of 10 features (each run in its own process):`);
  for (const backend of ["sqlite", "redis"]) {
    const r = runChild([backend, String(redis.port), String(SYNTHETIC_ROWS), "10", "synthetic"]);
    console.log(`  online write path (synthetic source), ${backend.padEnd(6)} ${n(r.rows)} rows in ${r.seconds.toFixed(1)}s: ${n(r.rowsPerSecond)} rows/s, peak RSS ${r.peakRssMb} MB   bar >= 100,000 rows/s ${r.rowsPerSecond >= 100_000 ? "MET" : "MISSED"}`);
    redis.flush();
  }
  const ceiling = JSON.parse(execFileSync(process.execPath, [path.join(__dirname, "sqlite-ceiling.js"), String(SYNTHETIC_ROWS), "10"], { encoding: "utf8" })) as { rowsPerSecond: number };
  console.log(`  for scale: SQLite alone with Feast's layout (no Skewless code; empty table, sorted keys, 100-row INSERTs): ${n(ceiling.rowsPerSecond)} rows/s`);
  const parquet = await writeParquet(PARQUET_ROWS, 10);
  if (!parquet) {
    console.log("  end to end from parquet: skipped (this build has no DuckDB offline store)");
    return;
  }
  try {
    for (const backend of ["sqlite", "redis"]) {
      const r = runChild([backend, String(redis.port), String(PARQUET_ROWS), "10", `parquet:${parquet.file}`]);
      const curve = r.rss.map((s) => `${Math.round(s.rows / 1000)}k:${s.mb}`).join(" ");
      console.log(`  end to end from parquet (DuckDB), ${backend.padEnd(6)} ${n(r.rows)} rows in ${r.seconds.toFixed(1)}s: ${n(r.rowsPerSecond)} rows/s   bar >= 100,000 rows/s ${r.rowsPerSecond >= 100_000 ? "MET" : "MISSED"}`);
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
