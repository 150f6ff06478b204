import type { RegistryPlan } from "./diff";
import type { AppliedKind, KindProtos, RegistryModel } from "./model";
import { managerOf, withoutOwnership, type Manager } from "./ownership";
import type { DataSourceProto, SpecObjectProto } from "./proto/types";

/** Writes a plan's changes into `model`, marking what it writes as managed by `manager`. */
export function applyPlan(model: RegistryModel, plan: RegistryPlan, manager: Manager, now = new Date()): void {
  model.ensureProject(plan.project, now);
  for (const change of plan.changes) {
    if (change.action === "delete") model.remove(change.kind, plan.project, change.name);
    else model.upsert(change.kind, plan.project, markManaged(change.kind, change.desired!, manager), now);
  }
}

/** A copy of `proto` whose meta says who manages it (and without the tag earlier versions used). */
export function markManaged<K extends AppliedKind>(kind: K, proto: KindProtos[K], manager: Manager): KindProtos[K] {
  if (kind === "dataSource") {
    const ds = proto as DataSourceProto;
    return { ...ds, tags: withoutOwnership(ds.tags), meta: { ...ds.meta, skewless_managed_by: manager } } as KindProtos[K];
  }
  const o = proto as SpecObjectProto;
  return {
    ...o, spec: { ...o.spec, tags: withoutOwnership(o.spec?.tags) }, meta: { ...o.meta, skewless_managed_by: manager },
  } as KindProtos[K];
}

/** Who manages a registry object, per its meta (undefined: written by Feast or by hand). */
export function objectManager(kind: AppliedKind, proto: object): string | undefined {
  if (kind === "dataSource") return managerOf((proto as DataSourceProto).meta, (proto as DataSourceProto).tags);
  const o = proto as SpecObjectProto;
  return managerOf(o.meta, o.spec?.tags);
}
