import { randomUUID } from "node:crypto";
import type { PermissionProto } from "./permission-proto";
import { cloneMessage } from "./proto/codec";
import { timestampFromDate } from "./proto/time";
import type {
  DataSourceProto, EntityProto, FeatureServiceProto, FeatureViewProto, ObjectMetaProto, OnDemandFeatureViewProto, RegistryProto, StreamFeatureViewProto,
  SpecObjectProto, TimestampProto,
} from "./proto/types";
import { REGISTRY_TYPE } from "./proto/types";

/** The kinds of registry object Skewless creates, updates and deletes (Pulumi resources exist for these). */
export type ManagedKind = "entity" | "dataSource" | "featureView" | "featureService" | "permission";
/** What `skewless apply` writes: the managed kinds plus on-demand and stream views. */
export type AppliedKind = ManagedKind | "onDemandFeatureView" | "streamFeatureView";

/** Every kind a registry lists, in Feast's diff order. */
export const OBJECT_KINDS = [
  "dataSource", "entity", "featureView", "onDemandFeatureView", "streamFeatureView", "labelView",
  "featureService", "permission", "savedDataset",
] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

export interface KindProtos {
  entity: EntityProto;
  dataSource: DataSourceProto;
  featureView: FeatureViewProto;
  featureService: FeatureServiceProto;
  onDemandFeatureView: OnDemandFeatureViewProto;
  streamFeatureView: StreamFeatureViewProto;
  labelView: SpecObjectProto;
  permission: PermissionProto;
  savedDataset: SpecObjectProto;
}

type RegistryListField =
  | "entities" | "data_sources" | "feature_views" | "on_demand_feature_views" | "stream_feature_views"
  | "label_views" | "feature_services" | "permissions" | "saved_datasets";

interface KindInfo {
  /** The Registry field holding the list. */
  field: RegistryListField;
  /** Singular label, as plans print it. */
  label: string;
  /** The proto message type of one entry. */
  type: string;
}

export const KINDS: Record<ObjectKind, KindInfo> = {
  dataSource: { field: "data_sources", label: "data source", type: "feast.core.DataSource" },
  entity: { field: "entities", label: "entity", type: "feast.core.Entity" },
  featureView: { field: "feature_views", label: "feature view", type: "feast.core.FeatureView" },
  onDemandFeatureView: { field: "on_demand_feature_views", label: "on demand feature view", type: "feast.core.OnDemandFeatureView" },
  streamFeatureView: { field: "stream_feature_views", label: "stream feature view", type: "feast.core.StreamFeatureView" },
  labelView: { field: "label_views", label: "label view", type: "feast.core.LabelView" },
  featureService: { field: "feature_services", label: "feature service", type: "feast.core.FeatureService" },
  permission: { field: "permissions", label: "permission", type: "feast.core.Permission" },
  savedDataset: { field: "saved_datasets", label: "saved dataset", type: "feast.core.SavedDataset" },
};

/** Name and project of an entry: data sources keep them at the top, everything else in `spec`. */
export function objectName(kind: ObjectKind, proto: object): string {
  if (kind === "dataSource") return (proto as DataSourceProto).name ?? "";
  return (proto as SpecObjectProto).spec?.name ?? "";
}

function objectProject(kind: ObjectKind, proto: object): string {
  if (kind === "dataSource") return (proto as DataSourceProto).project ?? "";
  return (proto as SpecObjectProto).spec?.project ?? "";
}

/**
 * An in-memory registry: Feast's `Registry` message plus the operations `feast apply` performs.
 * Every lookup is scoped to one project, as Feast filters on it.
 */
export class RegistryModel {
  readonly proto: RegistryProto;

  constructor(proto: RegistryProto = {}) {
    this.proto = proto;
  }

  /** The entries of one kind in `project`, in registry order. */
  list<K extends ObjectKind>(kind: K, project: string): KindProtos[K][] {
    const all = (this.proto[KINDS[kind].field] ?? []) as KindProtos[K][];
    return all.filter((p) => objectProject(kind, p) === project);
  }

  get<K extends ObjectKind>(kind: K, project: string, name: string): KindProtos[K] | undefined {
    return this.list(kind, project).find((p) => objectName(kind, p) === name);
  }

  /** The projects the registry holds, from `projects` and from the objects themselves. */
  projects(): string[] {
    const names = new Set<string>();
    for (const p of this.proto.projects ?? []) if (p.spec?.name) names.add(p.spec.name);
    for (const kind of OBJECT_KINDS) {
      for (const o of (this.proto[KINDS[kind].field] ?? []) as object[]) {
        const project = objectProject(kind, o);
        if (project) names.add(project);
      }
    }
    return [...names].sort();
  }

