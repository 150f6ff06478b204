import { promises as fs } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadRepoConfig, parseRepoConfig } from "../runtime/src/config";
import { ConfigError } from "../runtime/src/errors";
import { tempDir } from "./helpers/tmp";

const parse = (raw: unknown) => parseRepoConfig(raw, "/repo", "/repo/feature_store.yaml");

describe("feature_store.yaml", () => {
  it("applies Feast's defaults: local provider, SQLite online store, key serialization v3", () => {
    const config = parse({ project: "demo", registry: "data/registry.db" });
    expect(config).toMatchObject({
      project: "demo",
      provider: "local",
      registry: { registryType: "file", path: "/repo/data/registry.db", cacheTtlSeconds: 600 },
      onlineStore: { type: "sqlite", path: "/repo/data/online.db" },
      offlineStore: { type: "duckdb" },
      entityKeySerializationVersion: 3,
    });
  });

  it("lists the keys only Feast reads, so the CLI can say they are left to Feast", () => {
    expect(parse({ project: "demo", registry: "r.db", batch_engine: { type: "local" }, mcp: {} }).feastOnlyKeys).toEqual(["batch_engine", "mcp"]);
    expect(parse({ project: "demo", registry: "r.db" }).feastOnlyKeys).toEqual([]);
  });

  it("reads Feast's registry mapping and Redis settings", () => {
    const config = parse({
      project: "demo",
      registry: { registry_type: "file", path: "s3://bucket/registry.db", cache_ttl_seconds: 0 },
      online_store: { type: "redis", connection_string: "redis:6379,password=x,ssl=true", key_ttl_seconds: 3600 },
      offline_store: { type: "file" },
      entity_key_serialization_version: 2,
      auth: { type: "no_auth" },
    });
    expect(config.registry).toEqual({ registryType: "file", path: "s3://bucket/registry.db", cacheTtlSeconds: 0 });
    expect(config.onlineStore).toMatchObject({ type: "redis", redisType: "redis", keyTtlSeconds: 3600, fullScanForDeletion: true });
    expect(config.entityKeySerializationVersion).toBe(2);
    const bigquery = parse({ project: "demo", registry: "r.db", offline_store: { type: "bigquery", dataset: "feast", project_id: "p", location: "EU" } });
    expect(bigquery.offlineStore).toEqual({ type: "bigquery", options: { dataset: "feast", project_id: "p", location: "EU" } });
  });

  it.each([
    [{ registry: "r.db" }, "/repo/feature_store.yaml: project is missing"],
    [{ project: "demo" }, "/repo/feature_store.yaml: registry is missing"],
    [{ project: "my demo", registry: "r.db" }, '/repo/feature_store.yaml: project "my demo" is invalid'],
    [{ project: "demo", registry: "r.db", colour: "blue" }, "/repo/feature_store.yaml: colour is not a known key"],
    [{ project: "demo", registry: "r.db", online_store: { type: "dynamodb" } }, '/repo/feature_store.yaml: online_store.region is required with type: dynamodb'],
    [{ project: "demo", registry: "r.db", offline_store: { type: "spark" } }, '/repo/feature_store.yaml: offline_store.type "spark" is not supported'],
    [{ project: "demo", registry: "r.db", online_store: { type: "sqlite", file: "x" } }, "/repo/feature_store.yaml: online_store.file is not a known key"],
    [{ project: "demo", registry: "r.db", offline_store: { type: "file", memory_limt: "2GB" } }, "/repo/feature_store.yaml: offline_store.memory_limt is not a known key"],
    [{ project: "demo", registry: "r.db", offline_store: { type: "bigquery", dataset: "d", threads: 2 } }, "/repo/feature_store.yaml: offline_store.threads is not a known key"],
    [{ project: "demo", registry: { registry_type: "sql", path: "x" } }, '/repo/feature_store.yaml: registry.registry_type "sql" is not supported'],
    [{ project: "demo", registry: "r.db", entity_key_serialization_version: 1 }, "/repo/feature_store.yaml: entity_key_serialization_version 1 is not supported"],
  ])("rejects %j with a message naming the file and key", (raw, message) => {
    expect(() => parse(raw)).toThrow(ConfigError);
    expect(() => parse(raw)).toThrow(message);
  });

  it("expands ${VARIABLES} from the environment and names an unset one", async () => {
    const dir = tempDir();
    await fs.writeFile(path.join(dir, "feature_store.yaml"), "project: demo\nregistry: data/registry.db\nonline_store:\n  type: redis\n  connection_string: \"localhost:6379,password=${REDIS_PASSWORD}\"\n");
    const config = loadRepoConfig(dir, { REDIS_PASSWORD: "s3cret" });
    expect(config.onlineStore).toMatchObject({ connectionString: "localhost:6379,password=s3cret" });
    expect(() => loadRepoConfig(dir, {})).toThrow("uses ${REDIS_PASSWORD}, which is not set in the environment");
  });

  it("names the file when it is missing or not YAML", async () => {
    const dir = tempDir();
    expect(() => loadRepoConfig(dir)).toThrow(`${path.join(dir, "feature_store.yaml")} does not exist`);
    await fs.writeFile(path.join(dir, "feature_store.yaml"), "project: [unclosed\n");
    expect(() => loadRepoConfig(dir)).toThrow(`${path.join(dir, "feature_store.yaml")} is not valid YAML`);
  });
});

describe("FeatureStore.open with a config object", () => {
  it("takes feature_store.yaml's keys, resolving paths against repoPath, and names the object in errors", async () => {
    const { FeatureStore } = await import("../runtime/src/feature-store.js");
    const store = await FeatureStore.open({ project: "demo", registry: "data/registry.db", online_store: { type: "sqlite", path: "online.db" }, repoPath: "/srv/repo" });
    expect(store.config.registry.path).toBe("/srv/repo/data/registry.db");
    expect(store.config.onlineStore).toEqual({ type: "sqlite", path: "/srv/repo/online.db" });
    await store.close();
    await expect(FeatureStore.open({ project: "demo" } as never)).rejects.toThrow("config object: registry is missing");
    const parsed = parseRepoConfig({ project: "demo", registry: "r.db" }, "/a");
    expect((await FeatureStore.open(parsed)).config).toBe(parsed);
  });
});
