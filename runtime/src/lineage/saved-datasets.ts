import { ObjectNotFoundError } from "../errors";
import type { RegistryModel } from "../registry/model";
import { timestampFromDate, timestampToDate } from "../registry/proto/time";
import type { ProtoMessage } from "../registry/proto/codec";
import type { SpecObjectProto, TimestampProto } from "../registry/proto/types";

/** A saved dataset as the registry holds it (Feast's `SavedDataset`), whoever wrote it. */
export interface SavedDatasetInfo {
  name: string;
  project: string;
  features: string[];
  joinKeys: string[];
  fullFeatureNames: boolean;
  /** `file_storage.uri` (relative paths are the feature repo's), or undefined for other storages. */
  path?: string;
  /** The storage kind Feast names it by: file_storage, bigquery_storage, ... */
  storageKind: string;
  tags: Record<string, string>;
  featureService?: string;
  description: string;
  createdAt?: Date;
  lastUpdatedAt?: Date;
  minEventTimestamp?: Date;
  maxEventTimestamp?: Date;
}

export interface SavedDatasetFields {
  name: string;
  features: readonly string[];
  joinKeys: readonly string[];
  fullFeatureNames: boolean;
  path: string;
  tags?: Readonly<Record<string, string>>;
  featureService?: string;
  description?: string;
  minEventTimestamp?: Date;
  maxEventTimestamp?: Date;
}

interface SavedDatasetProto extends ProtoMessage {
  spec?: ProtoMessage & {
    name?: string; project?: string; features?: string[]; join_keys?: string[]; full_feature_names?: boolean;
    storage?: ProtoMessage & Record<string, (ProtoMessage & { uri?: string }) | undefined>;
    tags?: Record<string, string>; feature_service_name?: string; description?: string;
  };
  meta?: ProtoMessage & {
    created_timestamp?: TimestampProto; last_updated_timestamp?: TimestampProto;
    min_event_timestamp?: TimestampProto; max_event_timestamp?: TimestampProto;
  };
}

/**
 * Feast's `Registry.apply_saved_dataset`: replaces the entry of the same name and project, keeping
 * its created timestamp, and stamps `last_updated_timestamp`. Storage is `file_storage` (parquet).
 */
export function applySavedDataset(model: RegistryModel, project: string, fields: SavedDatasetFields, now = new Date()): void {
  const previous = model.get("savedDataset", project, fields.name) as SavedDatasetProto | undefined;
  const stamp = timestampFromDate(now);
  const proto: SavedDatasetProto = {
    spec: {
      name: fields.name,
      project,
      features: [...fields.features],
      join_keys: [...fields.joinKeys],
      full_feature_names: fields.fullFeatureNames,
      storage: { file_storage: { file_format: { parquet_format: {} }, uri: fields.path } },
      tags: { ...(fields.tags ?? {}) },
      feature_service_name: fields.featureService ?? "",
      description: fields.description ?? "",
    },
    meta: {
      created_timestamp: previous?.meta?.created_timestamp ?? stamp,
      last_updated_timestamp: stamp,
      min_event_timestamp: fields.minEventTimestamp && timestampFromDate(fields.minEventTimestamp),
      max_event_timestamp: fields.maxEventTimestamp && timestampFromDate(fields.maxEventTimestamp),
    },
  };
  model.ensureProject(project, now);
  model.remove("savedDataset", project, fields.name);
  (model.proto.saved_datasets ??= []).push(proto as SpecObjectProto);
}

/** Every saved dataset of `project`, Feast's included, in registry order. */
export function listSavedDatasets(model: RegistryModel, project: string): SavedDatasetInfo[] {
  return model.list("savedDataset", project).map((p) => savedDatasetInfo(p as SavedDatasetProto));
}

export function getSavedDataset(model: RegistryModel, project: string, name: string): SavedDatasetInfo {
  const proto = model.get("savedDataset", project, name);
  if (!proto) throw new ObjectNotFoundError("saved dataset", name, project, listSavedDatasets(model, project).map((d) => d.name));
  return savedDatasetInfo(proto as SavedDatasetProto);
}

function savedDatasetInfo(proto: SavedDatasetProto): SavedDatasetInfo {
  const spec = proto.spec ?? {};
  const storage = spec.storage ?? {};
  const storageKind = Object.keys(storage).find((k) => typeof storage[k] === "object" && storage[k] !== null) ?? "none";
  return {
    name: spec.name ?? "",
    project: spec.project ?? "",
    features: [...(spec.features ?? [])],
    joinKeys: [...(spec.join_keys ?? [])],
    fullFeatureNames: spec.full_feature_names ?? false,
    path: storage.file_storage?.uri || undefined,
    storageKind,
    tags: { ...(spec.tags ?? {}) },
    featureService: spec.feature_service_name || undefined,
    description: spec.description ?? "",
    createdAt: timestampToDate(proto.meta?.created_timestamp),
    lastUpdatedAt: timestampToDate(proto.meta?.last_updated_timestamp),
    minEventTimestamp: timestampToDate(proto.meta?.min_event_timestamp),
    maxEventTimestamp: timestampToDate(proto.meta?.max_event_timestamp),
  };
}
