import type { AuthzedAction, Policy, ResourceType } from "../definitions/permission";
import type { RegistryModel } from "../registry/model";
import { policyFromProto, type PermissionProto } from "../registry/permission-proto";
import { permissionSpecFromProto } from "../registry/kinds/permission";
import type { Principal } from "./principal";

/** A registry object an action is asked on: its Feast class, name and tags. */
export interface ProtectedObject {
  type: ResourceType;
  name: string;
  tags: Record<string, string>;
}

/** A permission as the enforcer reads it from the registry (Feast's `Permission.from_proto`). */
export interface StoredPermission {
  name: string;
  types: string[];
  namePatterns: string[];
  requiredTags: Record<string, string>;
  actions: string[];
  /** Undefined: the entry has no policy Skewless knows, which admits nobody. */
  policy?: Policy;
}

export type Decision =
  | { allowed: true; permission: string }
  | { allowed: false; detail: string };

/** Feast's class hierarchy: a FeatureView permission covers batch and stream views too (isinstance). */
const SUPERTYPES: Partial<Record<ResourceType, ResourceType[]>> = {
  BatchFeatureView: ["FeatureView"],
  StreamFeatureView: ["FeatureView"],
};

/** Python module of each class, for messages worded as Feast words them. */
const MODULES: Record<ResourceType, string> = {
  Project: "feast.project", FeatureView: "feast.feature_view", OnDemandFeatureView: "feast.on_demand_feature_view",
  BatchFeatureView: "feast.batch_feature_view", StreamFeatureView: "feast.stream_feature_view", LabelView: "feast.labeling.label_view",
  Entity: "feast.entity", FeatureService: "feast.feature_service", DataSource: "feast.data_source",
  ValidationReference: "feast.saved_dataset", SavedDataset: "feast.saved_dataset", Permission: "feast.permissions.permission",
};

/** The permissions of `project`, in registry order. */
export function storedPermissions(model: RegistryModel, project: string): StoredPermission[] {
  // An entry with no policy field admits nobody here, though its spec shows it as allow-all.
  return model.list("permission", project).map((p: PermissionProto) => ({ ...permissionSpecFromProto(p), policy: policyFromProto(p.spec?.policy) }));
}

/**
 * Feast's `enforce_policy` for one object: the permissions that cover the object and every
 * requested action vote, and one vote for the principal grants (Feast's affirmative strategy).
 *
 * Two deliberate differences from Feast 0.66, both in the safe direction:
 * - no permission at all denies (Feast 0.66 lets every authenticated caller do anything when the
 *   registry holds no permission);
 * - `requiredTags` are compared with the object's tags (Feast 0.66 looks for a `required_tags`
 *   attribute that its objects do not have, logs a warning and treats the permission as covering
 *   the object whatever its tags).
 */
export function decide(permissions: StoredPermission[], principal: Principal, object: ProtectedObject, actions: AuthzedAction[]): Decision {
  const matching = permissions.filter((p) => covers(p, object) && actions.every((a) => p.actions.includes(a)));
  if (matching.length === 0) {
    const wanted = `[${actions.map((a) => `<AuthzedAction.${a}: '${a.toLowerCase()}'>`).join(", ")}]`;
    return { allowed: false, detail: `No permissions defined to manage ${wanted} on <class '${MODULES[object.type]}.${object.type}'>/${object.name}.` };
  }
  const explanations: string[] = [];
  for (const p of matching) {
    const refusal = policyRefusal(p.policy, principal);
    if (refusal === undefined) return { allowed: true, permission: p.name };
    explanations.push(`Permission ${p.name} denied execution of ${pyList(actions)} to ${object.type}:${object.name}: ${refusal}`);
  }
  return { allowed: false, detail: explanations.join(",") };
}

function covers(p: StoredPermission, object: ProtectedObject): boolean {
  const classes = [object.type, ...(SUPERTYPES[object.type] ?? [])];
  if (!p.types.some((t) => classes.includes(t as ResourceType))) return false;
  if (p.namePatterns.length && !p.namePatterns.some((pattern) => fullMatch(pattern, object.name))) return false;
  return Object.entries(p.requiredTags).every(([k, v]) => object.tags[k] === v);
}

/** Python's `re.fullmatch`; a pattern JavaScript cannot compile matches nothing. */
function fullMatch(pattern: string, name: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(name);
  } catch {
    return false;
  }
}

/** Undefined when the policy admits the principal, else Feast's explanation. */
function policyRefusal(policy: Policy | undefined, principal: Principal): string | undefined {
  const any = (wanted: string[], held: string[]) => wanted.some((w) => held.includes(w));
  if (!policy) return "the permission has no policy Skewless can read";
  switch (policy.type) {
    case "allowAll": return undefined;
    case "roleBased": return any(policy.roles, principal.roles) ? undefined : `Requires roles ${pyList(policy.roles)}`;
    case "groupBased": return any(policy.groups, principal.groups) ? undefined : "User is not added into the permitted groups";
    case "namespaceBased": return any(policy.namespaces, principal.namespaces) ? undefined : "User is not added into the permitted namespaces";
    case "combinedGroupNamespace":
      return any(policy.groups, principal.groups) || any(policy.namespaces, principal.namespaces)
        ? undefined
        : "User must be in at least one of the permitted groups or namespaces";
  }
}

function pyList(items: readonly string[]): string {
  return `[${items.map((i) => `'${i}'`).join(", ")}]`;
}
