// One materialization in its own process, so its peak memory is its own: prints a JSON summary.
//   node materialize-run.js <sqlite|redis> <redisPort> <rows> <features> <synthetic|parquet:PATH>
import type { MaterializeProgress } from "@skewless/runtime";
import { benchView, onlineConfig, openBenchStore, removeScratch } from "./bench-repo";
import { SyntheticOfflineStore } from "./synthetic-offline-store";

async function main(): Promise<void> {
  const [backend, port, rowsText, featuresText, source] = process.argv.slice(2);
  const rows = Number(rowsText);
  const online = onlineConfig(backend, Number(port));
  const eventTime = new Date("2024-05-01T00:00:00Z");
  const parquet = source.startsWith("parquet:") ? source.slice("parquet:".length) : undefined;
  const { store, dir } = await openBenchStore(online, parquet ? {} : { offlineStore: new SyntheticOfflineStore(rows, eventTime) });
  try {
    const { definitions } = benchView("bench_mat", Number(featuresText), parquet ?? "data/none.parquet");
    await store.apply(definitions);
    const rss: { rows: number; mb: number }[] = [];
    let nextSample = 0;
    const progress: MaterializeProgress = {
      begin() {}, viewStart() {}, viewSkipped() {}, end() {}, viewDone() {},
      rows(_view, done) {
        if (done >= nextSample) {
          rss.push({ rows: done, mb: Math.round(process.memoryUsage().rss / 1048576) });
          nextSample += rows / 10;
        }
      },
    };
    const started = process.hrtime.bigint();
    const result = await store.materialize(new Date(eventTime.getTime() - 86_400_000), new Date(eventTime.getTime() + 1000), { progress });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const written = result.views[0].written;
    if (result.views[0].rows !== rows) throw new Error(`expected ${rows} rows, materialized ${result.views[0].rows}`);
    process.stdout.write(JSON.stringify({
      backend, rows, written, seconds, rowsPerSecond: rows / seconds,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), rss,
      cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    }));
  } finally {
    await store.close();
    removeScratch(dir);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
