import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { FeatureStore as FeatureStoreType } from "../../components";
import { parseRepoConfig } from "../../runtime/src/config";
import { byType, isSecretInput, plain, settle, startMocks, valueOf, type Registered } from "../helpers/pulumi-mocks";

const TOKEN = "correct-horse-battery-staple-42";

describe("FeatureStore on cloud aws, under Pulumi's mocks", () => {
  let registered: Registered[];
  let store: FeatureStoreType;
  const { ofType, one } = byType(() => registered);
  const policyOf = (roleSuffix: string) => JSON.parse(plain<string>(ofType("aws:iam/rolePolicy:RolePolicy").find((r) => r.name.endsWith(roleSuffix))!.inputs.policy));

  beforeAll(async () => {
    registered = await startMocks();
    const { FeatureStore } = await import("../../components/index.js");
    store = await FeatureStore.fromRepo("credit", {
      cloud: "aws",
      repoPath: path.resolve("stacks/feature_repo"),
      aws: {
        vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"], redisAuthToken: pulumi.secret(TOKEN),
        materialization: { image: "registry.example/skewless:1" },
      },
    });
    await valueOf(store.featureStoreYaml);
    await Promise.all(Object.values(store.objects.featureViews).map((v) => valueOf(v.object.urn)));
    await settle();
  });

  it("keeps the registry in a private, encrypted, versioned, TLS-only bucket", () => {
    expect(one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    expect(one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({
      blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    expect(one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules)
      .toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }]);
    const policy = JSON.parse(plain<string>(one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy));
    expect(policy.Statement[0]).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });

  it("writes every registry object to the bucket's registry.pb", () => {
    const objects = registered.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/skewless:"));
    expect(objects).toHaveLength(6);
    for (const o of objects) expect(o.inputs.registry).toBe("s3://credit-data/registry/registry.pb");
  });

  it("runs Redis with TLS, encryption at rest and the AUTH token, which stays a secret", () => {
    const redis = one("aws:elasticache/replicationGroup:ReplicationGroup").inputs;
    expect(redis).toMatchObject({ transitEncryptionEnabled: true, atRestEncryptionEnabled: true, engine: "redis", automaticFailoverEnabled: true });
    expect(isSecretInput(redis.authToken)).toBe(true);
    expect(plain(redis.authToken)).toBe(TOKEN);
    const ingress = one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").inputs;
    expect(ingress).toMatchObject({ fromPort: 6379, toPort: 6379, ipProtocol: "tcp", referencedSecurityGroupId: "credit-online-clients-id" });
  });

  it("exports feature_store.yaml as a secret, pointing at the bucket and at Redis over TLS", async () => {
    expect(await pulumi.isSecret(store.featureStoreYaml)).toBe(true);
    const config = parseRepoConfig(parseYaml(await valueOf(store.featureStoreYaml)), "/repo");
    expect(config.registry.path).toBe("s3://credit-data/registry/registry.pb");
    expect(config.provider).toBe("aws");
    expect(config.onlineStore).toMatchObject({ type: "redis", connectionString: `credit-online.cache.example:6379,ssl=true,password=${TOKEN}`, keyTtlSeconds: 30 * 86_400 });
  });

  it("gives the materialization task only the registry object and the data prefix", () => {
    const task = policyOf("-task");
    expect(task.Statement.map((st: { Sid: string; Action: string[] }) => [st.Sid, st.Action])).toEqual([
      ["Registry", ["s3:GetObject", "s3:PutObject"]], ["OfflineData", ["s3:GetObject"]], ["ListData", ["s3:ListBucket"]],
    ]);
    expect(task.Statement[0].Resource).toMatch(/\/registry\/registry\.pb$/);
    expect(task.Statement[1].Resource).toMatch(/\/data\/\*$/);
    expect(task.Statement[2].Condition).toEqual({ StringLike: { "s3:prefix": ["data/*", "registry/*"] } });
    const execution = policyOf("-execution");
    const wildcard = execution.Statement.filter((s: { Resource: unknown }) => s.Resource === "*").map((s: { Sid: string }) => s.Sid);
    expect(wildcard).toEqual(["PullImage"]);
    const scheduler = policyOf("-scheduler");
    expect(scheduler.Statement.map((s: { Action: string[] }) => s.Action)).toEqual([["ecs:RunTask"], ["iam:PassRole"]]);
    expect(scheduler.Statement[1].Condition).toEqual({ StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } });
  });

  it("schedules `skewless materialize-incremental` on Fargate hourly, the secret coming from Secrets Manager", () => {
    const schedule = one("aws:scheduler/schedule:Schedule").inputs as { scheduleExpression: string; target: { ecsParameters: Record<string, unknown> } };
    expect(schedule.scheduleExpression).toBe("rate(1 hour)");
    expect(schedule.target.ecsParameters).toMatchObject({
      launchType: "FARGATE", networkConfiguration: { subnets: ["subnet-a", "subnet-b"], assignPublicIp: false },
    });
    const [container] = JSON.parse(plain<string>(one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions));
    expect(container.command.join(" ")).toMatch(/skewless -C "\/feature_repo" materialize-incremental/);
    expect(container.secrets).toEqual([{ name: "SKEWLESS_REDIS_CONNECTION", valueFrom: "arn:mock:aws:secretsmanager/secret:Secret:credit-materialize-redis" }]);
    const yaml: string = container.environment[0].value;
    expect(yaml).toContain('connection_string: "${SKEWLESS_REDIS_CONNECTION}"');
    expect(JSON.stringify(container)).not.toContain(TOKEN);
    const secret = one("aws:secretsmanager/secretVersion:SecretVersion").inputs;
    expect(isSecretInput(secret.secretString)).toBe(true);
  });

  it("never puts the token into a registry object or a plain input", () => {
    const leaks = registered.flatMap((r) => Object.entries(r.inputs)
      .filter(([, value]) => !isSecretInput(value) && JSON.stringify(value ?? null).includes(TOKEN))
      .map(([key]) => `${r.type} ${r.name} ${key}`));
    expect(leaks).toEqual([]);
    const carriers = registered.filter((r) => JSON.stringify(r.inputs).includes(TOKEN)).map((r) => r.type).sort();
    expect(carriers).toEqual(["aws:elasticache/replicationGroup:ReplicationGroup", "aws:secretsmanager/secretVersion:SecretVersion"]);
  });
});

