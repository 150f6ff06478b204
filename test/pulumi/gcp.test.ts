import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { FeatureStore as FeatureStoreType } from "../../pulumi/src/components";
import { accountId } from "../../pulumi/src/components/gcp/materialization-schedule";
import { parseRepoConfig } from "../../runtime/src/config";
import { byType, isSecretInput, settle, startMocks, valueOf, type Registered } from "../helpers/pulumi-mocks";

// The mocks give Memorystore this AUTH string, as GCP generates one.
const AUTH = "gcp-generated-auth";
const APP = "serviceAccount:scoring-app@acme-ml.iam.gserviceaccount.com";
const CHANNEL = "projects/acme-ml/notificationChannels/123";

describe("FeatureStore on cloud gcp, under Pulumi's mocks", () => {
  let registered: Registered[];
  let store: FeatureStoreType;
  const { ofType, one } = byType(() => registered);

  beforeAll(async () => {
    registered = await startMocks();
    const { FeatureStore } = await import("../../pulumi/src/components/index.js");
    store = await FeatureStore.fromRepo("credit", {
      cloud: "gcp",
      repoPath: path.resolve("stacks/feature_repo"),
      gcp: {
        project: "acme-ml", region: "europe-west1", network: "projects/acme-ml/global/networks/ml", subnetwork: "ml-europe-west1",
        materialization: { image: "europe-docker.pkg.dev/acme-ml/skewless/job:1", notificationChannels: [CHANNEL] },
        featureServer: { invokers: [APP], auth: { discoveryUrl: "https://idp.example/.well-known/openid-configuration", clientId: "feast" } },
      },
    });
    await valueOf(store.featureStoreYaml);
    await Promise.all(Object.values(store.objects.featureViews).map((v) => valueOf(v.object.urn)));
    await settle();
  });

  it("keeps the registry in a versioned bucket with uniform access and public access prevented", () => {
    expect(one("gcp:storage/bucket:Bucket").inputs).toMatchObject({
      location: "europe-west1", uniformBucketLevelAccess: true, publicAccessPrevention: "enforced", versioning: { enabled: true }, forceDestroy: false,
    });
    for (const o of registered.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/skewless:"))) {
      expect(o.inputs.registry).toBe("gs://credit-data/registry/registry.pb");
    }
  });

  it("runs Memorystore with AUTH and TLS, on the given network", () => {
    expect(one("gcp:redis/instance:Instance").inputs).toMatchObject({
      authEnabled: true, transitEncryptionMode: "SERVER_AUTHENTICATION", authorizedNetwork: "projects/acme-ml/global/networks/ml", tier: "STANDARD_HA",
    });
  });

  it("exports a feature_store.yaml without the AUTH string, and the feature server's URL", async () => {
    expect(await pulumi.isSecret(store.featureStoreYaml)).toBe(false);
    const yaml = await valueOf(store.featureStoreYaml);
    expect(yaml).not.toContain(AUTH);
    const config = parseRepoConfig(parseYaml(yaml), "/repo");
    expect(config).toMatchObject({ provider: "gcp", registry: { path: "gs://credit-data/registry/registry.pb" } });
    // A trusted client verifies Memorystore's certificate against the instance's CA, kept where the yaml says.
    expect(config.onlineStore).toMatchObject({
      type: "redis", connectionString: "${SKEWLESS_REDIS_CONNECTION},ssl_ca_certs=/etc/skewless/redis-ca.pem", keyTtlSeconds: 30 * 86_400,
    });
    expect(await valueOf(store.deployment.redisCaCertificate!)).toBe("-----BEGIN CERTIFICATE-----");
    expect(store.deployment.featureServerUrl).toBeDefined();
  });

  it("lets only the feature server's and the job's network tags reach Memorystore", () => {
    const rules = Object.fromEntries(ofType("gcp:compute/firewall:Firewall").map((r) => [r.name, r.inputs]));
    expect(rules["credit-online-clients"]).toMatchObject({
      direction: "EGRESS", priority: 900, targetTags: ["skewless-serve", "skewless-materialize"], destinationRanges: ["10.0.0.3/32"], allows: [{ protocol: "tcp", ports: ["6378"] }],
    });
    expect(rules["credit-online-others"]).toMatchObject({ direction: "EGRESS", priority: 1000, destinationRanges: ["10.0.0.3/32"], denies: [{ protocol: "tcp", ports: ["6378"] }] });
    expect(rules["credit-online-others"].targetTags).toBeUndefined();
    const job = one("gcp:cloudrunv2/job:Job").inputs as { template: { template: { vpcAccess: { networkInterfaces: { tags: string[] }[] } } } };
    expect(job.template.template.vpcAccess.networkInterfaces[0].tags).toEqual(["skewless-materialize"]);
  });

  it("runs skewless serve on Cloud Run: internal ingress, IAM invoker for the apps only, registry read-only, OIDC auth on", () => {
    const service = one("gcp:cloudrunv2/service:Service").inputs as {
      ingress: string; invokerIamDisabled: boolean;
      template: { serviceAccount: string; vpcAccess: { networkInterfaces: { tags: string[] }[] }; containers: { commands: string[]; args: string[]; envs: { name: string; value?: string }[] }[] };
    };
    expect(service.ingress).toBe("INGRESS_TRAFFIC_INTERNAL_ONLY");
    expect(service.invokerIamDisabled).toBe(false);
    expect(service.template.vpcAccess.networkInterfaces[0].tags).toEqual(["skewless-serve"]);
    const [container] = service.template.containers;
    expect([...container.commands, ...container.args].join(" ")).toMatch(/serve --host 0.0.0.0 --port 6566/);
    expect(parseRepoConfig(parseYaml(container.envs[0].value!), "/repo").auth).toMatchObject({ type: "oidc", clientId: "feast" });
    expect(ofType("gcp:cloudrunv2/serviceIamMember:ServiceIamMember").map((m) => [m.inputs.role, m.inputs.member])).toEqual([["roles/run.invoker", APP]]);
    const serverGrant = ofType("gcp:storage/bucketIAMMember:BucketIAMMember").find((g) => g.name === "credit-serve-registry")!.inputs;
    expect(serverGrant).toMatchObject({ role: "roles/storage.objectViewer", member: `serviceAccount:${service.template.serviceAccount}` });
    expect((serverGrant.condition as { expression: string }).expression).toBe('resource.name == "projects/_/buckets/credit-data/objects/registry/registry.pb"');
    expect(JSON.stringify(service)).not.toContain(AUTH);
    // The server verifies Memorystore's TLS with the instance's CA, as the job does.
    expect(container.envs.find((e) => e.name === "SKEWLESS_REDIS_CA_CERT")?.value).toBe("-----BEGIN CERTIFICATE-----");
  });

  it("grants the job's account bucket reads, writes under registry/ only, and one secret", () => {
    const job = "serviceAccount:credit-materialize-job@project.iam.gserviceaccount.com";
    const bucketGrants = ofType("gcp:storage/bucketIAMMember:BucketIAMMember").filter((r) => r.name.startsWith("credit-materialize")).map((r) => r.inputs);
    expect(bucketGrants.map((g) => [g.role, g.member])).toEqual([
      ["roles/storage.objectViewer", job], ["roles/storage.objectUser", job],
    ]);
    expect((bucketGrants[1].condition as { expression: string }).expression)
      .toBe('resource.name.startsWith("projects/_/buckets/credit-data/objects/registry/")');
    expect(ofType("gcp:secretmanager/secretIamMember:SecretIamMember").find((m) => m.name === "credit-materialize-redis")!.inputs)
      .toMatchObject({ role: "roles/secretmanager.secretAccessor", member: job });
    expect(ofType("gcp:secretmanager/secretVersion:SecretVersion").every((v) => isSecretInput(v.inputs.secretData))).toBe(true);
    expect(one("gcp:cloudrunv2/jobIamMember:JobIamMember").inputs).toMatchObject({
      role: "roles/run.jobsExecutor", member: "serviceAccount:credit-materialize-scheduler@project.iam.gserviceaccount.com",
    });
  });

  it("schedules the Cloud Run job hourly, reading the connection string from Secret Manager", () => {
    const schedule = one("gcp:cloudscheduler/job:Job").inputs as { schedule: string; httpTarget: { uri: string; oauthToken: unknown } };
    expect(schedule.schedule).toBe("0 * * * *");
    expect(schedule.httpTarget.uri).toBe("https://run.googleapis.com/v2/projects/acme-ml/locations/europe-west1/jobs/credit-materialize:run");
    const job = one("gcp:cloudrunv2/job:Job").inputs as { template: { template: { containers: { commands: string[]; args: string[]; envs: { name: string; value?: string; valueSource?: unknown }[] }[] } } };
    const [container] = job.template.template.containers;
    expect([...container.commands, ...container.args].join(" ")).toMatch(/materialize-incremental/);
    expect(container.envs[0].value).toContain('connection_string: "${SKEWLESS_REDIS_CONNECTION},ssl_ca_certs=/feature_repo/redis-ca.pem"');
    expect(container.envs[1]).toEqual({ name: "SKEWLESS_REDIS_CONNECTION", valueSource: { secretKeyRef: { secret: "credit-materialize-redis", version: "latest" } } });
    // The job writes the CA it is given next to the repo, where its yaml's ssl_ca_certs points.
    expect(container.envs[2]).toEqual({ name: "SKEWLESS_REDIS_CA_CERT", value: "-----BEGIN CERTIFICATE-----" });
    expect(container.envs[0].value).toContain("key_ttl_seconds: 2592000");
    expect(JSON.stringify(job)).not.toContain(AUTH);
  });

  it("retries a failed task in Cloud Run and a refused start in Cloud Scheduler, and alerts on repeated failed executions", () => {
    const job = one("gcp:cloudrunv2/job:Job").inputs as { template: { template: { maxRetries: number } } };
    expect(job.template.template.maxRetries).toBe(3);
    expect(one("gcp:cloudscheduler/job:Job").inputs.retryConfig).toEqual({ retryCount: 3, minBackoffDuration: "30s", maxBackoffDuration: "600s", maxDoublings: 3 });
    const policy = one("gcp:monitoring/alertPolicy:AlertPolicy").inputs as {
      project: string; combiner: string; notificationChannels: string[];
      conditions: { conditionThreshold: { filter: string; aggregations: unknown[]; comparison: string; thresholdValue: number } }[];
    };
    expect(policy).toMatchObject({ project: "acme-ml", combiner: "OR", notificationChannels: [CHANNEL] });
    const [{ conditionThreshold: condition }] = policy.conditions;
    expect(condition.filter).toBe('resource.type = "cloud_run_job" AND resource.labels.job_name = "credit-materialize" AND metric.type = "run.googleapis.com/job/completed_execution_count" AND metric.labels.result = "failed"');
    // Two failed executions in three hours: more than one in the window.
    expect(condition).toMatchObject({ aggregations: [{ alignmentPeriod: "10800s", perSeriesAligner: "ALIGN_SUM" }], comparison: "COMPARISON_GT", thresholdValue: 1 });
  });

  it("derives valid service account ids from any component name", () => {
    expect(accountId("credit", "job")).toBe("credit-job");
    expect(accountId("9_Very_Long_Feature_Store_Name_Indeed", "sched")).toMatch(/^[a-z][a-z0-9-]{5,29}$/);
    expect(accountId("x", "job")).toMatch(/^[a-z][a-z0-9-]{5,29}$/);
  });
});
