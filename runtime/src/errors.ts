const SKEWLESS_ERROR: unique symbol = Symbol.for("skewless.error");

/**
 * Every error Skewless raises on purpose is a SkewlessError: a stable `code` for programs, a
 * message that names the object, file or column and what was wrong, and a `hint` saying what to do.
 */
export class SkewlessError extends Error {
  /** Marks Skewless errors, so `instanceof` holds even across two loaded copies of this package. */
  readonly [SKEWLESS_ERROR] = true;
  readonly code: string;
  readonly hint?: string;

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== "object" || value === null || !(value as { [SKEWLESS_ERROR]?: boolean })[SKEWLESS_ERROR]) return false;
    for (let p = Object.getPrototypeOf(value); p; p = Object.getPrototypeOf(p)) {
      if (p.constructor?.name === this.name) return true;
    }
    return false;
  }

  /** The message followed by the hint, as the CLI prints it. */
  describe(): string {
    return this.hint ? `${this.message}\n  hint: ${this.hint}` : this.message;
  }
}

/** `feature_store.yaml` is missing, unreadable, or holds a key or value Skewless cannot use. */
export class ConfigError extends SkewlessError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super("CONFIG_INVALID", message, { hint, cause });
  }
}

/** A definition (entity, source, view, service) is invalid or inconsistent with the others. */
export class DefinitionError extends SkewlessError {
  constructor(message: string, hint?: string) {
    super("DEFINITION_INVALID", message, { hint });
  }
}

/** A definition module in the feature repo failed to load. */
export class RepoLoadError extends SkewlessError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super("REPO_LOAD_FAILED", message, { hint, cause });
  }
}

/** The registry file exists but is not a readable Feast registry (truncated, corrupt, not protobuf). */
export class RegistryCorruptError extends SkewlessError {
  constructor(readonly location: string, detail: string, cause?: unknown) {
    super("REGISTRY_CORRUPT", `registry ${location} is corrupt or truncated: ${detail}`, {
      hint: "restore it from a backup or version history; Skewless will not treat it as empty",
      cause,
    });
  }
}

/** No registry exists where feature_store.yaml points (a wrong path, or one nobody applied yet). */
export class RegistryNotFoundError extends SkewlessError {
  constructor(readonly location: string) {
    super("REGISTRY_NOT_FOUND", `registry ${location} does not exist`, {
      hint: "check registry in feature_store.yaml (a relative path is relative to the repo), or run `skewless apply` to create it",
    });
  }
}

/** A compare-and-swap write lost to concurrent writers more times than the retry budget allows. */
export class RegistryConflictError extends SkewlessError {
  constructor(location: string, attempts: number) {
    super("REGISTRY_CONFLICT", `registry ${location} kept changing under us: gave up after ${attempts} attempts`, {
      hint: "another process is writing the registry continuously; retry when it is done",
    });
  }
}

/** An object (entity, view, service, source) was looked up by name and is not in the registry. */
export class ObjectNotFoundError extends SkewlessError {
  constructor(readonly kind: string, readonly objectName: string, project: string, known: readonly string[] = []) {
    const listing = known.length ? ` (known: ${known.slice(0, 20).join(", ")}${known.length > 20 ? ", ..." : ""})` : "";
    super("OBJECT_NOT_FOUND", `${kind} ${objectName} does not exist in project ${project}${listing}`, {
      hint: "check the name, or run `skewless apply` so the registry has it",
    });
  }
}

/** A feature reference (`view:feature`) or feature service selection is malformed or unknown. */
export class FeatureReferenceError extends SkewlessError {
  constructor(message: string, hint?: string) {
    super("FEATURE_REFERENCE_INVALID", message, { hint });
  }
}

/** Two requested features would get the same output name (Feast's FeatureNameCollisionError). */
export class FeatureNameCollisionError extends FeatureReferenceError {}

/** Data does not match the declared schema: a missing column, a wrong type, an overflow. */
export class SchemaMismatchError extends SkewlessError {
  constructor(message: string, hint?: string) {
    super("SCHEMA_MISMATCH", message, { hint });
  }
}

/** Input given to an API call is malformed (not a data or definition problem). */
export class InvalidArgumentError extends SkewlessError {
  constructor(message: string, hint?: string) {
    super("INVALID_ARGUMENT", message, { hint });
  }
}

/** A backend (DuckDB, SQLite, Redis, a cloud API) failed; `cause` holds the driver's error. */
export class BackendError extends SkewlessError {
  constructor(backend: string, action: string, cause: unknown, hint?: string) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super("BACKEND_FAILED", `${backend}: ${action} failed: ${detail}`, { hint, cause });
  }
}

