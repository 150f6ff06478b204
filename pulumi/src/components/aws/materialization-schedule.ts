import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_SCHEDULE, materializeCommand, RECOVERY_DEFAULTS, type MaterializationRecovery } from "../materialization-job";
import { assumedBy, fargateTask } from "./fargate-task";
import { AwsMaterializationAlarms } from "./materialization-alarms";
import { DATA_PREFIX, REGISTRY_KEY, REGISTRY_PREFIX } from "../bucket-layout";

export interface AwsMaterializationScheduleArgs extends MaterializationRecovery {
  /** An image with the `skewless` CLI on its PATH and the feature repo at `repoDir`. */
  image: pulumi.Input<string>;
  repoDir?: string;
  /** EventBridge Scheduler expression; default hourly. */
  schedule?: pulumi.Input<string>;
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The data bucket: read `data/`, read and write `registry/`. */
  bucketArn: pulumi.Input<string>;
  /** feature_store.yaml for the job, naming the connection string as `${SKEWLESS_REDIS_CONNECTION}`. */
  featureStoreYaml: pulumi.Input<string>;
  /** Redis's connection string: a secret, stored in Secrets Manager. None for DynamoDB (the task role gets in). */
  connectionString?: pulumi.Input<string>;
  /** Further task-role statements the online store needs (DynamoDB: its tables). */
  onlineStoreStatements?: Record<string, pulumi.Input<unknown>>[];
  cpu?: number;
  memory?: number;
  /** Where the alarms on failed runs go (SNS topic ARNs...); default: a new SNS topic (`alarms.alarmTopic`). */
  alarmActions?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * `skewless materialize-incremental` on a schedule: EventBridge Scheduler runs a Fargate task. Each
 * role gets only what its step needs: the task reads data and reads/writes registry.pb, the
 * execution role pulls the image, writes logs and reads one secret, the scheduler runs one task
 * (and may drop an event it gave up on into its dead-letter queue). Failed runs raise alarms:
 * see AwsMaterializationAlarms for which signal covers which failure.
 */
export class AwsMaterializationSchedule extends pulumi.ComponentResource {
  readonly taskRole: aws.iam.Role;
  readonly taskDefinition: aws.ecs.TaskDefinition;
  readonly schedule: aws.scheduler.Schedule;
  readonly alarms: AwsMaterializationAlarms;

  constructor(name: string, args: AwsMaterializationScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:aws:MaterializationSchedule", name, {}, opts);
    const parent = { parent: this };
    this.taskRole = new aws.iam.Role(`${name}-task`, { assumeRolePolicy: assumedBy("ecs-tasks.amazonaws.com") }, parent);
    new aws.iam.RolePolicy(`${name}-task`, {
      role: this.taskRole.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "Registry", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: pulumi.interpolate`${args.bucketArn}/${REGISTRY_KEY}` },
          { Sid: "OfflineData", Effect: "Allow", Action: ["s3:GetObject"], Resource: pulumi.interpolate`${args.bucketArn}/${DATA_PREFIX}*` },
          {
            Sid: "ListData", Effect: "Allow", Action: ["s3:ListBucket"], Resource: args.bucketArn,
            Condition: { StringLike: { "s3:prefix": [`${DATA_PREFIX}*`, `${REGISTRY_PREFIX}*`] } },
          },
          ...(args.onlineStoreStatements ?? []),
        ],
      }),
    }, parent);
    const cluster = new aws.ecs.Cluster(name, {}, parent);
    this.taskDefinition = fargateTask(name, this.taskRole, {
      container: "materialize", image: args.image, command: materializeCommand(args.repoDir),
      featureStoreYaml: args.featureStoreYaml, connectionString: args.connectionString, cpu: args.cpu, memory: args.memory,
    }, this);
    this.alarms = new AwsMaterializationAlarms(`${name}-alarms`, {
      clusterArn: cluster.arn, alarmActions: args.alarmActions,
      failuresToAlarm: args.failuresToAlarm, alarmWindowSeconds: args.alarmWindowSeconds,
    }, parent);
    const schedulerRole = new aws.iam.Role(`${name}-scheduler`, { assumeRolePolicy: assumedBy("scheduler.amazonaws.com") }, parent);
    new aws.iam.RolePolicy(`${name}-scheduler`, {
      role: schedulerRole.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "RunTask", Effect: "Allow", Action: ["ecs:RunTask"],
            Resource: [this.taskDefinition.arnWithoutRevision, pulumi.interpolate`${this.taskDefinition.arnWithoutRevision}:*`],
            Condition: { ArnEquals: { "ecs:cluster": cluster.arn } },
          },
          {
            Sid: "PassTaskRoles", Effect: "Allow", Action: ["iam:PassRole"], Resource: [this.taskRole.arn, this.taskDefinition.executionRoleArn],
            Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
          },
          { Sid: "DeadLetter", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: this.alarms.deadLetterQueue.arn },
        ],
      }),
    }, parent);
    this.schedule = new aws.scheduler.Schedule(name, {
      scheduleExpression: args.schedule ?? DEFAULT_SCHEDULE.aws,
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: cluster.arn,
        roleArn: schedulerRole.arn,
        ecsParameters: {
          taskDefinitionArn: this.taskDefinition.arnWithoutRevision,
          launchType: "FARGATE",
          networkConfiguration: { subnets: args.subnetIds, securityGroups: args.securityGroupIds, assignPublicIp: false },
        },
        // Retries the start only (RunTask refused), with exponential backoff; a start still failing
        // after an hour goes to the dead-letter queue (the next run covers the interval it missed).
        retryPolicy: { maximumRetryAttempts: args.retries ?? RECOVERY_DEFAULTS.retries, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: this.alarms.deadLetterQueue.arn },
      },
    }, parent);
    this.registerOutputs({ taskRoleArn: this.taskRole.arn, scheduleArn: this.schedule.arn, deadLetterQueueArn: this.alarms.deadLetterQueue.arn });
  }
}
