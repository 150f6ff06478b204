import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { renderFeatureStoreYaml } from "../../pulumi/src/components/feature-store-yaml";
import { parseRepoConfig } from "../../runtime/src/config";

describe("feature_store.yaml as the stack exports it", () => {
  it("uses Feast's keys and reads back as the same settings", () => {
    const yaml = renderFeatureStoreYaml({
      project: "credit", registry: "gs://bucket/registry/registry.pb", provider: "gcp",
      onlineStore: { type: "redis", connectionString: "10.0.0.3:6378,ssl=true,password=p:a\"ss #1" },
      offlineStore: { type: "bigquery", options: { dataset: "features", project_id: "acme-ml", location: "EU" } },
    });
    const config = parseRepoConfig(parseYaml(yaml), "/repo");
    expect(config).toMatchObject({
      project: "credit", provider: "gcp",
      registry: { path: "gs://bucket/registry/registry.pb", cacheTtlSeconds: 60 },
      onlineStore: { type: "redis", connectionString: "10.0.0.3:6378,ssl=true,password=p:a\"ss #1" },
      offlineStore: { type: "bigquery", options: { dataset: "features", project_id: "acme-ml", location: "EU" } },
      entityKeySerializationVersion: 3,
    });
  });

  it("keeps a ${VAR} connection string for the environment to fill in", () => {
    const yaml = renderFeatureStoreYaml({ project: "p", registry: "data/registry.db", provider: "aws", onlineStore: { type: "redis", connectionString: "${SKEWLESS_REDIS_CONNECTION}" } });
    expect(yaml).toContain('connection_string: "${SKEWLESS_REDIS_CONNECTION}"');
    expect(parseYaml(yaml).offline_store).toEqual({ type: "file" });
  });

  it("sets Redis's key_ttl_seconds, and refuses one that is not a positive whole number", () => {
    const yaml = (keyTtlSeconds: number) => renderFeatureStoreYaml({ project: "p", registry: "s3://b/registry/registry.pb", provider: "aws", onlineStore: { type: "redis", connectionString: "r:6379", keyTtlSeconds } });
    expect(parseRepoConfig(parseYaml(yaml(86_400)), "/repo").onlineStore).toMatchObject({ keyTtlSeconds: 86_400 });
    expect(() => yaml(0)).toThrow(/key_ttl_seconds 0 must be a positive whole number/);
    expect(() => yaml(1.5)).toThrow(/key_ttl_seconds 1.5/);
  });

  it("refuses offline store keys that are not keys", () => {
    expect(() => renderFeatureStoreYaml({
      project: "p", registry: "r.db", provider: "local", onlineStore: { type: "sqlite", path: "o.db" },
      offlineStore: { type: "file", options: { "x: y": "z" } },
    })).toThrow(/offline store option "x: y" is not a feature_store.yaml key/);
  });
});
