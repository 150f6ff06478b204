import { Storage } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackendError, ConfigError, RegistryBucketNotFoundError } from "../../../runtime/src/errors";
import { GcsRegistryStore } from "../../../runtime/src/registry/stores/gcs-store";
import { openRegistryStore } from "../../../runtime/src/registry/stores/open-store";
import { ensureEmulators, startGcsServer, type LocalServer } from "../../helpers/emulators";
import { setEnv, withEnv } from "../../helpers/env";
import { failure, registryStoreContract, sampleBytes } from "./contract";

const BUCKET = "skewless-registry";

// No Application Default Credentials and no metadata server lookups: everything stays on loopback.
setEnv({ GOOGLE_APPLICATION_CREDENTIALS: undefined, METADATA_SERVER_DETECTION: "none", STORAGE_EMULATOR_HOST: "127.0.0.1:9" });

let server: LocalServer;
let host: string;
beforeAll(async () => {
  await ensureEmulators();
  server = await startGcsServer();
  host = server.endpoint.replace(/^http:\/\//, "");
  process.env.STORAGE_EMULATOR_HOST = host;   // the host:port form most tools document
  const admin = new Storage({ apiEndpoint: server.endpoint, projectId: "test" });
  admin.baseUrl = `${server.endpoint}/storage/v1`;
  await admin.createBucket(BUCKET);
}, 15 * 60_000);
afterAll(async () => server?.stop());

const uri = (name: string) => `gs://${BUCKET}/teams/${name}/registry.pb`;
const store = (name: string) => openRegistryStore({ registryType: "file", path: uri(name), cacheTtlSeconds: 0 });

registryStoreContract("GCS (fake-gcs-server, via STORAGE_EMULATOR_HOST)", () => ({ store, location: uri }));

describe("GCS registry store", () => {
  it("is what openRegistryStore returns for gs:// and uses the object's generation as its token", async () => {
    const s = store("generation");
    expect(s).toBeInstanceOf(GcsRegistryStore);
    expect(await s.write(sampleBytes(), null)).toBe(true);
    const admin = new Storage({ apiEndpoint: server.endpoint });
    admin.baseUrl = `${server.endpoint}/storage/v1`;
    const [metadata] = await admin.bucket(BUCKET).file("teams/generation/registry.pb").getMetadata();
    expect((await s.read())!.token).toBe(String(metadata.generation));
  });

  it.each([
    ["host:port", (h: string) => h],
    ["http://host:port/", (h: string) => `http://${h}/`],
    ["http://host:port/storage/v1", (h: string) => `http://${h}/storage/v1`],
  ])("accepts STORAGE_EMULATOR_HOST as %s", async (_form, value) => {
    await withEnv({ STORAGE_EMULATOR_HOST: value(host) }, async () => {
      const s = store(`form-${encodeURIComponent(value(host))}`) as GcsRegistryStore;
      expect(s.emulator).toBe(`http://${host}`);
      expect(await s.write(sampleBytes(), null)).toBe(true);
      expect(await s.read()).not.toBeNull();
    });
  });

  it("rejects a STORAGE_EMULATOR_HOST with credentials without echoing them", async () => {
    await withEnv({ STORAGE_EMULATOR_HOST: "http://user:hunter2@127.0.0.1:4443" }, () => {
      const e = (() => { try { store("cred-emulator"); } catch (error) { return error as ConfigError; } })();
      expect(e).toBeInstanceOf(ConfigError);
      expect(e!.describe()).not.toContain("hunter2");
    });
  });

  it("names the URI and says what to do when the bucket does not exist, on read and on write", async () => {
    const s = openRegistryStore({ registryType: "file", path: "gs://no-such-bucket-here/registry.pb", cacheTtlSeconds: 0 });
    for (const e of [await failure(s.read()), await failure(s.write(sampleBytes(), null))]) {
      expect(e).toBeInstanceOf(RegistryBucketNotFoundError);
      expect(e.message).toBe("registry gs://no-such-bucket-here/registry.pb: bucket no-such-bucket-here does not exist");
      expect(e.hint).toContain(`create the bucket on the emulator at ${server.endpoint}`);
      expect(e.cause).toBeDefined();
    }
  });

  it("wraps an unreachable emulator in a BackendError naming the URI, with the cause", async () => {
    await withEnv({ STORAGE_EMULATOR_HOST: "127.0.0.1:9" }, async () => {
      const e = await failure(store("unreachable").read());
      expect(e).toBeInstanceOf(BackendError);
      expect(e.message).toMatch(new RegExp(`^GCS: read registry ${uri("unreachable")} at http://127.0.0.1:9 failed: `));
      expect(e.cause).toBeInstanceOf(Error);
    });
  });
});
