import type { RegistryPlan } from "./diff";
import type { KindProtos, ManagedKind, RegistryModel } from "./model";
import { managerOf, withOwnership, type Manager } from "./ownership";
import type { DataSourceProto, SpecObjectProto } from "./proto/types";

/** Writes a plan's changes into `model`, marking what it writes as managed by `manager`. */
export function applyPlan(model: RegistryModel, plan: RegistryPlan, manager: Manager, now = new Date()): void {
  model.ensureProject(plan.project, now);
  for (const change of plan.changes) {
    if (change.action === "delete") model.remove(change.kind, plan.project, change.name);
    else model.upsert(change.kind, plan.project, markManaged(change.kind, change.desired!, manager), now);
  }
}

/** A copy of `proto` whose tags say who manages it. */
export function markManaged<K extends ManagedKind>(kind: K, proto: KindProtos[K], manager: Manager): KindProtos[K] {
  if (kind === "dataSource") {
    const ds = proto as DataSourceProto;
    return { ...ds, tags: withOwnership(ds.tags, manager) } as KindProtos[K];
  }
  const o = proto as SpecObjectProto;
  return { ...o, spec: { ...o.spec, tags: withOwnership(o.spec?.tags, manager) } } as KindProtos[K];
}

/** Who manages a registry object, per its tags (undefined: written by Feast or by hand). */
export function objectManager(kind: ManagedKind, proto: object): string | undefined {
  return managerOf(kind === "dataSource" ? (proto as DataSourceProto).tags : (proto as SpecObjectProto).spec?.tags);
}
