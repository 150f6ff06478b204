// npm run bench:offline [single|wide|manifest] — point-in-time retrieval at scale, against hand-written DuckDB ASOF
// queries over the same files in the same run. Each contender runs in its own process (so its
// peak RSS is its own), twice, in alternating order; the best wall time counts (the machine is shared).
import { mkdirSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gigabytes, measureInChild, reportFromChild, seconds, type Measurement } from "./measure";
import { benchFiles, ensureBenchData, ENTITY_ROWS, FEATURE_ROWS, MULTI_ENTITY_ROWS, MULTI_FEATURES, MULTI_VIEW_ROWS } from "./offline-data";
import {
  bareAsofSql, countDifferences, DUCKDB_MEMORY_LIMIT, DUCKDB_THREADS, equivalentAsofSql, runDuckDB, runSkewless, runSkewlessWide, setUpRepo,
} from "./offline-runs";

const ROOT = path.resolve(__dirname, "..");
const files = benchFiles(ROOT);
const OUT = path.join(files.dir, "out");
const out = (name: string) => path.join(OUT, `${name}.parquet`);
const RATIO_BAR = 1.5;
const RSS_BAR = 3 * 2 ** 30;

async function child(mode: string, arg: string): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  await reportFromChild(async () => {
    if (mode === "skewless") return runSkewless(files, arg, out(`skewless-${arg}`));
    if (mode === "no-manifest") return runSkewless(files, arg, out(`no-manifest-${arg}`), false);
    if (mode === "wide") return runSkewlessWide(files, Number(arg), out(`wide-${arg}`));
    const tmp = path.join(files.dir, "tmp", mode);
    mkdirSync(tmp, { recursive: true });
    if (mode === "bare") return runDuckDB(bareAsofSql(files, out("bare")), tmp);
    if (mode === "equivalent") return runDuckDB(equivalentAsofSql(files, out("equivalent")), tmp);
    throw new Error(`unknown mode ${mode}`);
  });
}

function best(runs: Measurement[]): Measurement {
  return runs.reduce((a, b) => ({ ...(a.wallMs <= b.wallMs ? a : b), cpuMs: Math.min(a.cpuMs, b.cpuMs), peakRssBytes: Math.max(a.peakRssBytes, b.peakRssBytes) }));
}

function line(label: string, m: Measurement): string {
  return `  ${label.padEnd(66)} ${seconds(m.wallMs).padStart(9)} ${seconds(m.cpuMs).padStart(9)} ${gigabytes(m.peakRssBytes).padStart(9)}`;
}

async function main(sections: string[]): Promise<void> {
  const run = (name: string) => sections.length === 0 || sections.includes(name);
  console.log(`Offline retrieval benchmark: ${os.cpus().length} cores, DuckDB threads=${DUCKDB_THREADS}, memory_limit=${DUCKDB_MEMORY_LIMIT}`);
  console.log(`Data in ${path.relative(process.cwd(), files.dir)} (generated once, then reused):`);
  await ensureBenchData(files, console.log);
  await setUpRepo(files);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const script = __filename;
  if (run("single")) await single(script);
  if (run("wide")) await wide(script);
  if (run("manifest")) await manifest(script);
  rmSync(OUT, { recursive: true, force: true });
}

