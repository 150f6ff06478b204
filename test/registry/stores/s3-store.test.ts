import { CreateBucketCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackendError, ConfigError, RegistryAccessDeniedError, RegistryBucketNotFoundError } from "../../../runtime/src/errors";
import { openRegistryStore } from "../../../runtime/src/registry/stores/open-store";
import { S3RegistryStore } from "../../../runtime/src/registry/stores/s3-store";
import { ensureEmulators, startS3Server, type LocalServer } from "../../helpers/emulators";
import { setEnv, withEnv } from "../../helpers/env";
import { failure, registryStoreContract, sampleBytes } from "./contract";

const BUCKET = "skewless-registry";
const SECRET = "test-secret-key-that-must-never-be-printed";
const ENDPOINT_VARS = ["FEAST_S3_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"];

// Credentials reach the store only through the AWS default provider chain (here: its environment
// provider). Profiles and the instance metadata service are switched off so nothing leaves loopback.
setEnv({
  AWS_ACCESS_KEY_ID: "AKIATESTSKEWLESS", AWS_SECRET_ACCESS_KEY: SECRET, AWS_REGION: "us-east-1",
  AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: "/nonexistent/aws-config", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
  AWS_PROFILE: undefined, ...Object.fromEntries(ENDPOINT_VARS.map((k) => [k, undefined])),
});

