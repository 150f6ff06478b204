import { RegistryUriError } from "../../errors";

/** The object-store schemes a registry can live on. */
export type ObjectScheme = "s3" | "gs";

/** A parsed `s3://bucket/key` or `gs://bucket/key`. */
export interface ObjectUri {
  scheme: ObjectScheme;
  bucket: string;
  key: string;
  /** `scheme://bucket/key`, for messages. */
  uri: string;
}

const SERVICE: Record<ObjectScheme, string> = { s3: "S3", gs: "GCS" };

/**
 * Parses a registry URI, rejecting what neither S3 nor GCS would accept, so a typo fails here with
 * the URI in the message rather than as an opaque HTTP error later.
 *
 * @example parseObjectUri("s3://my-bucket/feast/registry.pb") // { scheme: "s3", bucket: "my-bucket", key: "feast/registry.pb", ... }
 */
export function parseObjectUri(raw: string): ObjectUri {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(?:\/(.*))?$/is.exec(raw);
  const shown = redact(raw);
  const example = "write it as s3://BUCKET/path/registry.pb or gs://BUCKET/path/registry.pb";
  if (!match) throw new RegistryUriError(shown, "not a URI of the form scheme://bucket/key", example);
  const scheme = match[1]!.toLowerCase();
  const authority = match[2]!;
  const key = match[3] ?? "";
  if (scheme !== "s3" && scheme !== "gs") {
    throw new RegistryUriError(shown, `${scheme}:// registries are not supported`, `use a local path, or ${example}`);
  }
  if (authority.includes("@")) {
    // Never echo what came before the "@": it is most likely a key or a password.
    throw new RegistryUriError(shown, "the URI carries credentials",
      scheme === "s3"
        ? "remove them: credentials come from the AWS default provider chain (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO, an instance or task role)"
        : "remove them: credentials come from Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, `gcloud auth application-default login`, the metadata server)");
  }
  const uri = `${scheme}://${authority}/${key}`;
  const bucketProblem = scheme === "s3" ? s3BucketProblem(authority) : gcsBucketProblem(authority);
  if (bucketProblem) throw new RegistryUriError(uri, `${bucketProblem}`, `check the bucket name; ${example}`);
  if (key === "" || key.endsWith("/")) {
    throw new RegistryUriError(uri, "the object key is missing (the URI names a bucket or folder, not an object)", `add the file name, e.g. ${scheme}://${authority}/${key}registry.pb`);
  }
  if (Buffer.byteLength(key, "utf8") > 1024) {
    throw new RegistryUriError(uri, `the object key is ${Buffer.byteLength(key, "utf8")} bytes long; ${SERVICE[scheme]} allows 1024`, "use a shorter path");
  }
  return { scheme, bucket: authority, key, uri };
}

/** The URI with anything that looks like credentials replaced, for messages about bad URIs. */
function redact(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1***@");
}

function s3BucketProblem(bucket: string): string | undefined {
  if (bucket === "") return "the bucket name is missing";
  if (bucket.length < 3 || bucket.length > 63) return `bucket name "${bucket}" must be 3 to 63 characters long`;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket)) {
    return `bucket name "${bucket}" may only hold lowercase letters, digits, dots and hyphens, and must start and end with a letter or digit`;
  }
  if (bucket.includes("..")) return `bucket name "${bucket}" must not contain two adjacent dots`;
  return undefined;
}

function gcsBucketProblem(bucket: string): string | undefined {
  if (bucket === "") return "the bucket name is missing";
  const dotted = bucket.includes(".");
  if (bucket.length < 3 || bucket.length > (dotted ? 222 : 63)) {
    return `bucket name "${bucket}" must be 3 to 63 characters long (222 with dots)`;
  }
  if (!/^[a-z0-9][a-z0-9._-]*[a-z0-9]$/.test(bucket)) {
    return `bucket name "${bucket}" may only hold lowercase letters, digits, dots, hyphens and underscores, and must start and end with a letter or digit`;
  }
  if (bucket.split(".").some((part) => part.length === 0 || part.length > 63)) {
    return `bucket name "${bucket}" has an empty or over-long (> 63) dot-separated part`;
  }
  return undefined;
}