async function single(script: string): Promise<void> {
  const contenders: [string, string, string][] = [
    ["skewless", "user_features", "Skewless getHistoricalFeatures().toParquet()"],
    ["bare", "", "hand-written DuckDB ASOF (bare: no TTL, no tie-break, any order)"],
    ["skewless", "user_features_created", "Skewless, view with a created column (ties broken)"],
    ["equivalent", "", "hand-written DuckDB ASOF, same semantics (TTL, ties, order)"],
  ];
  const runs = new Map<string, Measurement[]>();
  for (const round of [0, 1]) {
    const order = round === 0 ? contenders : [...contenders].reverse();
    for (const [mode, arg, label] of order) {
      const m = await measureInChild(script, label, [mode, arg]);
      runs.set(label, [...(runs.get(label) ?? []), m]);
    }
  }
  const [ours, bare, oursCreated, equivalent] = contenders.map(([, , label]) => best(runs.get(label)!));
  console.log(`\n1. ${ENTITY_ROWS.toLocaleString("en-US")} entity rows x a ${FEATURE_ROWS.toLocaleString("en-US")}-row view with 3 features (ttl 30d), written to parquet`);
  console.log(`  ${"".padEnd(66)} ${"wall".padStart(9)} ${"cpu".padStart(9)} ${"peak RSS".padStart(9)}   (best of 2)`);
  for (const m of [ours, bare, oursCreated, equivalent]) console.log(line(m.label, m));
  const ratio = ours.wallMs / bare.wallMs;
  console.log(`\n  ratio Skewless / bare ASOF:                wall ${ratio.toFixed(2)}, cpu ${(ours.cpuMs / bare.cpuMs).toFixed(2)}   (bar <= ${RATIO_BAR}: ${ratio <= RATIO_BAR ? "met" : "NOT met"})`);
  console.log(`  ratio with created column / bare ASOF:     wall ${(oursCreated.wallMs / bare.wallMs).toFixed(2)}, cpu ${(oursCreated.cpuMs / bare.cpuMs).toFixed(2)}`);
  console.log(`  ratio with created column / same-semantics ASOF: wall ${(oursCreated.wallMs / equivalent.wallMs).toFixed(2)}, cpu ${(oursCreated.cpuMs / equivalent.cpuMs).toFixed(2)}`);
  const peak = Math.max(ours.peakRssBytes, oursCreated.peakRssBytes);
  console.log(`  Skewless peak RSS: ${gigabytes(peak)}   (bar < 3 GB: ${peak < RSS_BAR ? "met" : "NOT met"})`);
  const differences = await countDifferences(out("skewless-user_features_created"), out("equivalent"));
  console.log(`  rows differing between Skewless and the same-semantics query: ${differences}`);

}

async function wide(script: string): Promise<void> {
  console.log(`\n2. ${MULTI_ENTITY_ROWS.toLocaleString("en-US")} entity rows x N views of ${MULTI_VIEW_ROWS.toLocaleString("en-US")} rows and ${MULTI_FEATURES} features each, one call`);
  const counts = [1, 2, 5, 10];
  const runs = new Map<number, Measurement[]>();
  for (const views of [...counts, ...[...counts].reverse()]) {
    const m = await measureInChild(script, `${views} view(s), ${views * MULTI_FEATURES} features`, ["wide", String(views)]);
    runs.set(views, [...(runs.get(views) ?? []), m]);
  }
  console.log(`  ${"".padEnd(66)} ${"wall".padStart(9)} ${"cpu".padStart(9)} ${"peak RSS".padStart(9)}   (best of 2)`);
  const bests = counts.map((views) => best(runs.get(views)!));
  bests.forEach((m, i) => console.log(`${line(m.label, m)}   ${seconds(m.cpuMs / counts[i])} cpu per view`));
  const [, two, , ten] = bests;
  console.log(`  10 views vs 2 views: wall ${(ten.wallMs / two.wallMs).toFixed(1)}x, cpu ${(ten.cpuMs / two.cpuMs).toFixed(1)}x (linear: 5x; quadratic: 25x)`);
}

/** The lineage manifest's cost: the same retrieval with and without it, alternating, best of 3. */
async function manifest(script: string): Promise<void> {
  const contenders: [string, string][] = [
    ["skewless", "toParquet with the lineage manifest (default)"],
    ["no-manifest", "toParquet({ lineage: false })"],
  ];
  const runs = new Map<string, Measurement[]>();
  for (const round of [0, 1, 2]) {
    for (const [mode, label] of round % 2 === 0 ? contenders : [...contenders].reverse()) {
      const m = await measureInChild(script, label, [mode, "user_features"]);
      runs.set(label, [...(runs.get(label) ?? []), m]);
    }
  }
  const [withManifest, without] = contenders.map(([, label]) => best(runs.get(label)!));
  console.log(`\n3. Lineage manifest: ${ENTITY_ROWS.toLocaleString("en-US")} entity rows x the ${FEATURE_ROWS.toLocaleString("en-US")}-row view, with and without it`);
  console.log(`  ${"".padEnd(66)} ${"wall".padStart(9)} ${"cpu".padStart(9)} ${"peak RSS".padStart(9)}   (best of 3)`);
  for (const m of [withManifest, without]) console.log(line(m.label, m));
  const ratio = withManifest.wallMs / without.wallMs;
  console.log(`  ratio with / without manifest: wall ${ratio.toFixed(3)} (${((ratio - 1) * 100).toFixed(1)}%), cpu ${(withManifest.cpuMs / without.cpuMs).toFixed(3)}`);
}

if (process.argv[2] === "--child") {
  child(process.argv[3], process.argv[4] ?? "").catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
