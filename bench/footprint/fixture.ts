import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import {
  BatchEncoder, collectDefinitions, Entity, FeatureStore, FeatureView, FileSource, onlineTable, type FeatureStoreYaml,
} from "@skewless/runtime/internal";

const run = promisify(execFile);

/** The probe a fresh `node` runs: it imports the package as an app does (see probe.cjs). */
export const PROBE = path.join(__dirname, "probe.cjs");

/** Packages an online-only service must not load (nor, except its own client, install). */
export const HEAVY_PACKAGES = ["@duckdb/node-api", "apache-arrow", "@aws-sdk/client-s3", "@google-cloud/storage", "jiti"];

export interface ProbeInput {
  config: FeatureStoreYaml;
  features: string[];
  entityRows: Record<string, unknown>[];
}

export interface ProbeResult {
  importMs: number;
  modulesAtImport: number;
  firstReadMs: number;
  modulesAfterRead: number;
  packages: string[];
  values: Record<string, unknown[]>;
}

/** Feature values written for users 1 and 2: one Int64 above 2^53, so bigint decoding shows. */
export const ROWS = [
  { user_id: 1, clicks: 5n, score: 0.5, name: "ann" },
  { user_id: 2, clicks: 2n ** 60n, score: 1.5, name: "bob" },
];

/**
 * A feature repo in `dir` (file registry, SQLite or the given Redis) holding `user_stats` with
 * {@link ROWS} written online; returns what the probe reads. The offline store is never queried.
 */
export async function onlineRepo(dir: string, online: Record<string, unknown>): Promise<ProbeInput> {
  const config: FeatureStoreYaml = {
    project: "footprint", repoPath: dir,
    registry: { path: "data/registry.db", cache_ttl_seconds: 600 }, online_store: online,
  };
  const store = await FeatureStore.open(config);
  try {
    const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
    const source = new FileSource({ name: "user_source", path: "data/users.parquet", timestampField: "event_timestamp" });
    const view = new FeatureView({
      name: "user_stats", entities: [user], source,
      schema: [{ name: "clicks", dtype: "Int64" }, { name: "score", dtype: "Float64" }, { name: "name", dtype: "String" }],
    });
    await store.apply(collectDefinitions([user, source, view]));
    const info = (await store.catalog()).featureView("user_stats");
    const batch = new BatchEncoder(info, store.config.entityKeySerializationVersion).encode({
      rowCount: ROWS.length,
      joinKeyColumns: [ROWS.map((r) => r.user_id)],
      featureColumns: info.features.map((f) => ROWS.map((r) => r[f.name as keyof (typeof ROWS)[number]])),
      eventTimestamps: ROWS.map(() => new Date("2026-01-01T00:00:00Z")),
    });
    await store.onlineStore().write(onlineTable(info), batch);
  } finally {
    await store.close();
  }
  return { config, features: ["user_stats:clicks", "user_stats:score", "user_stats:name"], entityRows: [{ user_id: 1 }, { user_id: 2 }] };
}

/** Runs the probe in a fresh `node` whose working directory is `appDir` (where the package resolves from). */
export async function runProbe(appDir: string, input: ProbeInput): Promise<ProbeResult> {
  const { stdout } = await run(process.execPath, [PROBE, JSON.stringify(input)], { cwd: appDir, timeout: 120_000 });
  return JSON.parse(stdout) as ProbeResult;
}
