import { existsSync } from "node:fs";
import * as path from "node:path";
import { RebuildError } from "../errors";
import { FeatureStore } from "../feature-store";
import type { HistoricalFeaturesRequest } from "../feature-store";
import { companionFiles, fileSha256, outputPath, readManifest, sha256, type ManifestSidecar, type TrainingManifest } from "./manifest";
import { sameVersion, sourceVersion } from "./source-versions";
import type { TrainingJob } from "./training-job";

export interface RebuildResult {
  /** The rebuilt file. */
  path: string;
  rows: number;
  sha256: string;
  /** What the manifest recorded for the original. */
  originalSha256: string;
  identical: boolean;
  registryVersion: string;
}

/**
 * Rebuilds a training set from its manifest: the registry version it names (from the registry
 * history), its entity rows (`<file>.entities.parquet`) and the same request. Refuses when the
 * registry version, the entity rows or any source no longer match the manifest's hashes, naming
 * what changed; otherwise writes `target` and compares its SHA-256 with the original's.
 */
export async function rebuildTrainingSet(repoPath: string, trainingSet: string, target: string): Promise<RebuildResult> {
  const manifestFile = companionFiles(path.resolve(repoPath, trainingSet)).manifest;
  const sidecar = await readManifest(trainingSet.endsWith(".manifest.json") ? path.resolve(repoPath, trainingSet) : manifestFile);
  const original = outputPath(manifestFile, sidecar);
  const entityRows = path.join(path.dirname(original), sidecar.entityRows.file);
  if (!existsSync(entityRows)) throw new RebuildError(`${entityRows} is missing: the training set's entity rows are needed to rebuild it`);
  if ((await fileSha256(entityRows)) !== sidecar.entityRows.sha256) {
    throw new RebuildError(`${entityRows} changed since ${original} was written (its SHA-256 no longer matches the manifest)`);
  }
  const changed: string[] = [];
  for (const source of sidecar.sources) {
    if (source.version.kind !== "local") throw new RebuildError(`source ${source.name} (${source.version.uri}) has no recorded version: ${source.version.note ?? "unversioned"}`);
    if (!sameVersion(source.version, await sourceVersion(source.version.uri))) changed.push(`${source.name} (${source.version.uri})`);
  }
  if (changed.length > 0) {
    throw new RebuildError(`cannot rebuild ${original} byte for byte: source data changed since: ${changed.join(", ")}`, "restore the source files the manifest names (run `skewless lineage --verify` to see them)");
  }
  const store = await FeatureStore.open(repoPath, { registryVersion: sidecar.registry.versionId });
  try {
    const loaded = await store.registry.read();
    if (sha256(loaded.bytes ?? new Uint8Array()) !== sidecar.registry.sha256) {
      throw new RebuildError(`registry version ${sidecar.registry.versionId} in the history does not match the manifest's SHA-256`);
    }
    const job = await store.getHistoricalFeatures(requestOf(sidecar, entityRows)) as TrainingJob;
    try {
      const written = await job.writeTrainingSet(target, { manifest: manifestOnly(sidecar) });
      const sha = written.manifest!.output.sha256;
      return {
        path: written.path, rows: written.rows, sha256: sha, originalSha256: sidecar.output.sha256,
        identical: sha === sidecar.output.sha256, registryVersion: sidecar.registry.versionId,
      };
    } finally {
      await job.close();
    }
  } finally {
    await store.close();
  }
}

function requestOf(manifest: TrainingManifest, entityRows: string): HistoricalFeaturesRequest {
  const { request } = manifest;
  return {
    entityDf: { parquet: entityRows },
    features: request.featureService ? { featureService: request.featureService } : request.features,
    fullFeatureNames: request.fullFeatureNames,
    createdTimestampCutoff: request.createdTimestampCutoff,
    includeSourceTimestamps: request.includeSourceTimestamps,
  };
}

/** The manifest as embedded in the parquet (the sidecar adds `output`, which only exists afterwards). */
function manifestOnly(sidecar: ManifestSidecar): TrainingManifest {
  const { output: _output, ...manifest } = sidecar;
  return manifest;
}
