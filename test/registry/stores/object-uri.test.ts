import { describe, expect, it } from "vitest";
import { RegistryUriError } from "../../../runtime/src/errors";
import { parseObjectUri } from "../../../runtime/src/registry/stores/object-uri";

function uriError(raw: string): RegistryUriError {
  try {
    parseObjectUri(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(RegistryUriError);
    return e as RegistryUriError;
  }
  throw new Error(`${raw} was accepted`);
}

describe("registry object URIs", () => {
  it("splits s3:// and gs:// URIs into bucket and key", () => {
    expect(parseObjectUri("s3://my-bucket/feast/registry.pb")).toEqual({ scheme: "s3", bucket: "my-bucket", key: "feast/registry.pb", uri: "s3://my-bucket/feast/registry.pb" });
    expect(parseObjectUri("gs://my_bucket.example.com/r.db")).toEqual({ scheme: "gs", bucket: "my_bucket.example.com", key: "r.db", uri: "gs://my_bucket.example.com/r.db" });
    expect(parseObjectUri("S3://b-1/a b/ü.pb").key).toBe("a b/ü.pb");
  });

  it.each([
    ["s3://bucket", /the object key is missing/],
    ["s3://bucket/", /the object key is missing/],
    ["gs://bucket/feast/", /the object key is missing/],
    ["s3:///registry.pb", /the bucket name is missing/],
    ["s3://ab/registry.pb", /must be 3 to 63 characters long/],
    ["s3://My_Bucket/registry.pb", /lowercase letters, digits, dots and hyphens/],
    ["gs://-bucket/registry.pb", /must start and end with a letter or digit/],
    ["s3://a..b/registry.pb", /two adjacent dots/],
    ["gcs://bucket/registry.pb", /gcs:\/\/ registries are not supported/],
    ["http://example.com/registry.pb", /http:\/\/ registries are not supported/],
  ])("rejects %s, naming it", (raw, problem) => {
    const e = uriError(raw);
    expect(e.message).toMatch(problem);
    expect(e.message).toContain("registry ");
    expect(e.hint).toBeTruthy();
  });

  it("rejects a key longer than the services allow", () => {
    expect(uriError(`s3://bucket/${"k".repeat(1025)}`).message).toMatch(/1025 bytes long; S3 allows 1024/);
  });

  it("rejects credentials in the URI without echoing them", () => {
    const e = uriError("s3://AKIAEXAMPLE:wJalrXUtnFEMI@bucket/registry.pb");
    expect(e.message).toBe("registry s3://***@bucket/registry.pb: the URI carries credentials");
    expect(e.describe()).not.toMatch(/AKIAEXAMPLE|wJalrXUtnFEMI/);
    expect(e.hint).toContain("AWS default provider chain");
  });
});