/**
 * The online store refused a write for lack of memory (Redis's OOM: `maxmemory` reached under a
 * policy that evicts nothing). Materialization stops and records nothing, so a rerun is safe.
 */
export class OnlineStoreOutOfMemoryError extends SkewlessError {
  constructor(where: string, view: string, cause: unknown, hint: string) {
    super("ONLINE_STORE_OUT_OF_MEMORY", `the online store (${where}) is out of memory (maxmemory reached and nothing could be evicted): writing feature view ${view} stopped`, { hint, cause });
  }
}

/** A registry object is managed by another tool (the CLI, another Pulumi stack), which would fight over it. */
export class ObjectOwnershipError extends SkewlessError {
  constructor(kind: string, name: string, project: string, owner: string, wanted: string) {
    super("OBJECT_OWNED_ELSEWHERE", `${kind} ${name} in project ${project} is managed by ${owner}, so ${wanted} will not take it over`, {
      hint: `remove it with the tool that manages it (or drop its skewless/managed-by tag), then run ${wanted} again`,
    });
  }
}

/** A registry URI (`s3://bucket/key`, `gs://bucket/key`) is malformed or uses an unknown scheme. */
export class RegistryUriError extends SkewlessError {
  constructor(readonly location: string, problem: string, hint: string) {
    super("REGISTRY_URI_INVALID", `registry ${location}: ${problem}`, { hint });
  }
}

/** The bucket a registry URI names does not exist (on this endpoint, for these credentials). */
export class RegistryBucketNotFoundError extends SkewlessError {
  constructor(readonly location: string, bucket: string, hint: string, cause?: unknown) {
    super("REGISTRY_BUCKET_NOT_FOUND", `registry ${location}: bucket ${bucket} does not exist`, { hint, cause });
  }
}

/** The credentials in use (or the lack of any) do not allow reading or writing the registry object. */
export class RegistryAccessDeniedError extends SkewlessError {
  constructor(readonly location: string, action: string, detail: string, hint: string, cause?: unknown) {
    super("REGISTRY_ACCESS_DENIED", `registry ${location}: access denied while trying to ${action}: ${detail}`, { hint, cause });
  }
}

/** A data source's file, folder or table does not exist where the registry says it is. */
export class DataSourceNotFoundError extends SkewlessError {
  constructor(message: string, hint?: string) {
    super("DATA_SOURCE_NOT_FOUND", message, { hint });
  }
}

/** A query failed in a backend. `sql` is the statement as sent (it never holds secrets). */
export class QueryError extends BackendError {
  readonly sql: string;

  constructor(backend: string, sql: string, cause: unknown, hint?: string) {
    const firstLine = sql.trim().split("\n")[0];
    super(backend, `query ${firstLine.length > 160 ? `${firstLine.slice(0, 157)}...` : firstLine}`, cause, hint);
    this.sql = sql;
  }
}

/** A stored value the answer's format cannot carry (Infinity or NaN in JSON, as Feast's server also refuses). */
export class ValueNotRepresentableError extends SkewlessError {
  constructor(detail: string) {
    super("VALUE_NOT_REPRESENTABLE", `Out of range float values are not JSON compliant: ${detail}`, {
      hint: "JSON has no Infinity or NaN (Feast's feature server refuses them too): read the feature in-process, or store a finite value or null",
    });
  }
}

/** A training-set manifest is missing, unreadable, or does not match what it describes. */
export class ManifestError extends SkewlessError {
  constructor(message: string, hint?: string) {
    super("MANIFEST_INVALID", message, { hint });
  }
}

/** `persist` would overwrite a file without `allowOverwrite` (Feast's SavedDatasetLocationAlreadyExists). */
export class SavedDatasetExistsError extends SkewlessError {
  constructor(location: string) {
    super("SAVED_DATASET_LOCATION_EXISTS", `saved dataset location ${location} already exists`, {
      hint: "choose another path, or pass allowOverwrite: true (--allow-overwrite) to replace it",
    });
  }
}

/** A push names a push source that feeds no feature view (Feast's PushSourceNotFoundException). */
export class PushSourceNotFoundError extends InvalidArgumentError {
  constructor(readonly pushSource: string, project: string) {
    // Feast's wording first: its clients and tests match on it
    super(`Unable to find push source '${pushSource}': it feeds no feature view in project ${project}`, "check the push_source_name");
  }
}

/** A training set cannot be rebuilt: its registry version is gone, or its inputs changed. */
export class RebuildError extends SkewlessError {
  constructor(message: string, hint?: string) {
    super("REBUILD_FAILED", message, { hint });
  }
}
