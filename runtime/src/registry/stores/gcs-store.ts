// The types of the build that `await import()` loads at run time (the ESM one).
import type { Bucket, Storage } from "@google-cloud/storage" with { "resolution-mode": "import" };
import { BackendError, RegistryAccessDeniedError, RegistryBucketNotFoundError } from "../../errors";
import { Lazy } from "../../lazy";
import { importPeer } from "../../peer";
import { gcsEmulatorEndpoint } from "./gcs-emulator";
import { parseObjectUri, type ObjectUri } from "./object-uri";
import type { RegistrySnapshot, VersionedRegistryStore } from "./registry-store";

/** What the GCS client's errors (ApiError, auth errors) carry that matters here. */
interface GcsFailure {
  code?: number | string;
  message?: string;
}

/** Reads retried when the object is replaced between reading its generation and its bytes. */
const READ_ATTEMPTS = 10;

/**
 * registry.pb as a GCS object. The token is the object's generation; writes are uploads with
 * `ifGenerationMatch` (0 while no registry exists), so GCS itself arbitrates between concurrent
 * writers. Credentials come from Application Default Credentials; STORAGE_EMULATOR_HOST points
 * the store at an emulator (no credentials then).
 *
 * @example new Registry(new GcsRegistryStore("gs://my-bucket/feast/registry.pb"))
 */
export class GcsRegistryStore implements VersionedRegistryStore {
  readonly location: string;
  /** The emulator in use (from STORAGE_EMULATOR_HOST), or undefined for GCS itself. */
  readonly emulator: string | undefined;
  private readonly object: ObjectUri;
  private readonly bucketHandle = new Lazy(() => this.createBucketHandle());

  constructor(uri: string) {
    this.object = parseObjectUri(uri);
    if (this.object.scheme !== "gs") throw new TypeError(`GcsRegistryStore needs a gs:// URI, got ${this.object.uri}`);
    this.location = this.object.uri;
    this.emulator = gcsEmulatorEndpoint(process.env);
  }

  async read(): Promise<RegistrySnapshot | null> {
    const bucket = await this.bucket();
    for (let attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
      let generation: string;
      try {
        const [metadata] = await bucket.file(this.object.key).getMetadata();
        generation = String(metadata.generation);
      } catch (e) {
        if (status(e) !== 404) throw this.wrap(e, "read");
        await this.assertBucketExists(bucket, e);
        return null;
      }
      try {
        // Pinning the generation makes bytes and token one consistent snapshot.
        const [bytes] = await bucket.file(this.object.key, { generation }).download();
        return { bytes, token: generation };
      } catch (e) {
        if (status(e) !== 404) throw this.wrap(e, "read");
        // Replaced (or removed) between the two requests: look again.
      }
    }
    throw new BackendError("GCS", `read registry ${this.described()}`,
      new Error(`the object changed under every one of ${READ_ATTEMPTS} reads`), "another process is rewriting the registry continuously; retry later");
  }

