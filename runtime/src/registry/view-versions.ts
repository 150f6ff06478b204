import { FeatureReferenceError } from "../errors";
import { featureViewInfo, type FeatureViewInfo } from "./catalog";
import type { RegistryModel } from "./model";
import { decodeMessage } from "./proto/codec";
import type { FeatureViewProto } from "./proto/types";

// Feast 0.66 versions feature views in the registry's `feature_view_version_history`: one record
// per (view, project, version_number) holding the serialized view as it was. `view@vN:feature`
// reads that snapshot; `view@latest:feature` and `view:feature` read the current view.

interface VersionRecord {
  feature_view_name?: string;
  project_id?: string;
  version_number?: number;
  feature_view_type?: string;
  feature_view_proto?: Uint8Array;
}

/** The view `name` as it was at version `version`, from the registry's version history. */
export function featureViewAtVersion(model: RegistryModel, project: string, name: string, version: number, ref: string): FeatureViewInfo {
  return featureViewInfo(featureViewProtoAtVersion(model, project, name, version, ref));
}

/** The serialized view of that version, decoded. */
export function featureViewProtoAtVersion(model: RegistryModel, project: string, name: string, version: number, ref = `${name}@v${version}`): FeatureViewProto {
  const records = ((model.proto as { feature_view_version_history?: { records?: VersionRecord[] } }).feature_view_version_history?.records ?? []);
  const mine = records.filter((r) => r.feature_view_name === name && r.project_id === project);
  const record = mine.find((r) => (r.version_number ?? 0) === version);
  if (!record) {
    const known = mine.map((r) => `v${r.version_number ?? 0}`).join(", ");
    throw new FeatureReferenceError(
      `feature reference ${ref}: feature view ${name} has no version v${version} in project ${project}`,
      known ? `its recorded versions are: ${known}` : `the registry records no versions of ${name} (Feast records them when versioning is enabled)`,
    );
  }
  if ((record.feature_view_type ?? "feature_view") !== "feature_view") {
    throw new FeatureReferenceError(`feature reference ${ref}: version v${version} of ${name} is a ${record.feature_view_type}, which Skewless does not read`);
  }
  return decodeMessage<FeatureViewProto>("feast.core.FeatureView", record.feature_view_proto ?? new Uint8Array());
}
