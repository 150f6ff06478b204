import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { REGISTRY_KEY } from "../bucket-layout";

export interface GcpDataBucketArgs {
  /** Bucket location, e.g. `EU` or `europe-west1`. */
  location: pulumi.Input<string>;
  /** Delete the bucket with its objects on `pulumi destroy` (default false: the registry is precious). */
  forceDestroy?: pulumi.Input<boolean>;
}

/**
 * The GCS bucket holding registry.pb (under `registry/`) and offline parquet data (under `data/`):
 * uniform access, public access prevented, versioned so any registry version can be restored.
 */
export class GcpDataBucket extends pulumi.ComponentResource {
  readonly bucket: gcp.storage.Bucket;
  readonly bucketName: pulumi.Output<string>;
  /** `gs://<bucket>/registry/registry.pb`, feature_store.yaml's `registry.path`. */
  readonly registryUri: pulumi.Output<string>;

  constructor(name: string, args: GcpDataBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:gcp:DataBucket", name, {}, opts);
    this.bucket = new gcp.storage.Bucket(name, {
      location: args.location,
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: true },
      forceDestroy: args.forceDestroy ?? false,
    }, { parent: this });
    this.bucketName = this.bucket.name;
    this.registryUri = pulumi.interpolate`gs://${this.bucket.name}/${REGISTRY_KEY}`;
    this.registerOutputs({ bucketName: this.bucketName, registryUri: this.registryUri });
  }
}
