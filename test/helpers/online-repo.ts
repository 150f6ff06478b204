import { mkdtempSync } from "node:fs";
import * as path from "node:path";
import { FeatureStore } from "../../runtime/src/feature-store";
import { BatchEncoder } from "../../runtime/src/materialize/batch-encoder";
import { onlineTable } from "../../runtime/src/online/open-online-store";
import { collectDefinitions, type Definitions } from "../../runtime/src/registry/compile";
import { tempDir } from "./tmp";

// Created when a test file imports this module, so its cleanup hook belongs to the file.
const root = tempDir("skewless-online-");

/** A fresh folder, removed after the test file (safe to call inside hooks and tests). */
export function scratchDir(): string {
  return mkdtempSync(path.join(root, "repo-"));
}

/** A FeatureStore over a fresh folder: file registry in `data/`, the given online store. */
export async function openStore(dir: string, project: string, onlineStore: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<FeatureStore> {
  return FeatureStore.open(FeatureStore.configFrom({
    project,
    registry: { path: path.join(dir, "data", "registry.db"), cache_ttl_seconds: 600 },
    online_store: onlineStore,
    offline_store: { type: "file" },
    ...extra,
  }, dir));
}

export function definitions(...values: unknown[]): Definitions {
  return collectDefinitions(values);
}

/**
 * Writes rows into a view's online table the way materialization does (BatchEncoder), without an
 * offline source: `rows` hold join keys and features by name.
 */
export async function writeRows(store: FeatureStore, viewName: string, rows: Record<string, unknown>[], eventTime: Date): Promise<void> {
  const view = (await store.catalog()).featureView(viewName);
  const encoder = new BatchEncoder(view, store.config.entityKeySerializationVersion);
  const keys = view.joinKeys.filter((k) => k.name !== "__dummy_id");
  const batch = encoder.encode({
    rowCount: rows.length,
    joinKeyColumns: keys.map((k) => rows.map((r) => r[k.name])),
    featureColumns: view.features.map((f) => rows.map((r) => r[f.name] ?? null)),
    eventTimestamps: rows.map((r) => (r.event_timestamp as Date | undefined) ?? eventTime),
  });
  await store.onlineStore().write(onlineTable(view), batch);
}
