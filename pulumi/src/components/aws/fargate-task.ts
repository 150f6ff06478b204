import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_ENV, CONNECTION_ENV } from "../materialization-job";

/** A role trust policy for one AWS service. */
export const assumedBy = (service: string) => pulumi.jsonStringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
});

export interface FargateContainerArgs {
  /** Container name, also the log stream prefix. */
  container: string;
  image: pulumi.Input<string>;
  command: string[];
  /** feature_store.yaml naming the connection string as `${SKEWLESS_REDIS_CONNECTION}`. */
  featureStoreYaml: pulumi.Input<string>;
  /** The Redis connection string: a secret, kept in Secrets Manager and injected by ECS. None for DynamoDB. */
  connectionString?: pulumi.Input<string>;
  cpu?: number;
  memory?: number;
  portMappings?: { containerPort: number; protocol: "tcp" }[];
}

/**
 * What a Skewless Fargate task needs besides its own task role: the connection string in Secrets
 * Manager, a log group, an execution role that may pull the image, write those logs and read that
 * one secret, and the task definition running `command` with feature_store.yaml in its environment.
 */
export function fargateTask(name: string, taskRole: aws.iam.Role, args: FargateContainerArgs, parent: pulumi.Resource): aws.ecs.TaskDefinition {
  const opts = { parent };
  const region = aws.getRegionOutput({}, opts).region;
  const connection = args.connectionString;
  const secret = connection === undefined ? undefined : new aws.secretsmanager.Secret(`${name}-redis`, { description: "Skewless online store connection string" }, opts);
  if (secret) new aws.secretsmanager.SecretVersion(`${name}-redis`, { secretId: secret.id, secretString: pulumi.secret(connection!) }, opts);
  const logs = new aws.cloudwatch.LogGroup(name, { retentionInDays: 30 }, opts);
  const executionRole = new aws.iam.Role(`${name}-execution`, { assumeRolePolicy: assumedBy("ecs-tasks.amazonaws.com") }, opts);
  new aws.iam.RolePolicy(`${name}-execution`, {
    role: executionRole.id,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "PullImage", Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: "*" },
        { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logs.arn}:*` },
        ...(secret ? [{ Sid: "ConnectionString", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secret.arn }] : []),
      ],
    }),
  }, opts);
  return new aws.ecs.TaskDefinition(name, {
    family: `${name}-${args.container}`,
    requiresCompatibilities: ["FARGATE"],
    networkMode: "awsvpc",
    cpu: String(args.cpu ?? 1024),
    memory: String(args.memory ?? 4096),
    taskRoleArn: taskRole.arn,
    executionRoleArn: executionRole.arn,
    containerDefinitions: pulumi.jsonStringify([{
      name: args.container,
      image: args.image,
      essential: true,
      command: args.command,
      environment: [{ name: CONFIG_ENV, value: args.featureStoreYaml }],
      ...(secret ? { secrets: [{ name: CONNECTION_ENV, valueFrom: secret.arn }] } : {}),
      ...(args.portMappings ? { portMappings: args.portMappings } : {}),
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": logs.name, "awslogs-region": region, "awslogs-stream-prefix": args.container },
      },
    }]),
  }, opts);
}
