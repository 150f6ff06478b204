import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  collectDefinitions, Entity, FeatureStore, FeatureView, FileSource, type OfflineStore, type ScalarDtype,
} from "@skewless/runtime";

/** Feature dtypes cycled through a benchmark view: the mix a real view has. */
const MIX: ScalarDtype[] = ["Float32", "Float64", "Int64", "Int32", "Float32", "String", "Float64", "Int64", "Float32", "Bool"];

export function benchView(name: string, features: number, sourcePath = "data/source.parquet"): { definitions: ReturnType<typeof collectDefinitions>; view: FeatureView } {
  const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
  const source = new FileSource({ name: `${name}_source`, path: sourcePath, timestampField: "event_timestamp" });
  const view = new FeatureView({
    name, entities: [user], source,
    schema: Array.from({ length: features }, (_, i) => ({ name: `f${i}`, dtype: MIX[i % MIX.length] })),
  });
  return { definitions: collectDefinitions([user, source, view]), view };
}

/**
 * `online_store` for a backend: SQLite in the repo's data folder, the benchmark's redis-server
 * (`target` its port), or DynamoDB on the benchmark's moto (`target` its endpoint).
 */
export function onlineConfig(backend: string, target: number | string): Record<string, unknown> {
  if (backend === "redis") return { type: "redis", connection_string: `127.0.0.1:${target}` };
  if (backend === "dynamodb") return { type: "dynamodb", region: "us-west-2", endpoint_url: String(target) };
  return { type: "sqlite", path: "data/online.db" };
}

/** A scratch feature repo (removed with {@link removeScratch}) and a store opened on it. */
export async function openBenchStore(
  online: Record<string, unknown>, options: { offlineStore?: OfflineStore; dir?: string } = {},
): Promise<{ store: FeatureStore; dir: string }> {
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), "skewless-bench-"));
  const config = FeatureStore.configFrom({
    project: "bench",
    registry: { path: "data/registry.db", cache_ttl_seconds: 600 },
    online_store: online,
    offline_store: { type: "file" },
  }, dir);
  const store = await FeatureStore.open(config, options.offlineStore ? { offlineStore: options.offlineStore } : {});
  return { store, dir };
}

export function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