describe("FeatureStore on cloud aws with DynamoDB online, under Pulumi's mocks", () => {
  let registered: Registered[];
  let store: FeatureStoreType;
  const { ofType, one } = byType(() => registered);
  const policyOf = (roleSuffix: string) => JSON.parse(plain<string>(ofType("aws:iam/rolePolicy:RolePolicy").find((r) => r.name.endsWith(roleSuffix))!.inputs.policy));
  const TABLES = "arn:aws:dynamodb:eu-west-1:123456789012:table/feature_repo.*";

  beforeAll(async () => {
    registered = await startMocks();
    const { FeatureStore } = await import("../../components/index.js");
    store = await FeatureStore.fromRepo("shop", {
      cloud: "aws",
      repoPath: path.resolve("stacks/feature_repo"),
      aws: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"], onlineStore: "dynamodb", materialization: { image: "registry.example/skewless:1" } },
    });
    await valueOf(store.featureStoreYaml);
    await Promise.all(Object.values(store.objects.featureViews).map((v) => valueOf(v.object.urn)));
    await settle();
  });

  it("runs no ElastiCache and keeps no secret", () => {
    expect(ofType("aws:elasticache/replicationGroup:ReplicationGroup")).toEqual([]);
    expect(ofType("aws:secretsmanager/secret:Secret")).toEqual([]);
    const [container] = JSON.parse(plain<string>(one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions));
    expect(container.secrets).toBeUndefined();
    expect(policyOf("-execution").Statement.map((s: { Sid: string }) => s.Sid)).toEqual(["PullImage", "Logs"]);
  });

  it("exports a plain feature_store.yaml naming DynamoDB in the stack's region, with Feast's table names", async () => {
    expect(await pulumi.isSecret(store.featureStoreYaml)).toBe(false);
    const config = parseRepoConfig(parseYaml(await valueOf(store.featureStoreYaml)), "/repo");
    expect(config.onlineStore).toEqual({
      type: "dynamodb", region: "eu-west-1", endpointUrl: undefined, batchSize: 100, tableNameTemplate: "{project}.{table_name}", consistentReads: false, tags: undefined,
    });
  });

  it("lets the materialization task write, and readers read, this project's tables only", () => {
    const task = policyOf("-task");
    expect(task.Statement.map((st: { Sid: string }) => st.Sid)).toEqual(["Registry", "OfflineData", "ListData", "OnlineTables"]);
    expect(task.Statement[3]).toEqual({
      Sid: "OnlineTables", Effect: "Allow", Action: ["dynamodb:BatchWriteItem", "dynamodb:BatchGetItem", "dynamodb:DescribeTable"], Resource: TABLES,
    });
    const reader = JSON.parse(plain<string>(one("aws:iam/policy:Policy").inputs.policy));
    expect(reader.Statement).toEqual([{ Sid: "ReadFeatures", Effect: "Allow", Action: ["dynamodb:BatchGetItem", "dynamodb:DescribeTable"], Resource: TABLES }]);
    const everything = [task, reader].flatMap((p) => p.Statement).filter((st: { Action: string[] }) => st.Action.some((a) => a.startsWith("dynamodb:")));
    expect(everything.every((st: { Resource: unknown }) => st.Resource === TABLES)).toBe(true);
    expect(everything.flatMap((st: { Action: string[] }) => st.Action)).not.toContain("dynamodb:*");
  });

  it("gives the feature views the DynamoDB store, so `pulumi up` creates and deletes their tables", async () => {
    const views = ofType("pulumi-nodejs:dynamic/skewless:FeatureView");
    expect(views.map((v) => v.inputs.name).sort()).toEqual(Object.keys(store.objects.featureViews).sort());
    for (const v of views) expect(plain(v.inputs.onlineStore)).toEqual({ type: "dynamodb", region: "eu-west-1" });
  });
});