  /**
   * Feast's `apply_*`: drops any entry with the same name and project, appends the new one, keeps
   * the old `created_timestamp` and sets `last_updated_timestamp`. Feature views keep their
   * materialization intervals and state.
   */
  upsert<K extends AppliedKind>(kind: K, project: string, proto: KindProtos[K], now = new Date()): void {
    const name = objectName(kind, proto);
    const previous = this.get(kind, project, name);
    const entry = cloneMessage(KINDS[kind].type, proto) as KindProtos[K];
    const stamp = timestampFromDate(now);
    const meta: ObjectMetaProto = metaOf(kind, entry);
    const oldMeta = previous ? metaOf(kind, previous) : undefined;
    meta.created_timestamp = oldMeta?.created_timestamp ?? stamp;
    meta.last_updated_timestamp = stamp;
    if ((kind === "featureView" || kind === "streamFeatureView") && previous) {
      const oldFv = (previous as FeatureViewProto).meta;
      const fvMeta = (entry as FeatureViewProto).meta!;
      fvMeta.materialization_intervals = oldFv?.materialization_intervals ?? [];
      if (oldFv?.state) fvMeta.state = oldFv.state;
    }
    for (const embedded of embeddedSources(kind, entry)) this.stampEmbedded(embedded, project, stamp);
    this.remove(kind, project, name);
    const list = (this.proto[KINDS[kind].field] ??= []) as unknown as KindProtos[K][];
    list.push(entry);
  }

  /**
   * Feast embeds the very source object it registered, so an embedded copy carries the registered
   * source's timestamps (a source not registered on its own: the time of this write).
   */
  private stampEmbedded(source: DataSourceProto, project: string, stamp: TimestampProto): void {
    if (source.meta?.created_timestamp) return;
    const registered = source.name ? this.get("dataSource", project, source.name)?.meta : undefined;
    source.meta = {
      ...source.meta,
      created_timestamp: registered?.created_timestamp ?? stamp,
      last_updated_timestamp: registered?.last_updated_timestamp ?? stamp,
    };
  }

  /** Removes the entry; returns whether there was one. */
  remove(kind: ObjectKind, project: string, name: string): boolean {
    const field = KINDS[kind].field;
    const all = (this.proto[field] ?? []) as object[];
    const kept = all.filter((p) => !(objectName(kind, p) === name && objectProject(kind, p) === project));
    (this.proto as Record<string, unknown>)[field] = kept;
    return kept.length !== all.length;
  }

  /** Adds the `projects` and `project_metadata` entries Feast expects, when missing. */
  ensureProject(project: string, now = new Date()): void {
    const projects = (this.proto.projects ??= []);
    if (!projects.some((p) => p.spec?.name === project)) {
      const stamp = timestampFromDate(now);
      projects.push({ spec: { name: project }, meta: { created_timestamp: stamp, last_updated_timestamp: stamp } });
    }
    const metadata = (this.proto.project_metadata ??= []);
    if (!metadata.some((m) => m.project === project)) {
      metadata.push({ project, project_uuid: randomUUID() });
    }
  }

  /** Records one successful materialization of a view, as Feast does (intervals are never merged). */
  recordMaterialization(project: string, view: string, start: Date, end: Date, now = new Date()): void {
    const fv = this.get("featureView", project, view) ?? this.get("streamFeatureView", project, view);
    if (!fv) return;
    const meta = (fv.meta ??= {});
    (meta.materialization_intervals ??= []).push({ start_time: timestampFromDate(start), end_time: timestampFromDate(end) });
    meta.last_updated_timestamp = timestampFromDate(now);
    meta.state = FEATURE_VIEW_AVAILABLE_ONLINE;
  }

  /** Stamps a new `version_id` and `last_updated`, as every Feast write does. */
  stamp(now = new Date()): void {
    this.proto.registry_schema_version = this.proto.registry_schema_version || "1";
    this.proto.version_id = randomUUID();
    this.proto.last_updated = timestampFromDate(now);
  }

  /** When the registry was last written, if it says. */
  get lastUpdated(): TimestampProto | undefined {
    return this.proto.last_updated;
  }

  clone(): RegistryModel {
    return new RegistryModel(cloneMessage(REGISTRY_TYPE, this.proto));
  }
}

export const FEATURE_VIEW_AVAILABLE_ONLINE = 4;

function metaOf(kind: ObjectKind, proto: object): ObjectMetaProto {
  if (kind === "dataSource") return ((proto as DataSourceProto).meta ??= {});
  return ((proto as SpecObjectProto).meta ??= {});
}

/** The copies of data sources an object embeds (a push source's batch source, a view's sources, ...). */
function embeddedSources(kind: AppliedKind, proto: object): DataSourceProto[] {
  const out: DataSourceProto[] = [];
  const add = (source: DataSourceProto | undefined) => {
    if (!source) return;
    out.push(source);
    add(source.batch_source);
  };
  if (kind === "dataSource") add((proto as DataSourceProto).batch_source);
  if (kind === "featureView" || kind === "streamFeatureView") {
    const spec = (proto as FeatureViewProto).spec;
    add(spec?.batch_source);
    add(spec?.stream_source);
  }
  if (kind === "featureService") for (const p of (proto as FeatureServiceProto).spec?.features ?? []) add(p.batch_source);
  if (kind === "onDemandFeatureView") {
    for (const s of Object.values((proto as OnDemandFeatureViewProto).spec?.sources ?? {})) {
      add(s.feature_view_projection?.batch_source);
    }
  }
  return out;
}
