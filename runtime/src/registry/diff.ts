import { flatten, type FlatSpec, type FlatValue } from "./kinds";
import { KINDS, objectName, type AppliedKind, type KindProtos, type RegistryModel } from "./model";
import type { DesiredState } from "./compile";
import { DUMMY_ENTITY_NAME } from "./to-proto";

/** One property that differs: `before`/`after` undefined means absent (a list item or map key added or removed). */
export interface PropertyChange {
  property: string;
  before?: string;
  after?: string;
}

export type ChangeAction = "create" | "update" | "delete";

export interface ObjectChange<K extends AppliedKind = AppliedKind> {
  action: ChangeAction;
  kind: K;
  name: string;
  /** For updates: what differs. For creates and deletes: empty. */
  changes: PropertyChange[];
  /** The object to write (create, update). */
  desired?: KindProtos[K];
}

export interface RegistryPlan {
  project: string;
  changes: ObjectChange[];
}

/** Kinds in the order plans list and apply them (Feast's order: sources, entities, views, on-demand and stream views, services, permissions). */
export const MANAGED_KINDS: readonly AppliedKind[] = [
  "dataSource", "entity", "featureView", "onDemandFeatureView", "streamFeatureView", "featureService", "permission",
];

const DESIRED_FIELD: Record<AppliedKind, keyof DesiredState> = {
  dataSource: "dataSources", entity: "entities", featureView: "featureViews", onDemandFeatureView: "onDemandFeatureViews",
  streamFeatureView: "streamFeatureViews", featureService: "featureServices", permission: "permissions",
};

export interface PlanOptions {
  /** Whether an object in the registry but not in `desired` should be deleted. Default: never. */
  shouldDelete?: (kind: AppliedKind, proto: object) => boolean;
}

/** Compares the registry with the desired objects, kind by kind, matching objects by name. */
export function planRegistry(model: RegistryModel, desired: DesiredState, project: string, options: PlanOptions = {}): RegistryPlan {
  const changes: ObjectChange[] = [];
  for (const kind of MANAGED_KINDS) {
    const wanted = (desired[DESIRED_FIELD[kind]] ?? []) as object[];
    const creates: ObjectChange[] = [];
    const updates: ObjectChange[] = [];
    const deletes: ObjectChange[] = [];
    const wantedNames = new Set<string>();
    for (const proto of wanted) {
      const name = objectName(kind, proto);
      wantedNames.add(name);
      const current = model.get(kind, project, name);
      if (!current) {
        creates.push({ action: "create", kind, name, changes: [], desired: proto as KindProtos[typeof kind] });
        continue;
      }
      const diff = diffObjects(kind, current, proto);
      if (diff.length) updates.push({ action: "update", kind, name, changes: diff, desired: proto as KindProtos[typeof kind] });
    }
    for (const current of model.list(kind, project)) {
      const name = objectName(kind, current);
      if (!wantedNames.has(name) && options.shouldDelete?.(kind, current)) deletes.push({ action: "delete", kind, name, changes: [] });
    }
    for (const group of [creates, updates, deletes]) {
      changes.push(...group.sort((a, b) => a.name.localeCompare(b.name)));
    }
  }
  return { project, changes };
}

/** What differs between two versions of one object, property by property. */
export function diffObjects(kind: AppliedKind, before: object, after: object): PropertyChange[] {
  return diffFlat(flatten(kind, before as never), flatten(kind, after as never));
}

export function diffFlat(before: FlatSpec, after: FlatSpec): PropertyChange[] {
  const out: PropertyChange[] = [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  for (const key of keys) out.push(...diffValue(key, before[key], after[key]));
  return out;
}

function diffValue(property: string, before: FlatValue | undefined, after: FlatValue | undefined): PropertyChange[] {
  if (Array.isArray(before) || Array.isArray(after)) {
    return diffList(property, asList(before), asList(after));
  }
  if (isMap(before) || isMap(after)) {
    const b = isMap(before) ? before : {};
    const a = isMap(after) ? after : {};
    return [...new Set([...Object.keys(b), ...Object.keys(a)])]
      .filter((k) => b[k] !== a[k])
      .map((k) => ({ property: `${property}.${k}`, before: b[k], after: a[k] }));
  }
  if ((before ?? "") === (after ?? "")) return [];
  return [{ property, before: String(before ?? ""), after: String(after ?? "") }];
}

/** Lists of `name: type` items are matched by name, so a type change reads `clicks: Int32 -> clicks: Int64`. */
function diffList(property: string, before: string[], after: string[]): PropertyChange[] {
  const keyOf = (item: string) => (item.includes(": ") ? item.slice(0, item.indexOf(": ")) : item);
  const b = new Map(before.map((i) => [keyOf(i), i]));
  const a = new Map(after.map((i) => [keyOf(i), i]));
  const out: PropertyChange[] = [];
  for (const [key, item] of a) {
    if (!b.has(key)) out.push({ property, after: item });
    else if (b.get(key) !== item) out.push({ property, before: b.get(key), after: item });
  }
  for (const [key, item] of b) if (!a.has(key)) out.push({ property, before: item });
  if (out.length === 0 && before.join("\n") !== after.join("\n")) {
    out.push({ property: `${property} order`, before: before.map(keyOf).join(", "), after: after.map(keyOf).join(", ") });
  }
  return out;
}

function asList(value: FlatValue | undefined): string[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === "" ? [] : [String(value)];
}

function isMap(value: FlatValue | undefined): value is Record<string, string> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when the plan changes nothing. */
export function isEmptyPlan(plan: RegistryPlan): boolean {
  return plan.changes.length === 0;
}

/** Objects plans do not print (Feast hides its placeholder entity too). */
export function isHidden(change: ObjectChange): boolean {
  return change.kind === "entity" && change.name === DUMMY_ENTITY_NAME;
}

export function kindLabel(kind: AppliedKind): string {
  return KINDS[kind].label;
}
