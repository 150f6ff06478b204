// The feature server under a large request: how long a 100k-entity x 7-feature lookup takes, and
// how long /health waits meanwhile (it should stay in the milliseconds, since lookups run in
// slices). SQLite online store in a temporary folder; all traffic to 127.0.0.1, bounded in count.
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { collectDefinitions, Entity, FeatureStore, FeatureView, FileSource } from "@skewless/runtime/internal";
import { BatchEncoder } from "../runtime/src/materialize/batch-encoder";
import { onlineTable } from "../runtime/src/online/open-online-store";

import { FeatureServer } from "../runtime/src/server/feature-server";

const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 100_000);
const FEATURES = 7;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "skewless-bench-server-"));
  try {
    const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
    const source = new FileSource({ name: "s", path: "data/s.parquet", timestampField: "ts" });
    const schema = Array.from({ length: FEATURES }, (_, i) => ({ name: `f${i}`, dtype: "Float64" as const }));
    const view = new FeatureView({ name: "stats", entities: [user], ttl: 0, source, schema });
    const store = await FeatureStore.open(FeatureStore.configFrom({ project: "bench", registry: path.join(dir, "registry.db"), online_store: { type: "sqlite", path: path.join(dir, "online.db") } }, dir));
    await store.apply(collectDefinitions([user, source, view]));
    const info = (await store.catalog()).featureView("stats");
    const ids = Array.from({ length: ENTITIES }, (_, i) => i + 1);
    const batch = new BatchEncoder(info, store.config.entityKeySerializationVersion).encode({
      rowCount: ENTITIES, joinKeyColumns: [ids.map(BigInt)], featureColumns: schema.map(() => ids.map((i) => i * 0.5)), eventTimestamps: ids.map(() => new Date("2026-01-01T00:00:00Z")),
    });
    await store.onlineStore().write(onlineTable(info), batch);
    const server = new FeatureServer(store, { limits: { maxEntities: ENTITIES, maxFeatureValues: ENTITIES * FEATURES, maxBodyBytes: 256 * 1024 * 1024, requestTimeoutSeconds: 600 } });
    const { port } = await server.listen(0, "127.0.0.1");
    const url = `http://127.0.0.1:${port}`;
    const body = JSON.stringify({ features: schema.map((f) => `stats:${f.name}`), entities: { user_id: ids } });
    for (let run = 1; run <= 3; run++) {
      let done = false;
      const started = performance.now();
      const big = fetch(`${url}/get-online-features`, { method: "POST", headers: { "content-type": "application/json" }, body }).then(async (r) => {
        const text = await r.text();
        done = true;
        return { status: r.status, bytes: text.length, ms: performance.now() - started };
      });
      const waits: number[] = [];
      while (!done && waits.length < 10_000) {
        const t = performance.now();
        await (await fetch(`${url}/health`)).text();
        waits.push(performance.now() - t);
      }
      const result = await big;
      waits.sort((a, b) => a - b);
      console.log(`run ${run}: ${ENTITIES} entities x ${FEATURES} features: ${result.status}, ${(result.bytes / 1e6).toFixed(1)} MB in ${result.ms.toFixed(0)} ms; `
        + `/health answered ${waits.length} times meanwhile, median ${waits[Math.floor(waits.length / 2)]?.toFixed(1)} ms, max ${waits[waits.length - 1]?.toFixed(1)} ms`);
    }
    await server.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
