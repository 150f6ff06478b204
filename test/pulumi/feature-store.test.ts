import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { FeatureStore as FeatureStoreType } from "../../pulumi/src/components";
import { parseRepoConfig, loadRepoConfig } from "../../runtime/src/config";
import { parse as parseYaml } from "yaml";
import { startMocks, valueOf, settle, type Registered } from "../helpers/pulumi-mocks";

const REPO = path.resolve("stacks/feature_repo");

describe("FeatureStore on cloud local, under Pulumi's mocks", () => {
  let registered: Registered[];
  let store: FeatureStoreType;
  let urns: Record<string, string>;

  beforeAll(async () => {
    registered = await startMocks();
    const { FeatureStore } = await import("../../pulumi/src/components/index.js");   // after setMocks, as Pulumi requires
    store = await FeatureStore.fromRepo("credit", { cloud: "local", repoPath: REPO });
    const groups: Record<string, { object: pulumi.Resource } & pulumi.Resource>[] = Object.values(store.objects);
    const resources = groups.flatMap((group) => Object.values(group)).flatMap((c) => [c, c.object]);
    urns = Object.fromEntries(await Promise.all(resources.map(async (r) => [await valueOf(r.urn), ""])));
    await valueOf(store.featureStoreYaml);
    await settle();
  });

  it("registers one component per object skewless apply would write, under the store, each owning one registry object", () => {
    const components = registered.filter((r) => !r.custom).map((r) => `${r.type} ${r.name}`);
    expect(components.sort()).toEqual([
      "skewless:index:DataSource credit-user_credit_source",
      "skewless:index:DataSource credit-user_transactions_source",
      "skewless:index:Entity credit-user",
      "skewless:index:FeatureService credit-credit_model_v1",
      "skewless:index:FeatureStore credit",
      "skewless:index:FeatureView credit-user_credit",
      "skewless:index:FeatureView credit-user_transactions",
    ]);
    const dynamic = registered.filter((r) => r.custom).map((r) => `${r.type} ${r.name}`);
    expect(dynamic.sort()).toEqual([
      "pulumi-nodejs:dynamic/skewless:DataSource credit-user_credit_source",
      "pulumi-nodejs:dynamic/skewless:DataSource credit-user_transactions_source",
      "pulumi-nodejs:dynamic/skewless:Entity credit-user",
      "pulumi-nodejs:dynamic/skewless:FeatureService credit-credit_model_v1",
      "pulumi-nodejs:dynamic/skewless:FeatureView credit-user_credit",
      "pulumi-nodejs:dynamic/skewless:FeatureView credit-user_transactions",
    ]);
    // The mock monitor's URNs carry the parent's type: store > component > registry object.
    expect(Object.keys(urns)).toContain("urn:pulumi:dev::skewless::skewless:index:FeatureView$pulumi-nodejs:dynamic/skewless:FeatureView::credit-user_credit");
    expect(Object.keys(urns)).toContain("urn:pulumi:dev::skewless::skewless:index:FeatureStore$skewless:index:FeatureView::credit-user_credit");
    expect(Object.keys(urns)).toContain("urn:pulumi:dev::skewless::skewless:index:FeatureStore$skewless:index:Entity::credit-user");
  });

  it("creates no cloud resources", () => {
    expect(registered.filter((r) => /^(aws|gcp):/.test(r.type))).toEqual([]);
  });

  it("gives each registry object readable inputs: the repo's project and registry, and the object's spec", () => {
    const view = registered.find((r) => r.type === "pulumi-nodejs:dynamic/skewless:FeatureView" && r.name === "credit-user_credit")!;
    const { __provider, ...inputs } = view.inputs;
    expect(typeof __provider).toBe("string");
    expect(inputs).toEqual({
      registry: path.join(REPO, "data", "registry.db"),   // absolute: the provider runs elsewhere
      onlineStore: { type: "sqlite", path: path.join(REPO, "data", "online.db") },   // its tables follow the views
      project: "feature_repo",
      name: "user_credit",
      entities: ["user"],
      joinKeys: [{ name: "user_id", dtype: "Int64" }],
      features: [
        { name: "credit_score", dtype: "Int32" }, { name: "credit_utilization", dtype: "Float32" },
        { name: "open_accounts", dtype: "Int32" }, { name: "late_payments_90d", dtype: "Int64" },
      ],
      ttl: "1w",
      online: true,
      offline: false,
      source: {
        name: "user_credit_source", type: "file", path: "data/user_credit.parquet", s3EndpointOverride: "",
        timestampField: "event_timestamp", createdTimestampColumn: "created", datePartitionColumn: "", fieldMapping: {},
        description: "", owner: "", tags: {},
      },
      description: "",
      owner: "",
      tags: { team: "risk", pii: "true" },
    });
    const service = registered.find((r) => r.type === "pulumi-nodejs:dynamic/skewless:FeatureService")!;
    expect(service.inputs.features).toEqual([
      { view: "user_credit", features: ["credit_score", "credit_utilization", "open_accounts", "late_payments_90d"] },
      { view: "user_transactions", features: ["txn_count_1h", "txn_amount_1h"] },
    ]);
  });

  it("exports a feature_store.yaml that reads as the repo's own configuration, from any folder", async () => {
    const yaml = await valueOf(store.featureStoreYaml);
    const exported = parseRepoConfig(parseYaml(yaml), "/some/app/folder");
    const own = loadRepoConfig(REPO);
    expect(exported.project).toBe(own.project);
    expect(exported.registry.path).toBe(own.registry.path);
    expect(exported.onlineStore).toEqual(own.onlineStore);
    expect(exported.provider).toBe("local");
    expect(await valueOf(store.registry)).toBe(own.registry.path);
    expect(path.isAbsolute(own.registry.path)).toBe(true);
  });
});
