import { readFileSync } from "node:fs";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Storage } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataSourceNotFoundError } from "../../runtime/src/errors";
import { ensureEmulators, startGcsServer, startS3Server, type LocalServer } from "../helpers/emulators";
import { setEnv } from "../helpers/env";
import { tempDir } from "../helpers/tmp";
import { picks, pointInTimeFixture } from "./helpers/point-in-time-fixture";
import { featureRepo } from "./helpers/repo";
import { rowsOf } from "./helpers/retrieve";

// s3:// and gs:// FileSources against moto's S3 server and fake-gcs-server: the randomized
// point-in-time fixture's files are uploaded there and must give the reference's answer. The
// objects are read with the AWS and Google SDKs (their standard credential chains: here the
// environment; profiles and metadata servers are switched off so nothing leaves loopback).

const BUCKET = "skewless-offline";
setEnv({
  AWS_ACCESS_KEY_ID: "AKIATESTSKEWLESS", AWS_SECRET_ACCESS_KEY: "test-secret", AWS_REGION: "us-east-1",
  AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: "/nonexistent/aws-config", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
  AWS_PROFILE: undefined, FEAST_S3_ENDPOINT_URL: undefined, AWS_ENDPOINT_URL_S3: undefined, AWS_ENDPOINT_URL: undefined,
  METADATA_SERVER_DETECTION: "none", GOOGLE_APPLICATION_CREDENTIALS: undefined,
});

let s3: LocalServer;
let gcs: LocalServer;
beforeAll(async () => {
  await ensureEmulators();
  [s3, gcs] = await Promise.all([startS3Server(), startGcsServer()]);
  process.env.STORAGE_EMULATOR_HOST = gcs.endpoint;
  await new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: "us-east-1" }).send(new CreateBucketCommand({ Bucket: BUCKET }));
  const storage = new Storage({ apiEndpoint: gcs.endpoint, projectId: "test" });
  storage.baseUrl = `${gcs.endpoint}/storage/v1`;
  await storage.createBucket(BUCKET);
}, 15 * 60_000);
afterAll(async () => {
  delete process.env.STORAGE_EMULATOR_HOST;
  await Promise.all([s3?.stop(), gcs?.stop()]);
});

async function putS3(key: string, file: string): Promise<void> {
  await new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: "us-east-1" })
    .send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: readFileSync(file) }));
}

async function putGcs(key: string, file: string): Promise<void> {
  const storage = new Storage({ apiEndpoint: gcs.endpoint, projectId: "test" });
  storage.baseUrl = `${gcs.endpoint}/storage/v1`;
  await storage.bucket(BUCKET).file(key).save(readFileSync(file), { resumable: false });
}

describe("cloud parquet sources", () => {
  it("read s3:// objects through s3_endpoint_override and gs:// folders through STORAGE_EMULATOR_HOST, with the reference's answer", async () => {
    const local = await pointInTimeFixture(6, tempDir("skewless-offline-"));
    await putS3("seed6/a.parquet", local.files.a);
    // A folder: every parquet object under the prefix, as Feast reads datasets.
    await putGcs("seed6/b/part-0.parquet", local.files.b);
    const dir = tempDir("skewless-cloud-");
    const fixture = await pointInTimeFixture(6, dir, {
      kind: "uri", a: `s3://${BUCKET}/seed6/a.parquet`, b: `gs://${BUCKET}/seed6/b`, s3EndpointOverride: s3.endpoint,
    });
    const { store } = await featureRepo(fixture.definitions, dir);
    try {
      const rows = await rowsOf(store.getHistoricalFeatures({
        entityDf: fixture.entityDf, features: fixture.features, createdTimestampCutoff: fixture.createdTimestampCutoff,
      }));
      expect(picks(rows)).toEqual(local.expected);
      expect(local.matchesA).toBeGreaterThan(5);
      // Materialization reads the same objects.
      const views = (await store.catalog()).featureViews();
      let pulled = 0;
      for await (const batch of store.offlineStore().pullLatest(views.find((v) => v.name === "b")!, new Date(0), new Date())) pulled += batch.rowCount;
      expect(pulled).toBeGreaterThan(5);
    } finally {
      await store.close();
    }
  }, 180_000);

  it("names the source when no object matches", async () => {
    const dir = tempDir("skewless-cloud-");
    const fixture = await pointInTimeFixture(1, dir, { kind: "uri", a: `s3://${BUCKET}/nothing/a.parquet`, b: `gs://${BUCKET}/nothing/b`, s3EndpointOverride: s3.endpoint });
    const { store } = await featureRepo(fixture.definitions, dir);
    try {
      const error = await store.getHistoricalFeatures({ entityDf: fixture.entityDf, features: ["b:b_id"] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataSourceNotFoundError);
      expect((error as Error).message).toBe(`feature view b: source b_source (gs://${BUCKET}/nothing/b) matches no object`);
    } finally {
      await store.close();
    }
  }, 180_000);
});
