// Fills an online store for the latency benchmark in its own process, as a materialization job
// would: the process that then serves reads starts with a settled heap, not with the garbage
// collector still shrinking what a 5-million-value materialization left behind.
//   node populate.js <sqlite|redis|dynamodb> <redisPort|motoEndpoint> <dir> <entities> <features> <view>
import { benchView, openBenchStore, onlineConfig } from "./bench-repo";
import { SyntheticOfflineStore } from "./synthetic-offline-store";

async function main(): Promise<void> {
  const [backend, target, dir, entitiesText, featuresText, view] = process.argv.slice(2);
  const entities = Number(entitiesText);
  const now = Date.now();
  const { store } = await openBenchStore(onlineConfig(backend, target), { offlineStore: new SyntheticOfflineStore(entities, new Date(now)), dir });
  try {
    await store.apply(benchView(view, Number(featuresText)).definitions);
    const started = process.hrtime.bigint();
    await store.materialize(new Date(now - 86_400_000), new Date(now + 60_000));
    process.stdout.write(JSON.stringify({ seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
  } finally {
    await store.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