let server: LocalServer;
beforeAll(async () => {
  await ensureEmulators();
  server = await startS3Server();
  process.env.AWS_ENDPOINT_URL_S3 = server.endpoint;
  await admin(server.endpoint).send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 15 * 60_000);
afterAll(async () => server?.stop());

function admin(endpoint: string): S3Client {
  return new S3Client({ endpoint, forcePathStyle: true, region: "us-east-1" });
}

const uri = (name: string) => `s3://${BUCKET}/teams/${name}/registry.pb`;
const store = (name: string) => openRegistryStore({ registryType: "file", path: uri(name), cacheTtlSeconds: 0 });

registryStoreContract("S3 (moto, via AWS_ENDPOINT_URL_S3)", () => ({ store, location: uri }));

describe("S3 registry store", () => {
  it("is what openRegistryStore returns for s3:// and uses the object's ETag as its token", async () => {
    const s = store("etag");
    expect(s).toBeInstanceOf(S3RegistryStore);
    expect(await s.write(sampleBytes(), null)).toBe(true);
    const head = await admin(server.endpoint).send(new HeadObjectCommand({ Bucket: BUCKET, Key: "teams/etag/registry.pb" }));
    expect((await s.read())!.token).toBe(head.ETag);
  });

  it.each(["FEAST_S3_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"])("reaches the server through %s alone", async (variable) => {
    await withEnv({ ...Object.fromEntries(ENDPOINT_VARS.map((k) => [k, undefined])), [variable]: server.endpoint }, async () => {
      const s = store(`via-${variable}`) as S3RegistryStore;
      expect(s.endpoint).toEqual({ url: server.endpoint, source: variable });
      expect(await s.write(sampleBytes(), null)).toBe(true);
      expect(await s.read()).not.toBeNull();
    });
  });

  it("prefers FEAST_S3_ENDPOINT_URL, then AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL", async () => {
    const dead = "http://127.0.0.1:9";   // nothing listens on the discard port
    await withEnv({ FEAST_S3_ENDPOINT_URL: server.endpoint, AWS_ENDPOINT_URL_S3: dead, AWS_ENDPOINT_URL: dead }, async () => {
      expect(await store("precedence-1").write(sampleBytes(), null)).toBe(true);
    });
    await withEnv({ FEAST_S3_ENDPOINT_URL: undefined, AWS_ENDPOINT_URL_S3: server.endpoint, AWS_ENDPOINT_URL: dead }, async () => {
      expect(await store("precedence-2").write(sampleBytes(), null)).toBe(true);
    });
    await withEnv({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }, () => {
      expect((store("ignored") as S3RegistryStore).endpoint).toBeUndefined();
    });
  });

  it("rejects an endpoint that is not an http(s) URL or that carries credentials, without echoing them", async () => {
    await withEnv({ AWS_ENDPOINT_URL_S3: "ftp://127.0.0.1:21" }, () => {
      expect(() => store("bad-endpoint")).toThrow(ConfigError);
      expect(() => store("bad-endpoint")).toThrow(/AWS_ENDPOINT_URL_S3 .* must be an http:\/\/ or https:\/\/ URL/);
    });
    await withEnv({ FEAST_S3_ENDPOINT_URL: "http://minio:hunter2@127.0.0.1:9000" }, () => {
      const e = (() => { try { store("cred-endpoint"); } catch (error) { return error as ConfigError; } })();
      expect(e).toBeInstanceOf(ConfigError);
      expect(e!.message).toContain("FEAST_S3_ENDPOINT_URL");
      expect(e!.describe()).not.toContain("hunter2");
    });
  });

  it("names the URI and says what to do when the bucket does not exist, on read and on write", async () => {
    const s = openRegistryStore({ registryType: "file", path: "s3://no-such-bucket-here/registry.pb", cacheTtlSeconds: 0 });
    for (const e of [await failure(s.read()), await failure(s.write(sampleBytes(), null))]) {
      expect(e).toBeInstanceOf(RegistryBucketNotFoundError);
      expect(e.message).toBe("registry s3://no-such-bucket-here/registry.pb: bucket no-such-bucket-here does not exist");
      expect(e.hint).toContain(`create the bucket on ${server.endpoint} (from AWS_ENDPOINT_URL_S3)`);
      expect((e.cause as Error).name).toBe("NoSuchBucket");
    }
  });

  it("reports rejected credentials as access denied, naming the URI and never the secret", async () => {
    const strict = await startS3Server({ INITIAL_NO_AUTH_ACTION_COUNT: "0" });   // moto then checks every request's key
    try {
      await withEnv({ AWS_ENDPOINT_URL_S3: strict.endpoint }, async () => {
        const s = store("denied");
        for (const e of [await failure(s.read()), await failure(s.write(sampleBytes(), null))]) {
          expect(e).toBeInstanceOf(RegistryAccessDeniedError);
          expect(e.message).toMatch(new RegExp(`^registry ${uri("denied")}: access denied while trying to (read|write) the registry: InvalidAccessKeyId`));
          expect(e.hint).toContain("s3:GetObject, s3:PutObject and s3:DeleteObject");
          expect(`${e.describe()} ${JSON.stringify(e)}`).not.toContain(SECRET);
          expect(e.cause).toBeDefined();
        }
      });
    } finally {
      await strict.stop();
    }
  });

  it("reports missing credentials as access denied, saying where credentials come from", async () => {
    // Environment provider empty, profiles missing, instance metadata disabled: the chain finds nothing.
    await withEnv({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }, async () => {
      const e = await failure(store("no-credentials").read());
      expect(e).toBeInstanceOf(RegistryAccessDeniedError);
      expect(e.message).toBe(`registry ${uri("no-credentials")}: access denied while trying to read the registry: no AWS credentials were found`);
      expect(e.hint).toContain("AWS default provider chain");
    });
  });

  it("asks for a region when neither the environment nor a profile names one", async () => {
    // Without a region the SDK cannot even form the request URL, so nothing is sent anywhere.
    await withEnv({ AWS_ENDPOINT_URL_S3: undefined, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined }, async () => {
      const e = await failure(store("no-region").read());
      expect(e).toBeInstanceOf(ConfigError);
      expect(e.message).toBe(`registry ${uri("no-region")}: no AWS region is configured`);
      expect(e.hint).toContain("AWS_REGION");
    });
  });

  it("wraps an unreachable server in a BackendError naming the URI and the endpoint, with the cause", async () => {
    await withEnv({ AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9" }, async () => {
      const e = await failure(store("unreachable").read());
      expect(e).toBeInstanceOf(BackendError);
      expect(e.message).toMatch(new RegExp(`^S3: read registry ${uri("unreachable")} at http://127.0.0.1:9 failed: `));
      expect(e.hint).toContain("is running and reachable");
      expect(e.cause).toBeInstanceOf(Error);
    });
  });
});
