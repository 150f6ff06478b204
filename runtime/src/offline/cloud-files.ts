import { mkdtempSync, rmSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { BackendError, DataSourceNotFoundError } from "../errors";
import { gcsEmulatorEndpoint } from "../registry/stores/gcs-emulator";
import { resolveS3Endpoint } from "../registry/stores/s3-endpoint";
import type { SourceRelation } from "./source-relation";

interface CloudObject {
  key: string;
  /** Changes whenever the object does (ETag, GCS generation). */
  version: string;
}

/** One object store's listing and download, with the SDK's standard credential chain. */
interface ObjectReader {
  list(bucket: string, prefix: string): Promise<CloudObject[]>;
  download(bucket: string, key: string): Promise<Uint8Array>;
}

/**
 * `s3://` and `gs://` parquet sources as local files DuckDB can read: the objects are fetched with
 * the AWS and Google SDKs (credentials from their standard chains: environment, instance or task
 * role, workload identity, ADC), not by DuckDB's httpfs extension, which DuckDB would download at
 * run time and which has no build for the DuckDB the runtime ships. A URI names one object, or
 * a "folder": every `.parquet` object under it. Copies live in a temporary folder of this cache
 * (removed on close) and are fetched again only when the object's version changed.
 */
export class CloudFiles {
  private dir?: string;
  private readonly fetched = new Map<string, string>();
  private readonly readers = new Map<string, Promise<ObjectReader>>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** The relation with an `s3://` / `gs://` file location replaced by a local copy; others as given. */
  async localize(relation: SourceRelation): Promise<SourceRelation> {
    const location = relation.location;
    if (location.kind !== "file") return relation;
    const match = /^(s3|gs):\/\/([^/]+)\/?(.*)$/.exec(location.path);
    if (!match) return relation;
    const [, scheme, bucket, key] = match;
    const reader = await this.reader(scheme, relation);
    const where = `feature view ${relation.viewName}: source ${relation.sourceName} (${location.path})`;
    let objects: CloudObject[];
    try {
      const listed = await reader.list(bucket, key);
      const exact = listed.filter((o) => o.key === key);
      objects = exact.length > 0 ? exact : listed.filter((o) => o.key.startsWith(key.endsWith("/") || key === "" ? key : `${key}/`) && o.key.endsWith(".parquet"));
    } catch (error) {
      throw new BackendError(scheme === "s3" ? "s3" : "gcs", `list ${location.path}`, error, "check the bucket name, the credentials and the endpoint");
    }
    if (objects.length === 0) throw new DataSourceNotFoundError(`${where} matches no object`, "check the FileSource path, or write the data first");
    const root = path.join(this.folder(), scheme, bucket);
    for (const object of objects) {
      const local = path.join(root, object.key);
      const id = `${scheme}://${bucket}/${object.key}`;
      if (this.fetched.get(id) === object.version) continue;
      let bytes: Uint8Array;
      try {
        bytes = await reader.download(bucket, object.key);
      } catch (error) {
        throw new BackendError(scheme === "s3" ? "s3" : "gcs", `read ${id}`, error, "check the credentials can read the object");
      }
      await mkdir(path.dirname(local), { recursive: true });
      // Written beside and renamed, so a query never reads half an object.
      await writeFile(`${local}.partial`, bytes);
      await rename(`${local}.partial`, local);
      this.fetched.set(id, object.version);
    }
    const single = objects.length === 1 && objects[0].key === key;
    const localPath = single ? path.join(root, key) : path.join(root, key, "**", "*.parquet");
    return { ...relation, location: { kind: "file", path: localPath } };
  }

  close(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.fetched.clear();
  }

  private folder(): string {
    this.dir ??= mkdtempSync(path.join(os.tmpdir(), "skewless-cloud-"));
    return this.dir;
  }

  private reader(scheme: string, relation: SourceRelation): Promise<ObjectReader> {
    const override = relation.location.kind === "file" ? relation.location.s3EndpointOverride : undefined;
    const id = scheme === "s3" ? `s3 ${override ?? ""}` : "gs";
    let reader = this.readers.get(id);
    if (!reader) {
      reader = scheme === "s3" ? s3Reader(override, this.env) : gcsReader(this.env);
      this.readers.set(id, reader);
    }
    return reader;
  }
}

async function s3Reader(override: string | undefined, env: NodeJS.ProcessEnv): Promise<ObjectReader> {
  const sdk = await import("@aws-sdk/client-s3");
  const endpoint = resolveS3Endpoint(override, env)?.url;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (endpoint ? "us-east-1" : undefined);
  const client = new sdk.S3Client({
    ...(region ? { region } : {}),
    followRegionRedirects: true,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
  return {
    async list(bucket, prefix) {
      const objects: CloudObject[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) if (o.Key) objects.push({ key: o.Key, version: `${o.ETag}:${o.Size}` });
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return objects;
    },
    async download(bucket, key) {
      const response = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
      return response.Body!.transformToByteArray();
    },
  };
}

async function gcsReader(env: NodeJS.ProcessEnv): Promise<ObjectReader> {
  const { Storage } = await import("@google-cloud/storage");
  const emulator = gcsEmulatorEndpoint(env);
  const storage = emulator ? new Storage({ apiEndpoint: emulator }) : new Storage();
  // As in the GCS registry store: with an emulator, the JSON API needs its path prefix back.
  if (emulator) storage.baseUrl = `${emulator}/storage/v1`;
  return {
    async list(bucket, prefix) {
      const [files] = await storage.bucket(bucket).getFiles({ prefix });
      return files.map((f) => ({ key: f.name, version: String(f.metadata.generation ?? f.metadata.etag ?? "") }));
    },
    async download(bucket, key) {
      const [bytes] = await storage.bucket(bucket).file(key).download();
      return bytes;
    },
  };
}
