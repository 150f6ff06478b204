import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { REGISTRY_PREFIX } from "../bucket-layout";
import {
  CA_ENV, CONFIG_ENV, CONNECTION_ENV, DEFAULT_SCHEDULE, materializeCommand, RECOVERY_DEFAULTS, type MaterializationRecovery,
} from "../materialization-job";

export interface GcpMaterializationScheduleArgs extends MaterializationRecovery {
  /** An image with the `skewless` CLI on its PATH and the feature repo at `repoDir`. */
  image: pulumi.Input<string>;
  repoDir?: string;
  /** Cron, in UTC; default hourly. */
  schedule?: pulumi.Input<string>;
  /** The Google Cloud project (default: the provider's). */
  project?: pulumi.Input<string>;
  region: pulumi.Input<string>;
  /** VPC network and subnetwork for direct VPC egress to Memorystore. */
  network: pulumi.Input<string>;
  subnetwork: pulumi.Input<string>;
  bucketName: pulumi.Input<string>;
  /** feature_store.yaml for the job, naming the connection string as `${SKEWLESS_REDIS_CONNECTION}`. */
  featureStoreYaml: pulumi.Input<string>;
  /** The online store's connection string: a secret, stored in Secret Manager. */
  connectionString: pulumi.Input<string>;
  /** Memorystore's CA certificate (PEM, public), which the job writes to a file for TLS verification. */
  caCertificate?: pulumi.Input<string>;
  /** Cloud Monitoring notification channels (ids) the failed-runs alert notifies; none: the alert still opens incidents. */
  notificationChannels?: pulumi.Input<pulumi.Input<string>[]>;
}

/** The network tag the job's direct VPC egress carries (the Memorystore firewall admits it). */
export const MATERIALIZE_NETWORK_TAG = "skewless-materialize";

/**
 * `skewless materialize-incremental` on a schedule: Cloud Scheduler starts a Cloud Run job. The
 * job's service account reads the bucket, writes only under `registry/` and reads one secret; the
 * scheduler's account can only execute this one job. A failed task is retried by Cloud Run
 * (`retries` times, each attempt from the start: materialization is idempotent); a failed call to
 * start the execution, by Cloud Scheduler with exponential backoff; repeated failed executions
 * raise a Cloud Monitoring alert.
 */
export class GcpMaterializationSchedule extends pulumi.ComponentResource {
  readonly serviceAccount: gcp.serviceaccount.Account;
  readonly job: gcp.cloudrunv2.Job;
  readonly schedule: gcp.cloudscheduler.Job;
  readonly alert: gcp.monitoring.AlertPolicy;

