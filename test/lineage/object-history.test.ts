import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";
import { Storage } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegistryConfig } from "../../runtime/src/config";
import { ObjectRegistryHistory } from "../../runtime/src/registry/history/object-history";
import { PinnedRegistryStore } from "../../runtime/src/registry/history/pinned-store";
import { openRegistryHistory } from "../../runtime/src/registry/history/registry-history";
import { Registry } from "../../runtime/src/registry/registry";
import { openRegistryStore } from "../../runtime/src/registry/stores/open-store";
import { ensureEmulators, startGcsServer, startS3Server, type LocalServer } from "../helpers/emulators";
import { setEnv } from "../helpers/env";

// Registry history for object-store registries is the bucket's versioning (the stacks enable it):
// earlier registry versions are found among the object's versions (S3 VersionId, GCS generation).
// Real counterparts: moto for S3 and fake-gcs-server for GCS, both on loopback.

setEnv({
  AWS_ACCESS_KEY_ID: "AKIATESTSKEWLESS", AWS_SECRET_ACCESS_KEY: "test-secret", AWS_REGION: "us-east-1",
  AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: "/nonexistent/aws-config", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
  AWS_PROFILE: undefined, GOOGLE_APPLICATION_CREDENTIALS: undefined, METADATA_SERVER_DETECTION: "none",
});

const BUCKET = "skewless-versioned";
let s3: LocalServer;
let gcs: LocalServer;

beforeAll(async () => {
  await ensureEmulators();
  [s3, gcs] = await Promise.all([startS3Server(), startGcsServer()]);
  process.env.AWS_ENDPOINT_URL_S3 = s3.endpoint;
  process.env.STORAGE_EMULATOR_HOST = gcs.endpoint.replace(/^http:\/\//, "");
  const admin = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: "us-east-1" });
  await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await admin.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: "Enabled" } }));
  const storage = new Storage({ apiEndpoint: gcs.endpoint, projectId: "test" });
  storage.baseUrl = `${gcs.endpoint}/storage/v1`;
  await storage.createBucket(BUCKET, { versioning: { enabled: true } });
}, 15 * 60_000);
afterAll(async () => Promise.all([s3?.stop(), gcs?.stop()]));

describe.each(["s3", "gs"])("%s:// registry history (bucket versioning)", (scheme) => {
  it("loads every earlier registry version by its version_id, read-only", async () => {
    const config: RegistryConfig = { registryType: "file", path: `${scheme}://${BUCKET}/team/registry.pb`, cacheTtlSeconds: 0 };
    const store = openRegistryStore(config);
    const history = openRegistryHistory(config, store);
    expect(history).toBeInstanceOf(ObjectRegistryHistory);
    const registry = new Registry(store, history);
    const ids: string[] = [];
    for (const project of ["a", "b", "c"]) {
      await registry.update((model) => model.ensureProject(project));
      ids.push((await registry.load()).proto.version_id!);
    }
    const first = new Registry(new PinnedRegistryStore(store.location, history, ids[0]));
    expect((await first.load()).projects()).toEqual(["a"]);
    const second = new Registry(new PinnedRegistryStore(store.location, history, ids[1]));
    expect((await second.load()).projects()).toEqual(["a", "b"]);
    expect((await history!.list()).map((v) => v.versionId)).toEqual([...ids].reverse());
    await expect(new Registry(new PinnedRegistryStore(store.location, history, "0000-gone")).load()).rejects.toThrow("registry version 0000-gone is not in the registry history");
  });
});
