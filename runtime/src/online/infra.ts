import type { RepoConfig } from "../config";
import { featureViewInfo } from "../registry/catalog";
import type { RegistryPlan } from "../registry/diff";
import type { RegistryModel } from "../registry/model";
import type { FeatureViewProto, InfraObjectProto } from "../registry/proto/types";
import type { RecordedInfra } from "./online-module";
import { onlineStoreModule } from "./online-stores";
import { onlineTable } from "./open-online-store";
import type { OnlineInfraUpdate, OnlineTable } from "./online-store";

/** One change `apply` makes to the online store, as Feast prints it: `Created sqlite table p_v`. */
export interface InfraChange {
  action: "create" | "delete";
  /** What is printed before the name: the store's table label (`sqlite table`), or `online data of feature view`. */
  kind: string;
  name: string;
}

export interface InfraPlan {
  changes: InfraChange[];
  /** What the online store must hold afterwards: every view of the project, and the removed ones. */
  update: OnlineInfraUpdate;
  /** Stores that record their tables: this project's `registry.infra` objects after apply. */
  recorded?: { infra: RecordedInfra; objects: InfraObjectProto[] };
}

/** What a store without recorded tables (Redis) says of a removed view. */
const REMOVED_DATA = "online data of feature view";

/**
 * The online-store side of a registry plan (Feast's infra diff). Stores that record their tables
 * (SQLite, DynamoDB: see `OnlineStoreModule.infra`) get one `registry.infra` object per feature
 * view of the project, diffed by table name against what the registry records; for the others
 * (Redis), removed views lose their data.
 */
export function planInfra(model: RegistryModel, plan: RegistryPlan, config: RepoConfig): InfraPlan {
  const project = config.project;
  const deleted = new Set(plan.changes.filter((c) => c.kind === "featureView" && c.action === "delete").map((c) => c.name));
  const views = new Map<string, FeatureViewProto>();
  for (const v of model.list("featureView", project)) if (!deleted.has(v.spec?.name ?? "")) views.set(v.spec?.name ?? "", v);
  for (const c of plan.changes) {
    if (c.kind === "featureView" && c.action !== "delete") views.set(c.name, c.desired as FeatureViewProto);
  }
  const keep = [...views.values()].map((v) => onlineTable(featureViewInfo(v)));
  // Feast also keeps tables for stream feature views and online label views, which Skewless does
  // not manage: they stay (and are recreated if missing), never dropped as strays.
  for (const other of model.list("streamFeatureView", project)) keep.push({ name: other.spec?.name ?? "", joinKeys: [], features: [] });
  for (const other of model.list("labelView", project)) {
    if ((other.spec as { online?: boolean } | undefined)?.online) keep.push({ name: other.spec?.name ?? "", joinKeys: [], features: [] });
  }
  const removed = [...deleted].map((name) => model.get("featureView", project, name)).filter((v): v is FeatureViewProto => v !== undefined);
  const remove = removed.map((v) => onlineTable(featureViewInfo(v)));
  const infra = onlineStoreModule(config.onlineStore).infra?.(config.onlineStore, project);
  if (!infra) return { changes: remove.map((t) => ({ action: "delete", kind: REMOVED_DATA, name: t.name })), update: { keep, remove } };

  const recorded = recordedObjects(model, infra);
  const recordedNames = new Set(recorded.map((o) => infra.tableName(o)));
  const desired = keep.map((t) => infra.object(t));
  const desiredNames = new Set(desired.map((o) => infra.tableName(o)));
  const change = (action: InfraChange["action"]) => (name: string): InfraChange => ({ action, kind: infra.label, name });
  const changes = [
    ...[...desiredNames].filter((n) => !recordedNames.has(n)).sort().map(change("create")),
    ...[...recordedNames].filter((n) => !desiredNames.has(n)).sort().map(change("delete")),
  ];
  // Tables recorded but no longer backed by a view are dropped too (Feast's infra diff deletes them).
  const removedNames = new Set(remove.map((t) => infra.tableName(infra.object(t))));
  const orphans: OnlineTable[] = [...recordedNames]
    .filter((n) => !desiredNames.has(n) && !removedNames.has(n))
    .map((n) => ({ name: infra.viewOf(n)!, joinKeys: [], features: [] }));
  return { changes, update: { keep, remove: [...remove, ...orphans] }, recorded: { infra, objects: desired } };
}

/** Writes the plan's tables into `registry.infra`, keeping other projects' and other stores' objects. */
export function recordInfra(model: RegistryModel, plan: InfraPlan): void {
  if (!plan.recorded) return;
  const mine = new Set(recordedObjects(model, plan.recorded.infra));
  const others = (model.proto.infra?.infra_objects ?? []).filter((o) => !mine.has(o));
  model.proto.infra = { ...(model.proto.infra ?? {}), infra_objects: [...others, ...plan.recorded.objects] };
}

/** True when the infra plan changes nothing. */
export function isEmptyInfraPlan(infra: InfraPlan | undefined): boolean {
  return !infra || infra.changes.length === 0;
}

/** This project's objects of the store's class in `registry.infra`. */
function recordedObjects(model: RegistryModel, infra: RecordedInfra): InfraObjectProto[] {
  return (model.proto.infra?.infra_objects ?? []).filter((o) => o.infra_object_class_type === infra.classType && infra.viewOf(infra.tableName(o)) !== undefined);
}