  constructor(name: string, args: GcpMaterializationScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("skewless:gcp:MaterializationSchedule", name, {}, opts);
    const parent = { parent: this };
    const project = args.project ?? gcp.config.project;
    this.serviceAccount = new gcp.serviceaccount.Account(`${name}-job`, { accountId: accountId(name, "job"), displayName: "Skewless materialization" }, parent);
    const jobMember = pulumi.interpolate`serviceAccount:${this.serviceAccount.email}`;
    new gcp.storage.BucketIAMMember(`${name}-read`, { bucket: args.bucketName, role: "roles/storage.objectViewer", member: jobMember }, parent);
    new gcp.storage.BucketIAMMember(`${name}-registry`, {
      bucket: args.bucketName, role: "roles/storage.objectUser", member: jobMember,
      condition: {
        title: "registry-only",
        description: "write registry.pb, nothing else",
        expression: pulumi.interpolate`resource.name.startsWith("projects/_/buckets/${args.bucketName}/objects/${REGISTRY_PREFIX}")`,
      },
    }, parent);

    const secret = new gcp.secretmanager.Secret(`${name}-redis`, { secretId: `${name}-redis`, replication: { auto: {} } }, parent);
    new gcp.secretmanager.SecretVersion(`${name}-redis`, { secret: secret.id, secretData: pulumi.secret(args.connectionString) }, parent);
    new gcp.secretmanager.SecretIamMember(`${name}-redis`, { secretId: secret.id, role: "roles/secretmanager.secretAccessor", member: jobMember }, parent);

    const [command, ...commandArgs] = materializeCommand(args.repoDir);
    this.job = new gcp.cloudrunv2.Job(name, {
      location: args.region,
      deletionProtection: false,
      template: {
        template: {
          serviceAccount: this.serviceAccount.email,
          maxRetries: args.retries ?? RECOVERY_DEFAULTS.retries,
          timeout: "3600s",
          vpcAccess: { networkInterfaces: [{ network: args.network, subnetwork: args.subnetwork, tags: [MATERIALIZE_NETWORK_TAG] }], egress: "PRIVATE_RANGES_ONLY" },
          containers: [{
            image: args.image,
            commands: [command],
            args: commandArgs,
            envs: [
              { name: CONFIG_ENV, value: args.featureStoreYaml },
              { name: CONNECTION_ENV, valueSource: { secretKeyRef: { secret: secret.secretId, version: "latest" } } },
              ...(args.caCertificate ? [{ name: CA_ENV, value: args.caCertificate }] : []),
            ],
          }],
        },
      },
    }, parent);

    const scheduler = new gcp.serviceaccount.Account(`${name}-scheduler`, { accountId: accountId(name, "sched"), displayName: "Skewless materialization scheduler" }, parent);
    new gcp.cloudrunv2.JobIamMember(`${name}-scheduler`, {
      name: this.job.name, location: args.region, role: "roles/run.jobsExecutor",
      member: pulumi.interpolate`serviceAccount:${scheduler.email}`,
    }, parent);
    this.schedule = new gcp.cloudscheduler.Job(name, {
      region: args.region,
      schedule: args.schedule ?? DEFAULT_SCHEDULE.gcp,
      timeZone: "Etc/UTC",
      httpTarget: {
        httpMethod: "POST",
        uri: pulumi.interpolate`https://run.googleapis.com/v2/projects/${project}/locations/${args.region}/jobs/${this.job.name}:run`,
        oauthToken: { serviceAccountEmail: scheduler.email },
      },
      // The call that starts the execution, when Cloud Run refuses or times out: retried with backoff.
      retryConfig: { retryCount: 3, minBackoffDuration: "30s", maxBackoffDuration: "600s", maxDoublings: 3 },
    }, parent);
    const failuresToAlarm = args.failuresToAlarm ?? RECOVERY_DEFAULTS.failuresToAlarm;
    const window = args.alarmWindowSeconds ?? RECOVERY_DEFAULTS.alarmWindowSeconds;
    // An execution counts as failed once Cloud Run's own retries are used up.
    this.alert = new gcp.monitoring.AlertPolicy(`${name}-failing`, {
      project,
      displayName: pulumi.interpolate`Skewless materialization ${this.job.name} failing`,
      combiner: "OR",
      conditions: [{
        displayName: `${failuresToAlarm} or more failed executions within ${window / 3600} h`,
        conditionThreshold: {
          filter: pulumi.interpolate`resource.type = "cloud_run_job" AND resource.labels.job_name = "${this.job.name}" AND metric.type = "run.googleapis.com/job/completed_execution_count" AND metric.labels.result = "failed"`,
          aggregations: [{ alignmentPeriod: `${window}s`, perSeriesAligner: "ALIGN_SUM" }],
          comparison: "COMPARISON_GT",
          thresholdValue: failuresToAlarm - 1,
          duration: "0s",
        },
      }],
      notificationChannels: args.notificationChannels ?? [],
      documentation: { content: "materialize-incremental failed repeatedly: see the job's executions and logs in Cloud Run.", mimeType: "text/markdown" },
    }, parent);
    this.registerOutputs({ serviceAccount: this.serviceAccount.email, job: this.job.name });
  }
}

/** A service account id (6 to 30 of `a-z0-9-`, starting with a letter) derived from the component name. */
export function accountId(name: string, suffix: string): string {
  const base = name.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/^[^a-z]+/, "") || "skewless";
  return `${base.slice(0, 29 - suffix.length)}-${suffix}`.replace(/-+/g, "-").padEnd(6, "0");
}
