import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { FeatureStore as FeatureStoreType } from "../../pulumi/src/components";
import { parseRepoConfig } from "../../runtime/src/config";
import { byType, isSecretInput, plain, settle, startMocks, valueOf, type Registered } from "../helpers/pulumi-mocks";

const TOKEN = "correct-horse-battery-staple-42";
const SERVER_PASSWORD = "read-only-server-password-77";
const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/abc";
const DLQ = "credit-materialize-alarms-dlq";

describe("FeatureStore on cloud aws, under Pulumi's mocks", () => {
  let registered: Registered[];
  let store: FeatureStoreType;
  const { ofType, one } = byType(() => registered);
  const policyOf = (roleSuffix: string) => JSON.parse(plain<string>(ofType("aws:iam/rolePolicy:RolePolicy").find((r) => r.name.endsWith(roleSuffix))!.inputs.policy));

  beforeAll(async () => {
    registered = await startMocks();
    const { FeatureStore } = await import("../../pulumi/src/components/index.js");
    store = await FeatureStore.fromRepo("credit", {
      cloud: "aws",
      repoPath: path.resolve("stacks/feature_repo"),
      aws: {
        vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"], redisAuthToken: pulumi.secret(TOKEN),
        redisServerPassword: pulumi.secret(SERVER_PASSWORD),
        materialization: { image: "registry.example/skewless:1" },
        featureServer: { certificateArn: CERT, auth: { discoveryUrl: "https://idp.example/.well-known/openid-configuration", clientId: "feast" } },
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

  it("runs Redis with TLS, encryption at rest and two RBAC users: the materializer read-write, the server read-only", () => {
    const redis = one("aws:elasticache/replicationGroup:ReplicationGroup").inputs;
    expect(redis).toMatchObject({ transitEncryptionEnabled: true, atRestEncryptionEnabled: true, engine: "redis", automaticFailoverEnabled: true, userGroupIds: ["credit-online"] });
    expect(redis.authToken).toBeUndefined();
    const users = Object.fromEntries(ofType("aws:elasticache/user:User").map((u) => [u.inputs.userName as string, u.inputs]));
    expect(Object.keys(users).sort()).toEqual(["default", "skewless-materializer", "skewless-server"]);
    expect(users.default.accessString).toBe("off -@all");
    expect(users["skewless-server"].accessString).toMatch(/^on ~\* resetchannels -@all .*\+@read/);
    expect(users["skewless-server"].accessString).not.toMatch(/@write|@admin|@dangerous/);
    expect(users["skewless-materializer"].accessString).toMatch(/\+@write/);
    for (const [name, password] of [["skewless-server", SERVER_PASSWORD], ["skewless-materializer", TOKEN]]) {
      expect(isSecretInput(users[name].authenticationMode)).toBe(true);
      expect(plain<{ type: string; passwords: string[] }>(users[name].authenticationMode)).toEqual({ type: "password", passwords: [password] });
    }
    expect(one("aws:elasticache/userGroup:UserGroup").inputs.userIds).toEqual(["credit-online-default", "credit-online-materializer", "credit-online-server"]);
    const redisIngress = ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.fromPort === 6379);
    expect(redisIngress.map((r) => r.inputs.referencedSecurityGroupId).sort()).toEqual(["credit-online-materializer-id", "credit-online-server-id"]);
  });

  it("exports a feature_store.yaml with no credential in it, and the feature server's URL", async () => {
    expect(await pulumi.isSecret(store.featureStoreYaml)).toBe(false);
    const yaml = await valueOf(store.featureStoreYaml);
    expect(yaml).not.toContain(TOKEN);
    expect(yaml).not.toContain(SERVER_PASSWORD);
    const config = parseRepoConfig(parseYaml(yaml), "/repo");
    expect(config.registry.path).toBe("s3://credit-data/registry/registry.pb");
    expect(config.provider).toBe("aws");
    expect(config.onlineStore).toMatchObject({ type: "redis", connectionString: "${SKEWLESS_REDIS_CONNECTION}", keyTtlSeconds: 30 * 86_400 });
    expect(await valueOf(store.deployment.featureServerUrl!)).toMatch(/^https:\/\//);
  });

  it("runs skewless serve behind an internal HTTPS load balancer that only the apps group reaches, as the read-only Redis user", async () => {
    expect(one("aws:lb/loadBalancer:LoadBalancer").inputs).toMatchObject({ internal: true, loadBalancerType: "application", securityGroups: ["credit-serve-lb-id"] });
    expect(one("aws:lb/listener:Listener").inputs).toMatchObject({ port: 443, protocol: "HTTPS", certificateArn: CERT, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
    expect(one("aws:lb/targetGroup:TargetGroup").inputs).toMatchObject({ port: 6566, targetType: "ip", healthCheck: { path: "/health" } });
    const ingress = ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    expect(ingress.filter((r) => r.inputs.securityGroupId === "credit-serve-lb-id").map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort]))
      .toEqual([["credit-serve-apps-id", 443]]);
    expect(ingress.some((r) => r.inputs.referencedSecurityGroupId === "credit-serve-apps-id" && r.inputs.fromPort === 6379)).toBe(false);
    const service = one("aws:ecs/service:Service").inputs as { networkConfiguration: { securityGroups: string[]; assignPublicIp: boolean } };
    expect(service.networkConfiguration).toMatchObject({ securityGroups: ["credit-serve-tasks-id", "credit-online-server-id"], assignPublicIp: false });
    const definitions = ofType("aws:ecs/taskDefinition:TaskDefinition").map((t) => JSON.parse(plain<string>(t.inputs.containerDefinitions))[0]);
    const serve = definitions.find((c: { name: string }) => c.name === "serve");
    expect(serve.command.join(" ")).toMatch(/skewless -C "\/feature_repo" serve --host 0.0.0.0 --port 6566/);
    const serverYaml = parseRepoConfig(parseYaml(serve.environment[0].value), "/repo");
    expect(serverYaml.auth).toMatchObject({ type: "oidc", authDiscoveryUrl: "https://idp.example/.well-known/openid-configuration", clientId: "feast" });
    const secrets = ofType("aws:secretsmanager/secretVersion:SecretVersion").map((v) => plain<string>(v.inputs.secretString));
    expect(secrets.sort()).toEqual([
      `credit-online.cache.example:6379,ssl=true,username=skewless-materializer,password=${TOKEN}`,
      `credit-online.cache.example:6379,ssl=true,username=skewless-server,password=${SERVER_PASSWORD}`,
    ]);
    expect(policyOf("serve-task").Statement).toEqual([
      { Sid: "Registry", Effect: "Allow", Action: ["s3:GetObject"], Resource: expect.stringMatching(/\/registry\/registry\.pb$/) },
    ]);
  });

  it("gives the materialization task only the registry object and the data prefix", () => {
    const task = policyOf("materialize-task");
    expect(task.Statement.map((st: { Sid: string; Action: string[] }) => [st.Sid, st.Action])).toEqual([
      ["Registry", ["s3:GetObject", "s3:PutObject"]], ["OfflineData", ["s3:GetObject"]], ["ListData", ["s3:ListBucket"]],
    ]);
    expect(task.Statement[0].Resource).toMatch(/\/registry\/registry\.pb$/);
    expect(task.Statement[1].Resource).toMatch(/\/data\/\*$/);
    expect(task.Statement[2].Condition).toEqual({ StringLike: { "s3:prefix": ["data/*", "registry/*"] } });
    const execution = policyOf("materialize-execution");
    const wildcard = execution.Statement.filter((s: { Resource: unknown }) => s.Resource === "*").map((s: { Sid: string }) => s.Sid);
    expect(wildcard).toEqual(["PullImage"]);
    const scheduler = policyOf("-scheduler");
    expect(scheduler.Statement.map((s: { Action: string[] }) => s.Action)).toEqual([["ecs:RunTask"], ["iam:PassRole"], ["sqs:SendMessage"]]);
    expect(scheduler.Statement[1].Condition).toEqual({ StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } });
    // The scheduler may drop an event it gave up on into its own dead-letter queue, and nowhere else.
    expect(scheduler.Statement[2].Resource).toBe(`arn:mock:aws:sqs/queue:Queue:${DLQ}`);
  });

  it("retries a refused start with backoff, then dead-letters it, and alarms on either kind of failed run", () => {
    const schedule = one("aws:scheduler/schedule:Schedule").inputs as { target: { retryPolicy: unknown; deadLetterConfig: unknown } };
    expect(schedule.target.retryPolicy).toEqual({ maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 });
    expect(schedule.target.deadLetterConfig).toEqual({ arn: `arn:mock:aws:sqs/queue:Queue:${DLQ}` });
    expect(one("aws:sqs/queue:Queue").inputs).toMatchObject({ sqsManagedSseEnabled: true });

    // Scheduler's retries cover only RunTask: a task that starts and fails is caught from ECS's events.
    const rule = one("aws:cloudwatch/eventRule:EventRule").inputs;
    expect(JSON.parse(plain<string>(rule.eventPattern))).toEqual({
      source: ["aws.ecs"], "detail-type": ["ECS Task State Change"],
      detail: {
        clusterArn: ["arn:mock:aws:ecs/cluster:Cluster:credit-materialize"], lastStatus: ["STOPPED"],
        $or: [{ stopCode: ["TaskFailedToStart"] }, { containers: { exitCode: [{ "anything-but": 0 }] } }],
      },
    });
    const target = one("aws:cloudwatch/eventTarget:EventTarget").inputs;
    expect(target.arn).toMatch(/^arn:mock:aws:cloudwatch\/logGroup:LogGroup:credit-materialize-alarms-failed$/);
    const logsPolicy = JSON.parse(plain<string>(one("aws:cloudwatch/logResourcePolicy:LogResourcePolicy").inputs.policyDocument));
    expect(logsPolicy.Statement).toEqual([expect.objectContaining({
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "arn:mock:aws:cloudwatch/logGroup:LogGroup:credit-materialize-alarms-failed:*",
    })]);

    const topic = "arn:mock:aws:sns/topic:Topic:credit-materialize-alarms-alarms";
    expect(one("aws:sns/topic:Topic").inputs).toMatchObject({ kmsMasterKeyId: "alias/aws/sns" });
    const alarms = ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.inputs);
    expect(alarms.map((a) => [a.namespace, a.metricName, a.dimensions, a.threshold, a.comparisonOperator, a.alarmActions])).toEqual([
      ["AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: DLQ }, 0, "GreaterThanThreshold", [topic]],
      ["AWS/Events", "TriggeredRules", { RuleName: "credit-materialize-alarms-failed" }, 2, "GreaterThanOrEqualToThreshold", [topic]],
    ]);
    expect(alarms[1]).toMatchObject({ statistic: "Sum", period: 10800, evaluationPeriods: 1, treatMissingData: "notBreaching" });
  });

  it("schedules `skewless materialize-incremental` on Fargate hourly, the secret coming from Secrets Manager", () => {
    const schedule = one("aws:scheduler/schedule:Schedule").inputs as { scheduleExpression: string; target: { ecsParameters: Record<string, unknown> } };
    expect(schedule.scheduleExpression).toBe("rate(1 hour)");
    expect(schedule.target.ecsParameters).toMatchObject({
      launchType: "FARGATE", networkConfiguration: { subnets: ["subnet-a", "subnet-b"], assignPublicIp: false },
    });
    const container = ofType("aws:ecs/taskDefinition:TaskDefinition").map((t) => JSON.parse(plain<string>(t.inputs.containerDefinitions))[0]).find((c: { name: string }) => c.name === "materialize");
    expect(container.command.join(" ")).toMatch(/skewless -C "\/feature_repo" materialize-incremental/);
    expect(container.secrets).toEqual([{ name: "SKEWLESS_REDIS_CONNECTION", valueFrom: "arn:mock:aws:secretsmanager/secret:Secret:credit-materialize-redis" }]);
    const yaml: string = container.environment[0].value;
    expect(yaml).toContain('connection_string: "${SKEWLESS_REDIS_CONNECTION}"');
    expect(JSON.stringify(container)).not.toContain(TOKEN);
    expect(ofType("aws:secretsmanager/secretVersion:SecretVersion").every((v) => isSecretInput(v.inputs.secretString))).toBe(true);
  });

  it("never puts the token into a registry object or a plain input", () => {
    const leaks = registered.flatMap((r) => Object.entries(r.inputs)
      .filter(([, value]) => !isSecretInput(value) && [TOKEN, SERVER_PASSWORD].some((t) => JSON.stringify(value ?? null).includes(t)))
      .map(([key]) => `${r.type} ${r.name} ${key}`));
    expect(leaks).toEqual([]);
    const carriers = registered.filter((r) => JSON.stringify(r.inputs).includes(TOKEN)).map((r) => r.type).sort();
    expect(carriers).toEqual(["aws:elasticache/user:User", "aws:secretsmanager/secretVersion:SecretVersion"]);
  });
});

describe("FeatureStore on cloud aws with DynamoDB online, under Pulumi's mocks", () => {
  let registered: Registered[];
  let store: FeatureStoreType;
  const { ofType } = byType(() => registered);
  const policyOf = (roleSuffix: string) => JSON.parse(plain<string>(ofType("aws:iam/rolePolicy:RolePolicy").find((r) => r.name.endsWith(roleSuffix))!.inputs.policy));
  const TABLES = "arn:aws:dynamodb:eu-west-1:123456789012:table/feature_repo.*";

  beforeAll(async () => {
    registered = await startMocks();
    const { FeatureStore } = await import("../../pulumi/src/components/index.js");
    store = await FeatureStore.fromRepo("shop", {
      cloud: "aws",
      repoPath: path.resolve("stacks/feature_repo"),
      aws: {
        vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"], onlineStore: "dynamodb",
        materialization: { image: "registry.example/skewless:1" }, featureServer: { certificateArn: CERT },
      },
    });
    await valueOf(store.featureStoreYaml);
    await Promise.all(Object.values(store.objects.featureViews).map((v) => valueOf(v.object.urn)));
    await settle();
  });

  it("runs no ElastiCache and keeps no secret: neither task gets a connection string", () => {
    expect(ofType("aws:elasticache/replicationGroup:ReplicationGroup")).toEqual([]);
    expect(ofType("aws:secretsmanager/secret:Secret")).toEqual([]);
    const tasks = ofType("aws:ecs/taskDefinition:TaskDefinition");
    expect(tasks.map((t) => JSON.parse(plain<string>(t.inputs.containerDefinitions))[0].name).sort()).toEqual(["materialize", "serve"]);
    for (const t of tasks) expect(JSON.parse(plain<string>(t.inputs.containerDefinitions))[0].secrets).toBeUndefined();
    for (const role of ["-materialize-execution", "-serve-execution"]) expect(policyOf(role).Statement.map((s: { Sid: string }) => s.Sid)).toEqual(["PullImage", "Logs"]);
  });

  it("exports a plain feature_store.yaml naming DynamoDB in the stack's region, with Feast's table names", async () => {
    expect(await pulumi.isSecret(store.featureStoreYaml)).toBe(false);
    const config = parseRepoConfig(parseYaml(await valueOf(store.featureStoreYaml)), "/repo");
    expect(config.onlineStore).toEqual({
      type: "dynamodb", region: "eu-west-1", endpointUrl: undefined, batchSize: 100, tableNameTemplate: "{project}.{table_name}", consistentReads: false, tags: undefined,
    });
  });

  it("lets the materialization task write, and the feature server read, this project's tables only", () => {
    const task = policyOf("-materialize-task");
    expect(task.Statement.map((st: { Sid: string }) => st.Sid)).toEqual(["Registry", "OfflineData", "ListData", "OnlineTables"]);
    expect(task.Statement[3]).toEqual({
      Sid: "OnlineTables", Effect: "Allow", Action: ["dynamodb:BatchWriteItem", "dynamodb:BatchGetItem", "dynamodb:DescribeTable"], Resource: TABLES,
    });
    const reader = policyOf("-serve-task");
    expect(reader.Statement.map((st: { Sid: string }) => st.Sid)).toEqual(["Registry", "ReadOnlineTables"]);
    expect(reader.Statement[1]).toEqual({ Sid: "ReadOnlineTables", Effect: "Allow", Action: ["dynamodb:BatchGetItem", "dynamodb:DescribeTable"], Resource: TABLES });
    const policies = ofType("aws:iam/rolePolicy:RolePolicy").map((p) => JSON.parse(plain<string>(p.inputs.policy)));
    const everything = policies.flatMap((p) => p.Statement).filter((st: { Action: string[] }) => st.Action.some((a) => a.startsWith("dynamodb:")));
    expect(everything.every((st: { Resource: unknown }) => st.Resource === TABLES)).toBe(true);
    expect(everything.flatMap((st: { Action: string[] }) => st.Action)).not.toContain("dynamodb:*");
  });

  it("gives the feature views the DynamoDB store, so `pulumi up` creates and deletes their tables", async () => {
    const views = ofType("pulumi-nodejs:dynamic/skewless:FeatureView");
    expect(views.map((v) => v.inputs.name).sort()).toEqual(Object.keys(store.objects.featureViews).sort());
    for (const v of views) expect(plain(v.inputs.onlineStore)).toEqual({ type: "dynamodb", region: "eu-west-1" });
  });
});
