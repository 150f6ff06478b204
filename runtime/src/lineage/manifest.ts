import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { ManifestError } from "../errors";
import type { RequestedView } from "../registry/feature-refs";
import type { RegistryModel } from "../registry/model";
import { specFromProto } from "../registry/kinds";
import { encodeMessage } from "../registry/proto/codec";
import { timestampToDate } from "../registry/proto/time";
import { featureViewProtoAtVersion } from "../registry/view-versions";
import { sourceRelation } from "../offline/source-relation";
import { fileSha256, sourceVersion, type SourceVersion } from "./source-versions";

export { fileSha256 };

/** The parquet footer key holding the manifest (the sidecar `<file>.manifest.json` holds the same, plus the output hash). */
export const MANIFEST_KEY = "skewless.manifest";
export const MANIFEST_FORMAT = "skewless.training-manifest/1";

/** What a training set was built from: enough to trace it to its raw data and rebuild it. */
export interface TrainingManifest {
  format: typeof MANIFEST_FORMAT;
  skewlessVersion: string;
  createdAt: string;
  project: string;
  /** What was asked for: rebuilds ask again with the same words. */
  request: {
    features: string[];
    featureService?: string;
    fullFeatureNames: boolean;
    createdTimestampCutoff: boolean;
    includeSourceTimestamps: boolean;
  };
  registry: {
    location: string;
    versionId: string;
    /** SHA-256 of registry.db's bytes as read. */
    sha256: string;
    lastUpdated?: string;
    /** Where that version can be loaded from again (undefined: no history kept). */
    history?: string;
  };
  /** Each view as applied: the spec and the SHA-256 of its serialized `FeatureViewSpec`. */
  views: { name: string; specSha256: string; spec: unknown; source: string }[];
  /** Each source read, with the version of the data. */
  sources: { name: string; views: string[]; version: SourceVersion }[];
  /** The entity rows, kept beside the training set as parquet, and their fingerprint. */
  entityRows: { file: string; sha256: string; rows: number; columns: string[] };
  /** The entity rows' event time range. */
  timeRange?: { min: string; max: string };
  columns: string[];
}

/** The sidecar: the manifest plus what only exists once the parquet is written. */
export interface ManifestSidecar extends TrainingManifest {
  output: { file: string; sha256: string; rows: number };
}

export interface ManifestInput {
  skewlessVersion: string;
  project: string;
  repoPath: string;
  request: TrainingManifest["request"];
  model: RegistryModel;
  registryBytes: Uint8Array;
  registryLocation: string;
  historyLocation?: string;
  views: readonly RequestedView[];
  /** From `readSources` (read before the retrieval runs, so lineage events can name the versions). */
  sources: TrainingManifest["sources"];
  entityRows: TrainingManifest["entityRows"];
  timeRange?: { min: Date; max: Date };
  columns: readonly string[];
  now?: Date;
}

/** Builds the manifest: hashes the registry and view specs, and versions every source read. */
export async function buildManifest(input: ManifestInput): Promise<TrainingManifest> {
  const views = input.views.map(({ view, prefix }) => {
    // A versioned reference (view@vN) read the version's snapshot, not the current view.
    const version = /@v(\d+)$/.exec(prefix)?.[1];
    const proto = version === undefined
      ? input.model.get("featureView", input.project, view.name)!
      : featureViewProtoAtVersion(input.model, input.project, view.name, Number(version));
    return {
      name: version === undefined ? view.name : `${view.name}@v${version}`,
      specSha256: sha256(encodeMessage("feast.core.FeatureViewSpec", proto.spec ?? {})),
      spec: jsonSafe(specFromProto("featureView", proto)),
      source: view.batchSource.name,
    };
  });
  const sources = input.sources;
  return {
    format: MANIFEST_FORMAT,
    skewlessVersion: input.skewlessVersion,
    createdAt: (input.now ?? new Date()).toISOString(),
    project: input.project,
    request: input.request,
    registry: {
      location: input.registryLocation,
      versionId: input.model.proto.version_id ?? "",
      sha256: sha256(input.registryBytes),
      lastUpdated: timestampToDate(input.model.lastUpdated)?.toISOString(),
      history: input.historyLocation,
    },
    views,
    sources,
    entityRows: input.entityRows,
    timeRange: input.timeRange && { min: input.timeRange.min.toISOString(), max: input.timeRange.max.toISOString() },
    columns: [...input.columns],
  };
}

/** Each distinct source the views read, with the version of its data now. */
export async function readSources(views: readonly RequestedView[], repoPath: string): Promise<TrainingManifest["sources"]> {
  const byUri = new Map<string, { name: string; views: string[] }>();
  for (const { view } of views) {
    const location = sourceRelation(view, repoPath, []).location;
    const uri = location.kind === "file" ? location.path : location.kind === "table" ? `table:${location.table}` : `query:${location.query}`;
    const entry = byUri.get(uri) ?? { name: view.batchSource.name, views: [] };
    entry.views.push(view.name);
    byUri.set(uri, entry);
  }
  return Promise.all([...byUri].map(async ([uri, s]) => ({ ...s, version: await sourceVersion(uri) })));
}

/** The files that travel with a training set at `file`. */
export function companionFiles(file: string): { manifest: string; entityRows: string } {
  return { manifest: `${file}.manifest.json`, entityRows: `${file}.entities.parquet` };
}

/** Reads a training set's sidecar manifest (`<file>.manifest.json`, or the path of the JSON itself). */
export async function readManifest(file: string): Promise<ManifestSidecar> {
  const json = file.endsWith(".manifest.json") ? file : companionFiles(file).manifest;
  let text: string;
  try {
    text = await fs.readFile(json, "utf8");
  } catch (e) {
    throw new ManifestError(`${json} cannot be read: ${(e as Error).message}`, "training sets written by Skewless have a <file>.manifest.json beside them");
  }
  let parsed: ManifestSidecar;
  try {
    parsed = JSON.parse(text) as ManifestSidecar;
  } catch (e) {
    throw new ManifestError(`${json} is not JSON: ${(e as Error).message}`);
  }
  if (parsed?.format !== MANIFEST_FORMAT) throw new ManifestError(`${json} is not a Skewless training manifest (format ${JSON.stringify(parsed?.format)})`);
  return parsed;
}

/** The training set's path a manifest describes, resolved against the manifest's folder. */
export function outputPath(manifestFile: string, sidecar: ManifestSidecar): string {
  return path.resolve(path.dirname(manifestFile), sidecar.output.file);
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** JSON without bigint (as strings) or undefined. */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
}
