import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { REGISTRY_KEY } from "../bucket-layout";

export interface AwsDataBucketArgs {
  /** Delete the bucket with its objects on `pulumi destroy` (default false: the registry is precious). */
  forceDestroy?: pulumi.Input<boolean>;
}

/**
 * The S3 bucket holding registry.pb (under `registry/`) and the offline parquet data (under
 * `data/`): private, encrypted, TLS-only, and versioned so any registry version can be restored.
 */
export class AwsDataBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  /** `s3://<bucket>/registry/registry.pb`, feature_store.yaml's `registry.path`. */
  readonly registryUri: pulumi.Output<string>;

  constructor(name: string, args: AwsDataBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:aws:DataBucket", name, {}, opts);
    const parent = { parent: this };
    this.bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy ?? false }, parent);
    const bucket = this.bucket.id;
    new aws.s3.BucketPublicAccessBlock(name, {
      bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    }, parent);
    new aws.s3.BucketOwnershipControls(name, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
    new aws.s3.BucketVersioning(name, { bucket, versioningConfiguration: { status: "Enabled" } }, parent);
    new aws.s3.BucketServerSideEncryptionConfiguration(name, {
      bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }],
    }, parent);
    new aws.s3.BucketPolicy(name, {
      bucket,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{
          Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
          Resource: [this.bucket.arn, pulumi.interpolate`${this.bucket.arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }],
      }),
    }, parent);
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.registryUri = pulumi.interpolate`s3://${this.bucket.bucket}/${REGISTRY_KEY}`;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, registryUri: this.registryUri });
  }
}
