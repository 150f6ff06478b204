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
 * ARNs of this project's tables, and the statements the materialization task (write) and the
 * feature server (read) get. No secret: both authenticate with their IAM task roles.
 */
export class AwsDynamoDbOnlineStore extends pulumi.ComponentResource {
  readonly region: pulumi.Output<string>;
  /** `arn:…:table/<project>.*`: every table of this project, and nothing else. */
  readonly tableArns: pulumi.Output<string>;
  /** The feature server's access: reads of this project's tables. */
  readonly readerStatements: Record<string, pulumi.Input<unknown>>[];
  /** The materialization task's access: writes, and the reads that keep a backfill from replacing newer rows. */
  readonly writerStatements: Record<string, pulumi.Input<unknown>>[];
  /** HTTPS out to the AWS APIs (DynamoDB, S3, logs), for the materialization task and the feature server. */
  readonly clientSecurityGroup: aws.ec2.SecurityGroup;

  constructor(name: string, args: AwsDynamoDbOnlineStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:aws:DynamoDbOnlineStore", name, {}, opts);
    const parent = { parent: this };
    this.region = aws.getRegionOutput({}, parent).region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const partition = aws.getPartitionOutput({}, parent).partition;
    this.tableArns = pulumi.interpolate`arn:${partition}:dynamodb:${this.region}:${account}:table/${args.project}.*`;
    this.readerStatements = [
      { Sid: "ReadOnlineTables", Effect: "Allow", Action: ["dynamodb:BatchGetItem", "dynamodb:DescribeTable"], Resource: this.tableArns },
    ];
    this.writerStatements = [
      { Sid: "OnlineTables", Effect: "Allow", Action: ["dynamodb:BatchWriteItem", "dynamodb:BatchGetItem", "dynamodb:DescribeTable"], Resource: this.tableArns },
    ];
    this.clientSecurityGroup = new aws.ec2.SecurityGroup(`${name}-clients`, {
      vpcId: args.vpcId,
      description: "Skewless online store clients",
      egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "AWS APIs" }],
    }, parent);
    this.registerOutputs({ region: this.region, tableArns: this.tableArns });
  }
}