  async write(bytes: Uint8Array, expected: string | null): Promise<boolean> {
    const bucket = await this.bucket();
    try {
      await bucket.file(this.object.key).save(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
        resumable: false,
        contentType: "application/octet-stream",
        preconditionOpts: { ifGenerationMatch: expected ?? 0 },
      });
      return true;
    } catch (e) {
      if (status(e) === 412) return false;
      throw this.wrap(e, "write");
    }
  }

  /** Object generations, newest first (noncurrent ones exist while the bucket has versioning on). */
  async listVersions(): Promise<string[]> {
    const bucket = await this.bucket();
    try {
      const [files] = await bucket.getFiles({ prefix: this.object.key, versions: true });
      return files.filter((f) => f.name === this.object.key && f.metadata.generation !== undefined)
        .map((f) => String(f.metadata.generation))
        .sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : BigInt(b) < BigInt(a) ? -1 : 0));
    } catch (e) {
      throw this.wrap(e, "read");
    }
  }

  async readVersion(version: string): Promise<Uint8Array | null> {
    const bucket = await this.bucket();
    try {
      const [bytes] = await bucket.file(this.object.key, { generation: version }).download();
      return bytes;
    } catch (e) {
      if (status(e) === 404) return null;
      throw this.wrap(e, "read");
    }
  }

  async remove(): Promise<void> {
    const bucket = await this.bucket();
    try {
      // ignoreNotFound covers a missing bucket too: nothing to remove either way.
      await bucket.file(this.object.key).delete({ ignoreNotFound: true });
    } catch (e) {
      throw this.wrap(e, "remove");
    }
  }

  private bucket(): Promise<Bucket> {
    return this.bucketHandle.get();
  }

  private async createBucketHandle(): Promise<Bucket> {
    // Loaded on first use: processes with a local registry never pay for the GCS client.
    const { Storage } = await importPeer("@google-cloud/storage", `the GCS registry ${this.location}`, () => import("@google-cloud/storage"));
    let storage: Storage;
    if (this.emulator) {
      storage = new Storage({ apiEndpoint: this.emulator });
      // With STORAGE_EMULATOR_HOST set, this client sends JSON API calls to the variable's value
      // verbatim (no /storage/v1), while uploads do get their prefix; emulators serve both
      // under the standard paths, so give the JSON API its prefix back.
      storage.baseUrl = `${this.emulator}/storage/v1`;
    } else {
      storage = new Storage();
    }
    return storage.bucket(this.object.bucket);
  }

  /** A 404 on the object: tell a missing bucket apart from a registry not written yet. */
  private async assertBucketExists(bucket: Bucket, cause: unknown): Promise<void> {
    let exists: boolean;
    try {
      [exists] = await bucket.exists();
    } catch {
      return;   // e.g. no storage.buckets.get permission: the object is simply missing
    }
    if (!exists) throw this.bucketMissing(cause);
  }

  private bucketMissing(cause: unknown): RegistryBucketNotFoundError {
    const where = this.emulator ? ` on the emulator at ${this.emulator} (STORAGE_EMULATOR_HOST)` : "";
    return new RegistryBucketNotFoundError(this.location, this.object.bucket,
      `create the bucket${where}, or correct the bucket in feature_store.yaml's registry path`, cause);
  }

  private described(): string {
    return this.emulator ? `${this.location} at ${this.emulator}` : this.location;
  }

  private wrap(e: unknown, action: "read" | "write" | "remove"): Error {
    if (e instanceof BackendError) return e;
    const failure = e as GcsFailure;
    const message = failure.message ?? String(e);
    const doing = `${action} the registry`;
    if (/could not load the default credentials|unable to detect a project id/i.test(message)) {
      return new RegistryAccessDeniedError(this.location, doing, "no Google Cloud credentials were found",
        "set up Application Default Credentials: `gcloud auth application-default login`, GOOGLE_APPLICATION_CREDENTIALS=<service account key file>, or a workload identity", e);
    }
    if (status(e) === 401 || status(e) === 403) {
      return new RegistryAccessDeniedError(this.location, doing, `HTTP ${status(e)}: ${message}`,
        `the Application Default Credentials need storage.objects.get, storage.objects.create and storage.objects.delete ` +
        `on gs://${this.object.bucket} (roles/storage.objectUser grants them)`, e);
    }
    if (action === "write" && status(e) === 404) return this.bucketMissing(e);
    const hint = this.emulator ? `check that the GCS emulator at ${this.emulator} (STORAGE_EMULATOR_HOST) is running and reachable` : undefined;
    return new BackendError("GCS", `${action} registry ${this.described()}`, e, hint);
  }
}

function status(e: unknown): number | undefined {
  const code = (e as GcsFailure | undefined)?.code;
  return typeof code === "number" ? code : undefined;
}
