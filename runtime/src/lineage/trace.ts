import { existsSync } from "node:fs";
import * as path from "node:path";
import { ObjectNotFoundError } from "../errors";
import type { RegistryHistory } from "../registry/history/registry-history";
import type { RegistryModel } from "../registry/model";
import { encodeMessage } from "../registry/proto/codec";
import { outputPath, readManifest, sha256, type ManifestSidecar } from "./manifest";
import { getSavedDataset, listSavedDatasets, type SavedDatasetInfo } from "./saved-datasets";
import { fileSha256, sameVersion, sourceVersion, type SourceVersion } from "./source-versions";

/** What `--verify` found for one input: still the same data, changed, or not checkable. */
export type VerifyStatus = "unchanged" | "changed" | "missing" | "unversioned";

export interface SourceLineage {
  name: string;
  views: string[];
  version: SourceVersion;
  verify?: { status: VerifyStatus; current?: SourceVersion };
}

export interface TrainingSetLineage {
  savedDataset?: string;
  /** The parquet file; undefined for a saved dataset stored elsewhere. */
  file?: string;
  /** Why there is no chain below the training set (e.g. a dataset Feast saved has no manifest). */
  note?: string;
  manifest?: {
    createdAt: string;
    rows: number;
    sha256: string;
    skewlessVersion: string;
    request: ManifestSidecar["request"];
    timeRange?: ManifestSidecar["timeRange"];
    entityRows: ManifestSidecar["entityRows"];
  };
  registry?: ManifestSidecar["registry"] & { inHistory: boolean; current?: { versionId: string; viewsChanged: string[] } };
  views?: { name: string; specSha256: string; source: string }[];
  sources?: SourceLineage[];
  /** With --verify: the training set file itself. */
  fileStatus?: VerifyStatus;
}

export interface LineageReport {
  target: { kind: "saved dataset" | "training set" | "feature service"; name: string };
  model?: { name: string; version?: string };
  featureService?: string;
  trainingSets: TrainingSetLineage[];
  verified: boolean;
  /** With --verify: whether every checkable input is unchanged. */
  unchanged?: boolean;
}

export interface TraceContext {
  repoPath: string;
  project: string;
  model: RegistryModel;
  history?: RegistryHistory;
}

/**
 * The chain behind a saved dataset, a training parquet file, or a feature service (its saved
 * datasets): model -> feature service -> training set -> registry version -> views -> sources ->
 * raw data versions. With `verify`, each source is read again and compared by hash.
 */
export async function traceLineage(context: TraceContext, target: string, verify = false): Promise<LineageReport> {
  const report = await resolveTarget(context, target);
  for (const set of report.trainingSets) await fill(context, set, verify);
  report.verified = verify;
  if (verify) {
    report.unchanged = report.trainingSets.every((s) => s.fileStatus !== "changed" && s.fileStatus !== "missing"
      && (s.sources ?? []).every((src) => src.verify?.status === "unchanged" || src.verify?.status === "unversioned"));
  }
  return report;
}

async function resolveTarget(context: TraceContext, target: string): Promise<LineageReport> {
  const { model, project } = context;
  const file = path.resolve(context.repoPath, target);
  if (/\.(parquet|json)$/i.test(target) || existsSync(file)) {
    return { target: { kind: "training set", name: file }, trainingSets: [{ file }], verified: false };
  }
  const datasets = listSavedDatasets(model, project);
  const dataset = datasets.find((d) => d.name === target);
  if (dataset) {
    return {
      target: { kind: "saved dataset", name: target }, model: modelOf(dataset.tags), featureService: dataset.featureService,
      trainingSets: [trainingSetOf(context, dataset)], verified: false,
    };
  }
  const service = model.get("featureService", project, target);
  if (service) {
    return {
      target: { kind: "feature service", name: target }, model: modelOf(service.spec?.tags ?? {}), featureService: target,
      trainingSets: datasets.filter((d) => d.featureService === target).map((d) => trainingSetOf(context, d)), verified: false,
    };
  }
  throw new ObjectNotFoundError("saved dataset, training set or feature service", target, project, datasets.map((d) => d.name));
}

function trainingSetOf(context: TraceContext, dataset: SavedDatasetInfo): TrainingSetLineage {
  if (!dataset.path || /^[a-z][a-z0-9+.-]*:\/\//i.test(dataset.path)) {
    return { savedDataset: dataset.name, note: `stored as ${dataset.storageKind}${dataset.path ? ` at ${dataset.path}` : ""}: no local manifest to read` };
  }
  return { savedDataset: dataset.name, file: path.resolve(context.repoPath, dataset.path) };
}

/** Tags that name the model a dataset or service feeds (`model`, `model_version`). */
function modelOf(tags: Record<string, string>): LineageReport["model"] {
  const name = tags.model ?? tags.model_name;
  return name ? { name, version: tags.model_version } : undefined;
}

async function fill(context: TraceContext, set: TrainingSetLineage, verify: boolean): Promise<void> {
  if (!set.file) return;
  const manifestFile = set.file.endsWith(".manifest.json") ? set.file : `${set.file}.manifest.json`;
  if (!existsSync(manifestFile)) {
    set.note = `${manifestFile} does not exist: the training set was not written by Skewless (Feast's saved datasets carry no manifest)`;
    return;
  }
  const manifest = await readManifest(manifestFile);
  set.file = outputPath(manifestFile, manifest);
  set.manifest = {
    createdAt: manifest.createdAt, rows: manifest.output.rows, sha256: manifest.output.sha256, skewlessVersion: manifest.skewlessVersion,
    request: manifest.request, timeRange: manifest.timeRange, entityRows: manifest.entityRows,
  };
  set.registry = { ...manifest.registry, inHistory: Boolean(await context.history?.load(manifest.registry.versionId)) };
  set.views = manifest.views.map(({ name, specSha256, source }) => ({ name, specSha256, source }));
  set.sources = manifest.sources.map((s) => ({ ...s }));
  if (!verify) return;
  set.fileStatus = existsSync(set.file) ? ((await fileSha256(set.file)) === manifest.output.sha256 ? "unchanged" : "changed") : "missing";
  set.registry.current = {
    versionId: context.model.proto.version_id ?? "",
    viewsChanged: manifest.views.filter((v) => currentSpecHash(context, v.name) !== v.specSha256).map((v) => v.name),
  };
  for (const source of set.sources) {
    if (source.version.kind !== "local") {
      source.verify = { status: "unversioned" };
      continue;
    }
    const current = await sourceVersion(source.version.uri);
    const status: VerifyStatus = current.kind !== "local" ? "missing" : sameVersion(source.version, current) ? "unchanged" : "changed";
    source.verify = { status, current };
  }
}

function currentSpecHash(context: TraceContext, view: string): string | undefined {
  const proto = context.model.get("featureView", context.project, view);
  return proto && sha256(encodeMessage("feast.core.FeatureViewSpec", proto.spec ?? {}));
}

/** Re-exported for the CLI's `dataset list`. */
export { getSavedDataset, listSavedDatasets };
