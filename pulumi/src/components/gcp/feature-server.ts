import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { REGISTRY_KEY } from "../bucket-layout";
import { CA_ENV, CONFIG_ENV, CONNECTION_ENV, SERVE_PORT, serveCommand } from "../materialization-job";
import { accountId } from "./materialization-schedule";

/** The network tag Cloud Run's direct VPC egress gives the feature server (firewall rules key on it). */
export const SERVE_NETWORK_TAG = "skewless-serve";

export interface GcpFeatureServerArgs {
  image: pulumi.Input<string>;
  repoDir?: string;
  region: pulumi.Input<string>;
  network: pulumi.Input<string>;
  subnetwork: pulumi.Input<string>;
  bucketName: pulumi.Input<string>;
  /** feature_store.yaml naming the connection string as `${SKEWLESS_REDIS_CONNECTION}`. */
  featureStoreYaml: pulumi.Input<string>;
  /** The online store's connection string (a secret, kept in Secret Manager). */
  connectionString: pulumi.Input<string>;
  /** Memorystore's CA certificate (PEM, public), written to a file so the server verifies Redis's TLS. */
  caCertificate?: pulumi.Input<string>;
  /** IAM members allowed to call the service (`serviceAccount:app@...`): nobody else can. */
  invokers: pulumi.Input<string>[];
}

/**
 * `skewless serve` as a Cloud Run service: HTTPS only (Cloud Run's TLS), internal ingress, IAM
 * invoker required (only `invokers` may call it), its own service account that may read
 * registry.pb and one secret, direct VPC egress tagged SERVE_NETWORK_TAG so the firewall lets it,
 * and the materialization job, reach Memorystore. Apps get the URL, never the Redis AUTH string.
 */
export class GcpFeatureServer extends pulumi.ComponentResource {
  readonly serviceAccount: gcp.serviceaccount.Account;
  readonly service: gcp.cloudrunv2.Service;
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: GcpFeatureServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:gcp:FeatureServer", name, {}, opts);
    const parent = { parent: this };
    this.serviceAccount = new gcp.serviceaccount.Account(`${name}-sa`, { accountId: accountId(name, "serve"), displayName: "Skewless feature server" }, parent);
    const member = pulumi.interpolate`serviceAccount:${this.serviceAccount.email}`;
    new gcp.storage.BucketIAMMember(`${name}-registry`, {
      bucket: args.bucketName, role: "roles/storage.objectViewer", member,
      condition: {
        title: "registry-read-only", description: "read registry.pb, nothing else",
        expression: pulumi.interpolate`resource.name == "projects/_/buckets/${args.bucketName}/objects/${REGISTRY_KEY}"`,
      },
    }, parent);
    const secret = new gcp.secretmanager.Secret(`${name}-redis`, { secretId: `${name}-redis`, replication: { auto: {} } }, parent);
    new gcp.secretmanager.SecretVersion(`${name}-redis`, { secret: secret.id, secretData: pulumi.secret(args.connectionString) }, parent);
    const access = new gcp.secretmanager.SecretIamMember(`${name}-redis`, { secretId: secret.id, role: "roles/secretmanager.secretAccessor", member }, parent);

    const [command, ...commandArgs] = serveCommand(args.repoDir);
    this.service = new gcp.cloudrunv2.Service(name, {
      location: args.region,
      deletionProtection: false,
      ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY",
      invokerIamDisabled: false,
      template: {
        serviceAccount: this.serviceAccount.email,
        vpcAccess: { networkInterfaces: [{ network: args.network, subnetwork: args.subnetwork, tags: [SERVE_NETWORK_TAG] }], egress: "PRIVATE_RANGES_ONLY" },
        containers: [{
          image: args.image,
          commands: [command],
          args: commandArgs,
          ports: { containerPort: SERVE_PORT },
          envs: [
            { name: CONFIG_ENV, value: args.featureStoreYaml },
            { name: CONNECTION_ENV, valueSource: { secretKeyRef: { secret: secret.secretId, version: "latest" } } },
            ...(args.caCertificate ? [{ name: CA_ENV, value: args.caCertificate }] : []),
          ],
          startupProbe: { httpGet: { path: "/health" } },
        }],
      },
    }, { parent: this, dependsOn: [access] });
    args.invokers.forEach((invoker, i) => new gcp.cloudrunv2.ServiceIamMember(`${name}-invoker-${i}`, {
      name: this.service.name, location: args.region, role: "roles/run.invoker", member: invoker,
    }, parent));
    this.url = this.service.uri;
    this.registerOutputs({ url: this.url, serviceAccount: this.serviceAccount.email });
  }
}
