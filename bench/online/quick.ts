import * as os from "node:os";
import * as path from "node:path";
import { mkdtempSync } from "node:fs";
import { Entity, FeatureStore, FeatureView, FileSource, collectDefinitions } from "@skewless/runtime";
import { SyntheticOfflineStore } from "./synthetic-offline-store";

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "quick-"));
  const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
  const source = new FileSource({ name: "s", path: "data/s.parquet", timestampField: "event_timestamp" });
  const dtypes = ["Float32", "Float64", "Int64", "Int32", "String"] as const;
  const view = new FeatureView({ name: "bench10", entities: [user], source, schema: Array.from({ length: 10 }, (_, i) => ({ name: `f${i}`, dtype: dtypes[i % 5] })) });
  const online = process.argv[2] === "redis" ? { type: "redis", connection_string: process.argv[3] } : { type: "sqlite", path: "data/online.db" };
  const n = Number(process.argv[4] ?? 200000);
  const store = await FeatureStore.open(FeatureStore.configFrom({ project: "q", registry: "data/registry.db", online_store: online }, dir), { offlineStore: new SyntheticOfflineStore(n, new Date()) });
  await store.apply(collectDefinitions([user, source, view]));
  const t = Date.now();
  const r = await store.materialize(new Date(0), new Date());
  const s = (Date.now() - t) / 1000;
  console.log(process.argv[2] ?? "sqlite", n, "rows", s.toFixed(2), "s", Math.round(n / s), "rows/s", r.views[0].written);
  await store.close();
}
main().catch((e) => { console.error(e); process.exit(1); });
