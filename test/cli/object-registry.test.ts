import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Storage } from "@google-cloud/storage";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeRegistry } from "../../runtime/src/registry/integrity";
import { setEnv } from "../helpers/env";
import { ensureEmulators, startGcsServer, startS3Server, type LocalServer } from "../helpers/emulators";
import { skewless } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";

const BUCKET = "skewless-cli";
// This process's own clients (bucket setup) must not look for Google credentials or metadata servers either.
setEnv({ METADATA_SERVER_DETECTION: "none", GOOGLE_APPLICATION_CREDENTIALS: undefined, AWS_EC2_METADATA_DISABLED: "true" });

describe("skewless apply and plan on s3:// and gs:// registries", () => {
  const root = tempDir();
  const repo = path.join(root, "demo");
  let s3: LocalServer;
  let gcs: LocalServer;
  // What the CLI process sees: credentials and endpoints from the environment only, nothing off loopback.
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    await ensureEmulators();
    [s3, gcs] = await Promise.all([startS3Server(), startGcsServer()]);
    env = {
      AWS_ACCESS_KEY_ID: "AKIATESTSKEWLESS", AWS_SECRET_ACCESS_KEY: "test-secret", AWS_REGION: "us-east-1",
      AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: "/nonexistent/aws-config", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
      FEAST_S3_ENDPOINT_URL: s3.endpoint, STORAGE_EMULATOR_HOST: gcs.endpoint, METADATA_SERVER_DETECTION: "none",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
    await new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } })
      .send(new CreateBucketCommand({ Bucket: BUCKET }));
    const storage = new Storage({ apiEndpoint: gcs.endpoint, projectId: "test" });
    storage.baseUrl = `${gcs.endpoint}/storage/v1`;
    await storage.createBucket(BUCKET);
    const init = await skewless(["init", "demo", "--users", "20", "--days", "1"], root);
    expect(init.code, init.stderr).toBe(0);
  }, 15 * 60_000);
  afterAll(async () => Promise.all([s3?.stop(), gcs?.stop()]));

  async function useRegistry(uri: string): Promise<void> {
    const file = path.join(repo, "feature_store.yaml");
    const yaml = await fs.readFile(file, "utf8");
    await fs.writeFile(file, yaml.replace(/^registry: .*$/m, `registry: ${uri}`));
  }

  it.each([
    ["s3", `s3://${BUCKET}/demo/registry.pb`],
    ["gs", `gs://${BUCKET}/demo/registry.pb`],
  ])("%s: apply writes the registry object, after which plan has nothing to do", async (_scheme, uri) => {
    await useRegistry(uri);
    const apply = await skewless(["apply"], repo, env);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain(uri);
    const plan = await skewless(["plan", "--detailed-exitcode"], repo, env);
    expect(plan.stderr).toBe("");
    expect(plan.stdout.trim()).toBe("No changes to registry\n\nNo changes to infrastructure");
    expect(plan.code).toBe(0);
  });

  it("the object apply wrote is a complete Feast registry", async () => {
    const out = await new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } })
      .send(new GetObjectCommand({ Bucket: BUCKET, Key: "demo/registry.pb" }));
    const registry = decodeRegistry(await out.Body!.transformToByteArray(), "s3 object");
    expect(registry.feature_views?.map((v) => v.spec?.name).sort()).toEqual(["user_credit", "user_transactions"]);
  });

  it("a missing bucket fails with the URI and a hint, and writes nothing", async () => {
    await useRegistry("s3://no-such-bucket-here/registry.pb");
    const apply = await skewless(["apply"], repo, env);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("registry s3://no-such-bucket-here/registry.pb: bucket no-such-bucket-here does not exist");
    expect(apply.stderr).toContain("hint: create the bucket");
    expect(apply.stderr).not.toContain("test-secret");
  });
});
