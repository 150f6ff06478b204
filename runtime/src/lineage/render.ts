import type { LineageReport, SourceLineage, TrainingSetLineage } from "./trace";
import type { SavedDatasetInfo } from "./saved-datasets";

/** The lineage chain as indented text: one arrow per hop, raw data versions last. */
export function renderLineage(report: LineageReport): string {
  const lines: string[] = [];
  const model = report.model ? `model ${report.model.name}${report.model.version ? ` ${report.model.version}` : ""}` : "model (no model/model_version tag)";
  lines.push(model);
  lines.push(`-> feature service ${report.featureService ?? "(none: features were listed)"}`);
  if (report.trainingSets.length === 0) lines.push("   (no saved datasets use it)");
  for (const set of report.trainingSets) lines.push(...trainingSet(set));
  if (report.verified) lines.push("", report.unchanged ? "verify: every source is unchanged" : "verify: CHANGED since the training set was written (see above)");
  return lines.join("\n");
}

function trainingSet(set: TrainingSetLineage): string[] {
  const name = set.savedDataset ? `saved dataset ${set.savedDataset}` : "training set";
  const lines = [`   -> ${name}${set.file ? ` ${set.file}` : ""}${status(set.fileStatus)}`];
  if (!set.manifest || !set.registry) {
    if (set.note) lines.push(`      ${set.note}`);
    return lines;
  }
  const m = set.manifest;
  lines.push(`      ${m.rows} rows, sha256 ${m.sha256}, written ${m.createdAt} by Skewless ${m.skewlessVersion}`);
  if (m.timeRange) lines.push(`      entity rows: ${m.entityRows.rows} (${m.entityRows.file}, sha256 ${m.entityRows.sha256}), event times ${m.timeRange.min} .. ${m.timeRange.max}`);
  const r = set.registry;
  lines.push(`      -> registry version ${r.versionId} (sha256 ${r.sha256}) ${r.inHistory ? `kept in ${r.history}` : "NOT in the registry history"}`);
  if (r.current) {
    const changed = r.current.viewsChanged.length ? `; views changed since: ${r.current.viewsChanged.join(", ")}` : "; no view changed since";
    lines.push(`         now at ${r.current.versionId}${changed}`);
  }
  for (const view of set.views ?? []) {
    lines.push(`         -> view ${view.name} (spec sha256 ${view.specSha256})${r.current?.viewsChanged.includes(view.name) ? " [CHANGED in the registry since]" : ""}`);
    for (const source of (set.sources ?? []).filter((s) => s.views[0] === view.name)) lines.push(...sourceLines(source));
  }
  return lines;
}

function sourceLines(source: SourceLineage): string[] {
  const v = source.version;
  const lines = [`            -> source ${source.name} ${v.uri}${status(source.verify?.status)}`];
  if (v.kind !== "local") {
    lines.push(`               (${v.note ?? "unversioned"})`);
    return lines;
  }
  for (const f of v.files ?? []) lines.push(`               -> ${f.path}: ${f.size} bytes, mtime ${f.mtime}, sha256 ${f.sha256}${f.hashOf === "parquet-footer" ? " (of the parquet footer)" : ""}`);
  if (source.verify?.status === "changed") {
    for (const f of source.verify.current?.files ?? []) lines.push(`               now ${f.path}: ${f.size} bytes, mtime ${f.mtime}, sha256 ${f.sha256}`);
  }
  return lines;
}

function status(s: string | undefined): string {
  if (!s) return "";
  return s === "unchanged" ? " [unchanged]" : ` [${s.toUpperCase()}]`;
}

/** `skewless dataset list`: one line per saved dataset. */
export function renderSavedDatasets(datasets: readonly SavedDatasetInfo[]): string {
  if (datasets.length === 0) return "no saved datasets";
  return datasets.map((d) => {
    const tags = Object.entries(d.tags).map(([k, v]) => `${k}=${v}`).join(",");
    const range = d.minEventTimestamp && d.maxEventTimestamp ? ` ${d.minEventTimestamp.toISOString()}..${d.maxEventTimestamp.toISOString()}` : "";
    return `${d.name}  ${d.path ?? d.storageKind}  ${d.features.length} features${d.featureService ? `  service ${d.featureService}` : ""}${range}${tags ? `  tags ${tags}` : ""}`;
  }).join("\n");
}
