import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RECOVERY_DEFAULTS, type MaterializationRecovery } from "../materialization-job";

export interface AwsMaterializationAlarmArgs extends MaterializationRecovery {
  /** The cluster the scheduled task runs in (the schedule's own: every task stopping in it is a run). */
  clusterArn: pulumi.Input<string>;
  /** Where alarms go (SNS topic ARNs...); default: a new encrypted SNS topic, `alarmTopic`. */
  alarmActions?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * The two ways a scheduled run fails on AWS, each with its own signal:
 * - EventBridge Scheduler cannot start the task (RunTask refused: capacity, throttling, a bad
 *   role): its retry policy retries the start with exponential backoff, then hands the event to
 *   the dead-letter queue, and any message there raises an alarm.
 * - The task starts and fails (a non-zero exit, or stopped before its container ran): Scheduler's
 *   retries never see it, since they cover only the start. ECS reports it as a task state change:
 *   a rule keeps those events in a log group, and `failuresToAlarm` of them within the window
 *   raise the other alarm.
 */
export class AwsMaterializationAlarms extends pulumi.ComponentResource {
  readonly deadLetterQueue: aws.sqs.Queue;
  readonly failedTasks: aws.cloudwatch.EventRule;
  readonly alarms: aws.cloudwatch.MetricAlarm[];
  /** The topic the alarms notify, when no `alarmActions` were given: subscribe to it. */
  readonly alarmTopic?: aws.sns.Topic;

  constructor(name: string, args: AwsMaterializationAlarmArgs, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:aws:MaterializationAlarms", name, {}, opts);
    const parent = { parent: this };
    const failuresToAlarm = args.failuresToAlarm ?? RECOVERY_DEFAULTS.failuresToAlarm;
    const window = args.alarmWindowSeconds ?? RECOVERY_DEFAULTS.alarmWindowSeconds;
    if (!args.alarmActions) this.alarmTopic = new aws.sns.Topic(`${name}-alarms`, { kmsMasterKeyId: "alias/aws/sns" }, parent);
    const alarmActions = args.alarmActions ?? [this.alarmTopic!.arn];

    this.deadLetterQueue = new aws.sqs.Queue(`${name}-dlq`, { sqsManagedSseEnabled: true, messageRetentionSeconds: 14 * 86400 }, parent);

    this.failedTasks = new aws.cloudwatch.EventRule(`${name}-failed`, {
      description: "A scheduled materialization task stopped without succeeding",
      eventPattern: pulumi.jsonStringify({
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: {
          clusterArn: [args.clusterArn],
          lastStatus: ["STOPPED"],
          $or: [{ stopCode: ["TaskFailedToStart"] }, { containers: { exitCode: [{ "anything-but": 0 }] } }],
        },
      }),
    }, parent);
    // The failed runs' events (stoppedReason, exit codes), kept for whoever answers the alarm.
    const failures = new aws.cloudwatch.LogGroup(`${name}-failed`, { namePrefix: "/aws/events/skewless-materialize-failed-", retentionInDays: 30 }, parent);
    new aws.cloudwatch.LogResourcePolicy(`${name}-failed`, {
      policyName: pulumi.interpolate`${failures.name}-events`,
      policyDocument: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{
          Effect: "Allow", Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${failures.arn}:*`,
        }],
      }),
    }, parent);
    new aws.cloudwatch.EventTarget(`${name}-failed`, { rule: this.failedTasks.name, arn: failures.arn }, parent);

    this.alarms = [
      new aws.cloudwatch.MetricAlarm(`${name}-not-started`, {
        alarmDescription: "EventBridge Scheduler gave up starting the materialization task (see the dead-letter queue)",
        namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: this.deadLetterQueue.name },
        statistic: "Maximum", period: 300, evaluationPeriods: 1, threshold: 0, comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching", alarmActions,
      }, parent),
      new aws.cloudwatch.MetricAlarm(`${name}-failing`, {
        alarmDescription: `${failuresToAlarm} or more materialization runs failed within ${window / 3600} h`,
        namespace: "AWS/Events", metricName: "TriggeredRules", dimensions: { RuleName: this.failedTasks.name },
        statistic: "Sum", period: window, evaluationPeriods: 1, threshold: failuresToAlarm, comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching", alarmActions,
      }, parent),
    ];
    this.registerOutputs({ deadLetterQueueArn: this.deadLetterQueue.arn, alarmTopicArn: this.alarmTopic?.arn });
  }
}
