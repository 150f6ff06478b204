import type { RepoConfig } from "../config";
import { featureViewInfo } from "../registry/catalog";
import type { RegistryPlan } from "../registry/diff";
import type { RegistryModel } from "../registry/model";
import type { FeatureViewProto, InfraObjectProto } from "../registry/proto/types";
import { onlineTable } from "./open-online-store";
import type { OnlineInfraUpdate, OnlineTable } from "./online-store";
import { tableName } from "./sqlite/sqlite-sql";

/** Feast's class name for SQLite tables in `registry.infra`. */
export const SQLITE_TABLE_CLASS = "feast.infra.online_stores.sqlite.SqliteTable";

/** One change `apply` makes to the online store, as Feast prints it: `Created sqlite table p_v`. */
export interface InfraChange {
  action: "create" | "delete";
  /** `sqlite table`, or `redis data` (Redis has nothing to create; removed views lose their fields). */
  kind: "sqlite table" | "redis data";
  name: string;
}

export interface InfraPlan {
  changes: InfraChange[];
  /** What the online store must hold afterwards: every view of the project, and the removed ones. */
  update: OnlineInfraUpdate;
  /** SQLite: the `registry.infra` objects of this project after apply. */
  sqliteTables?: InfraObjectProto[];
}

/**
 * The online-store side of a registry plan (Feast's infra diff). For SQLite, every feature view of
 * the project has a table recorded in `registry.infra` as `InfraObject{sqlite_table}`, and the diff
 * is by table name against what the registry records; for Redis, removed views lose their data.
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
  const streams = new Set(model.list("streamFeatureView", project).map((v) => v.spec?.name ?? ""));
  for (const c of plan.changes) if (c.kind === "streamFeatureView") (c.action === "delete" ? streams.delete(c.name) : streams.add(c.name));
  for (const name of streams) keep.push({ name, joinKeys: [], features: [] });
  for (const other of model.list("labelView", project)) {
    if ((other.spec as { online?: boolean } | undefined)?.online) keep.push({ name: other.spec?.name ?? "", joinKeys: [], features: [] });
  }
  const removed = [...deleted].map((name) => model.get("featureView", project, name)).filter((v): v is FeatureViewProto => v !== undefined);
  const remove = removed.map((v) => onlineTable(featureViewInfo(v)));
  const update = { keep, remove };
  if (config.onlineStore.type === "redis") {
    return { changes: remove.map((t) => ({ action: "delete", kind: "redis data", name: t.name })), update };
  }
  const path = config.onlineStore.path;
  const prefix = `${project}_`;
  const recorded = recordedSqliteTables(model).filter((o) => o.sqlite_table?.name?.startsWith(prefix));
  const recordedNames = new Set(recorded.map((o) => o.sqlite_table?.name ?? ""));
  const desired = keep.map((t) => sqliteTableObject(path, tableName(project, t.name)));
  const desiredNames = new Set(desired.map((o) => o.sqlite_table!.name!));
  const changes: InfraChange[] = [
    ...[...desiredNames].filter((n) => !recordedNames.has(n)).sort().map((name) => ({ action: "create" as const, kind: "sqlite table" as const, name })),
    ...[...recordedNames].filter((n) => !desiredNames.has(n)).sort().map((name) => ({ action: "delete" as const, kind: "sqlite table" as const, name })),
  ];
  // Tables recorded but no longer backed by a view are dropped too (Feast's infra diff deletes them).
  const orphaned = [...recordedNames].filter((n) => !desiredNames.has(n) && !remove.some((t) => tableName(project, t.name) === n));
  const orphanTables: OnlineTable[] = orphaned.map((n) => ({ name: n.slice(prefix.length), joinKeys: [], features: [] }));
  return { changes, update: { keep, remove: [...remove, ...orphanTables] }, sqliteTables: desired };
}

/** Writes the plan's SQLite tables into `registry.infra`, keeping other projects' and other kinds' objects. */
export function recordInfra(model: RegistryModel, infra: InfraPlan, project: string): void {
  if (!infra.sqliteTables) return;
  const prefix = `${project}_`;
  const others = (model.proto.infra?.infra_objects ?? []).filter(
    (o) => !(o.infra_object_class_type === SQLITE_TABLE_CLASS && (o.sqlite_table?.name ?? "").startsWith(prefix)),
  );
  model.proto.infra = { ...(model.proto.infra ?? {}), infra_objects: [...others, ...infra.sqliteTables] };
}

/** True when the infra plan changes nothing. */
export function isEmptyInfraPlan(infra: InfraPlan | undefined): boolean {
  return !infra || infra.changes.length === 0;
}

function recordedSqliteTables(model: RegistryModel): InfraObjectProto[] {
  return (model.proto.infra?.infra_objects ?? []).filter((o) => o.infra_object_class_type === SQLITE_TABLE_CLASS);
}

function sqliteTableObject(path: string, name: string): InfraObjectProto {
  return { infra_object_class_type: SQLITE_TABLE_CLASS, sqlite_table: { path, name } };
}
