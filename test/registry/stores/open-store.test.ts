import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { RegistryUriError } from "../../../runtime/src/errors";
import { FileRegistryStore } from "../../../runtime/src/registry/stores/file-store";
import { GcsRegistryStore } from "../../../runtime/src/registry/stores/gcs-store";
import { openRegistryStore } from "../../../runtime/src/registry/stores/open-store";
import { S3RegistryStore } from "../../../runtime/src/registry/stores/s3-store";
import { withEnv } from "../../helpers/env";

const open = (p: string) => openRegistryStore({ registryType: "file", path: p, cacheTtlSeconds: 0 });

describe("openRegistryStore", () => {
  it("opens local paths and file:// URIs as files", () => {
    expect(open("/tmp/x/registry.db")).toBeInstanceOf(FileRegistryStore);
    const store = open("file:///tmp/x/registry.db");
    expect(store).toBeInstanceOf(FileRegistryStore);
    expect(store.location).toBe(path.join("/tmp", "x", "registry.db"));
  });

  it("opens s3:// and gs:// URIs as object stores named by their URI", async () => {
    await withEnv({ STORAGE_EMULATOR_HOST: undefined, AWS_ENDPOINT_URL_S3: undefined, AWS_ENDPOINT_URL: undefined, FEAST_S3_ENDPOINT_URL: undefined }, () => {
      const s3 = open("s3://bucket/feast/registry.pb");
      expect(s3).toBeInstanceOf(S3RegistryStore);
      expect(s3.location).toBe("s3://bucket/feast/registry.pb");
      const gcs = open("gs://bucket/feast/registry.pb");
      expect(gcs).toBeInstanceOf(GcsRegistryStore);
      expect(gcs.location).toBe("gs://bucket/feast/registry.pb");
    });
  });

  it("rejects other schemes and malformed URIs with a RegistryUriError", () => {
    expect(() => open("azure://container/registry.pb")).toThrow(RegistryUriError);
    expect(() => open("s3://bucket")).toThrow("registry s3://bucket/: the object key is missing");
  });
});
