import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AwsDynamoDbOnlineStoreArgs {
  /** The feature store's project: its tables are `<project>.<view>` (Feast's default table_name_template). */
  project: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
}

/**
 * DynamoDB as the online store. The tables themselves follow the registry: `apply` (and the
 * registry objects of this stack, on `pulumi up`) creates one per feature view and deletes those
 * of removed views, as Feast's DynamoDB store does. This component scopes access to them: the
 * ARNs of this project's tables, a policy for readers, and the statements the materialization
 * task gets. No secret: callers authenticate with their IAM role.
 */
export class AwsDynamoDbOnlineStore extends pulumi.ComponentResource {
  readonly region: pulumi.Output<string>;
  /** `arn:…:table/<project>.*`: every table of this project, and nothing else. */
  readonly tableArns: pulumi.Output<string>;
  /** Attach to the roles of apps that read features (BatchGetItem on this project's tables). */
  readonly readerPolicy: aws.iam.Policy;
  /** The materialization task's access: writes, and the reads that keep a backfill from replacing newer rows. */
  readonly writerStatements: Record<string, pulumi.Input<unknown>>[];
  /** HTTPS out to the AWS APIs (DynamoDB, S3, Secrets Manager, logs), for the task and apps. */
  readonly clientSecurityGroup: aws.ec2.SecurityGroup;

  constructor(name: string, args: AwsDynamoDbOnlineStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:aws:DynamoDbOnlineStore", name, {}, opts);
    const parent = { parent: this };
    this.region = aws.getRegionOutput({}, parent).region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const partition = aws.getPartitionOutput({}, parent).partition;
    this.tableArns = pulumi.interpolate`arn:${partition}:dynamodb:${this.region}:${account}:table/${args.project}.*`;
    this.readerPolicy = new aws.iam.Policy(`${name}-read`, {
      description: "Read the Skewless online store's DynamoDB tables",
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "ReadFeatures", Effect: "Allow", Action: ["dynamodb:BatchGetItem", "dynamodb:DescribeTable"], Resource: this.tableArns }],
      }),
    }, parent);
    this.writerStatements = [
      { Sid: "OnlineTables", Effect: "Allow", Action: ["dynamodb:BatchWriteItem", "dynamodb:BatchGetItem", "dynamodb:DescribeTable"], Resource: this.tableArns },
    ];
    this.clientSecurityGroup = new aws.ec2.SecurityGroup(`${name}-clients`, {
      vpcId: args.vpcId,
      description: "Skewless online store clients",
      egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "AWS APIs" }],
    }, parent);
    this.registerOutputs({ region: this.region, tableArns: this.tableArns, readerPolicyArn: this.readerPolicy.arn });
  }
}
