import type { S3Client } from "@aws-sdk/client-s3";
import { BackendError, ConfigError, RegistryAccessDeniedError, RegistryBucketNotFoundError } from "../../errors";
import { Lazy } from "../../lazy";
import { importPeer } from "../../peer";
import { parseObjectUri, type ObjectUri } from "./object-uri";
import type { RegistrySnapshot, VersionedRegistryStore } from "./registry-store";
import { displayEndpoint, resolveS3Endpoint, type S3Endpoint } from "./s3-endpoint";

export interface S3RegistryStoreOptions {
  /** Endpoint of an S3-compatible server; default: FEAST_S3_ENDPOINT_URL, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, else AWS. */
  endpoint?: string;
  /** Region; default: AWS_REGION, AWS_DEFAULT_REGION, the AWS profile's region (us-east-1 for an overridden endpoint). */
  region?: string;
}

interface S3Connection {
  sdk: typeof import("@aws-sdk/client-s3");
  client: S3Client;
}

/** What the AWS SDK's errors carry that matters here. */
interface S3Failure {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * registry.pb as an S3 object. The token is the object's ETag; writes are conditional PutObjects
 * (`If-Match: <etag>`, or `If-None-Match: *` while no registry exists), so S3 itself arbitrates
 * between concurrent writers. Credentials come only from the AWS default provider chain.
 *
 * @example new Registry(new S3RegistryStore("s3://my-bucket/feast/registry.pb"))
 */
export class S3RegistryStore implements VersionedRegistryStore {
  readonly location: string;
  readonly endpoint: S3Endpoint | undefined;
  private readonly object: ObjectUri;
  private readonly connection = new Lazy(() => this.createConnection());

  constructor(uri: string, private readonly options: S3RegistryStoreOptions = {}) {
    this.object = parseObjectUri(uri);
    if (this.object.scheme !== "s3") throw new TypeError(`S3RegistryStore needs an s3:// URI, got ${this.object.uri}`);
    this.location = this.object.uri;
    this.endpoint = resolveS3Endpoint(options.endpoint, process.env);
  }

  async read(): Promise<RegistrySnapshot | null> {
    const { sdk, client } = await this.connect();
    try {
      const out = await client.send(new sdk.GetObjectCommand({ Bucket: this.object.bucket, Key: this.object.key }));
      const bytes = await out.Body!.transformToByteArray();
      if (!out.ETag) throw new BackendError("S3", `read registry ${this.described()}`, new Error("the response has no ETag"), "the server must return ETags for compare-and-swap writes");
      return { bytes, token: out.ETag };
    } catch (e) {
      const failure = e as S3Failure;
      if (failure.name !== "NoSuchBucket" && (failure.name === "NoSuchKey" || status(e) === 404)) return null;
      throw this.wrap(e, "read");
    }
  }

  async write(bytes: Uint8Array, expected: string | null): Promise<boolean> {
    const { sdk, client } = await this.connect();
    const condition = expected === null ? { IfNoneMatch: "*" } : { IfMatch: expected };
    try {
      await client.send(new sdk.PutObjectCommand({
        Bucket: this.object.bucket, Key: this.object.key, Body: bytes, ContentType: "application/octet-stream", ...condition,
      }));
      return true;
    } catch (e) {
      if (isLostRace(e, expected)) return false;
      throw this.wrap(e, "write");
    }
  }

  async remove(): Promise<void> {
    const { sdk, client } = await this.connect();
    try {
      await client.send(new sdk.DeleteObjectCommand({ Bucket: this.object.bucket, Key: this.object.key }));
    } catch (e) {
      // Nothing to remove when the bucket is gone too.
      if ((e as S3Failure).name === "NoSuchBucket") return;
      throw this.wrap(e, "remove");
    }
  }

  /** Object versions, newest first (bucket versioning keeps them; the stacks enable it). */
  async listVersions(): Promise<string[]> {
    const { sdk, client } = await this.connect();
    const versions: { id: string; at: number }[] = [];
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    try {
      do {
        const page = await client.send(new sdk.ListObjectVersionsCommand({
          Bucket: this.object.bucket, Prefix: this.object.key, KeyMarker: keyMarker, VersionIdMarker: versionMarker,
        }));
        for (const v of page.Versions ?? []) {
          if (v.Key === this.object.key && v.VersionId) versions.push({ id: v.VersionId, at: v.LastModified?.getTime() ?? 0 });
        }
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
      } while (keyMarker);
    } catch (e) {
      throw this.wrap(e, "read");
    }
    return versions.sort((a, b) => b.at - a.at).map((v) => v.id);
  }

