import { others, type FlatSpec } from "./flat-spec";
import { withoutOwnership } from "./ownership";
import { actionName, describePolicy, policyFromProto, typeName, type PermissionProto } from "./permission-proto";

export type { PermissionProto };

/**
 * A permission as plans print it: `actions + READ_ONLINE`, `policy roles: a -> roles: a, b`.
 * Types and actions keep the registry's order, so a reordering shows up too.
 */
export function flattenPermission(proto: PermissionProto): FlatSpec {
  const s = proto.spec ?? {};
  return {
    types: (s.types ?? []).map(typeName),
    namePatterns: [...(s.name_patterns ?? [])],
    requiredTags: { ...(s.required_tags ?? {}) },
    actions: (s.actions ?? []).map(actionName),
    policy: describePolicy(policyFromProto(s.policy)),
    tags: withoutOwnership(s.tags),
    ...others(s, ["name", "project", "types", "name_patterns", "required_tags", "actions", "policy", "tags"]),
  };
}
