import { Permission, type AuthzedAction, type Policy, type ResourceType } from "../../definitions/permission";
import { withoutOwnership } from "../ownership";
import {
  actionName, describePolicy, permissionToProto, policyFromProto, typeName, type PermissionProto,
} from "../permission-proto";
import type { Tags } from "../proto/types";
import { others } from "./flat";
import type { SpecHandler } from "./handler";

/** A permission as plain data: what the Pulumi resource takes. */
export interface PermissionSpec {
  name: string;
  /** Feast class names (`"FeatureView"`); every type when the permission covers all. */
  types: string[];
  namePatterns: string[];
  requiredTags: Tags;
  /** `"READ_ONLINE"`, ... */
  actions: string[];
  policy: Policy;
  tags: Tags;
}

export const permissionHandler: SpecHandler<PermissionProto, PermissionSpec> = {
  fromProto: permissionSpecFromProto,
  toProto: (spec, project) => permissionToProto(permissionFromSpec(spec), project),
  check(spec) {
    permissionHandler.toProto(spec, "check");
  },
  /**
   * `actions + READ_ONLINE`, `policy roles: a -> roles: a, b`. Types and actions keep the
   * registry's order, so a reordering shows up too.
   */
  flatten(proto) {
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
  },
};

export function permissionSpecFromProto(proto: PermissionProto): PermissionSpec {
  const s = proto.spec ?? {};
  return {
    name: s.name ?? "",
    types: (s.types ?? []).map(typeName),
    namePatterns: [...(s.name_patterns ?? [])],
    requiredTags: { ...(s.required_tags ?? {}) },
    actions: (s.actions ?? []).map(actionName),
    policy: policyFromProto(s.policy) ?? { type: "allowAll" },
    tags: withoutOwnership(s.tags),
  };
}

/** Validates a spec through the definition class, so specs and definitions fail alike. */
function permissionFromSpec(spec: PermissionSpec): Permission {
  return new Permission({
    name: spec.name,
    types: spec.types as ResourceType[],
    namePatterns: spec.namePatterns,
    requiredTags: spec.requiredTags,
    actions: spec.actions as AuthzedAction[],
    policy: spec.policy,
    tags: spec.tags,
  });
}