  async readVersion(version: string): Promise<Uint8Array | null> {
    const { sdk, client } = await this.connect();
    try {
      const out = await client.send(new sdk.GetObjectCommand({ Bucket: this.object.bucket, Key: this.object.key, VersionId: version }));
      return await out.Body!.transformToByteArray();
    } catch (e) {
      if (status(e) === 404 || (e as S3Failure).name === "NoSuchVersion" || (e as S3Failure).name === "NoSuchKey") return null;
      throw this.wrap(e, "read");
    }
  }

  private connect(): Promise<S3Connection> {
    return this.connection.get();
  }

  private async createConnection(): Promise<S3Connection> {
    // Loaded on first use: processes with a local registry never pay for the AWS SDK.
    const sdk = await importPeer("@aws-sdk/client-s3", `the S3 registry ${this.location}`, () => import("@aws-sdk/client-s3"));
    const env = process.env;
    const endpoint = this.endpoint?.url;
    const region = this.options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (endpoint ? "us-east-1" : undefined);
    const client = new sdk.S3Client({
      ...(region ? { region } : {}),
      followRegionRedirects: true,
      ...(endpoint ? {
        endpoint,
        // S3-compatible servers rarely serve bucket subdomains (bucket.localhost:9000).
        forcePathStyle: true,
        // Many S3-compatible servers reject the SDK's default CRC32 trailers; our registry carries its
        // own SHA-256 seal, so the checksum adds nothing there.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      } : {}),
    });
    return { sdk, client };
  }

  private described(): string {
    return this.endpoint ? `${this.location} at ${displayEndpoint(this.endpoint.url)}` : this.location;
  }

  private wrap(e: unknown, action: "read" | "write" | "remove"): Error {
    if (e instanceof BackendError) return e;
    const failure = e as S3Failure;
    const name = failure.name ?? "";
    const doing = `${action} the registry`;
    const where = this.endpoint ? ` on ${displayEndpoint(this.endpoint.url)} (from ${this.endpoint.source})` : "";
    if (name === "NoSuchBucket") {
      return new RegistryBucketNotFoundError(this.location, this.object.bucket,
        `create the bucket${where}, or correct the bucket in feature_store.yaml's registry path`, e);
    }
    if (name === "CredentialsProviderError") {
      return new RegistryAccessDeniedError(this.location, doing, "no AWS credentials were found",
        "configure the AWS default provider chain: AWS_PROFILE, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, SSO, or an instance or task role", e);
    }
    if (status(e) === 403 || ACCESS_ERRORS.has(name)) {
      return new RegistryAccessDeniedError(this.location, doing, `${name || "HTTP 403"}: ${failure.message ?? ""}`.trim(),
        `the credentials from the AWS default provider chain need s3:GetObject, s3:PutObject and s3:DeleteObject on ` +
        `arn:aws:s3:::${this.object.bucket}/${this.object.key}, and s3:ListBucket on the bucket (without it a missing registry reads as access denied)`, e);
    }
    if (/region is missing/i.test(failure.message ?? "")) {
      return new ConfigError(`registry ${this.location}: no AWS region is configured`, "set AWS_REGION, or a region in your AWS profile", e);
    }
    const hint = status(e) === 501
      ? "this server does not support conditional writes (If-Match / If-None-Match on PutObject), which registry updates need"
      : this.endpoint ? `check that the S3-compatible server at ${displayEndpoint(this.endpoint.url)} (from ${this.endpoint.source}) is running and reachable` : undefined;
    return new BackendError("S3", `${action} registry ${this.described()}`, e, hint);
  }
}

const ACCESS_ERRORS = new Set(["AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "AllAccessDisabled"]);

function status(e: unknown): number | undefined {
  return (e as S3Failure | undefined)?.$metadata?.httpStatusCode;
}

/** A conditional PutObject that failed because someone else wrote (or deleted) the registry first. */
function isLostRace(e: unknown, expected: string | null): boolean {
  const failure = e as S3Failure;
  if (status(e) === 412 || failure.name === "PreconditionFailed") return true;
  // S3 answers 409 ConditionalRequestConflict when two conditional writes to one key overlap.
  if (status(e) === 409 || failure.name === "ConditionalRequestConflict") return true;
  // If-Match on a key that was deleted since we read it.
  return expected !== null && failure.name !== "NoSuchBucket" && (failure.name === "NoSuchKey" || status(e) === 404);
}
