import {
  AUTHZED_ACTIONS, RESOURCE_TYPES, type AuthzedAction, type Permission, type Policy, type ResourceType,
} from "../definitions/permission";
import { UNKNOWN_FIELDS, type ProtoMessage } from "./proto/codec";
import type { ObjectMetaProto, Tags } from "./proto/types";

// Feast's Permission message (feast/core/Permission.proto, Policy.proto) and the one table that maps
// its enum numbers to names, so no other file carries a magic number for them.

export interface PolicyProto extends ProtoMessage {
  name?: string;
  project?: string;
  role_based_policy?: ProtoMessage & { roles?: string[] };
  group_based_policy?: ProtoMessage & { groups?: string[] };
  namespace_based_policy?: ProtoMessage & { namespaces?: string[] };
  combined_group_namespace_policy?: ProtoMessage & { groups?: string[]; namespaces?: string[] };
}

export interface PermissionSpecProto extends ProtoMessage {
  name?: string;
  project?: string;
  types?: number[];
  name_patterns?: string[];
  required_tags?: Tags;
  actions?: number[];
  policy?: PolicyProto;
  tags?: Tags;
}

export interface PermissionProto extends ProtoMessage { spec?: PermissionSpecProto; meta?: ObjectMetaProto }

/** `PermissionSpec.Type` numbers, by Feast class name. */
export const PERMISSION_TYPE: Record<ResourceType, number> = {
  FeatureView: 0, OnDemandFeatureView: 1, BatchFeatureView: 2, StreamFeatureView: 3, Entity: 4, FeatureService: 5,
  DataSource: 6, ValidationReference: 7, SavedDataset: 8, Permission: 9, Project: 10, LabelView: 11,
};

/** `PermissionSpec.AuthzedAction` numbers are the actions' positions in Feast's enum. */
export const actionNumber = (action: AuthzedAction): number => AUTHZED_ACTIONS.indexOf(action);

export function actionName(n: number): AuthzedAction | `action ${number}` {
  return AUTHZED_ACTIONS[n] ?? `action ${n}`;
}

export function typeName(n: number): ResourceType | `type ${number}` {
  return RESOURCE_TYPES.find((t) => PERMISSION_TYPE[t] === n) ?? `type ${n}`;
}

/** The proto `feast apply` writes for the same permission (`Permission.to_proto()` plus the project). */
export function permissionToProto(permission: Permission, project: string): PermissionProto {
  return {
    spec: {
      name: permission.name,
      project,
      types: permission.types.map((t) => PERMISSION_TYPE[t]),
      name_patterns: [...permission.namePatterns],
      required_tags: { ...permission.requiredTags },
      actions: permission.actions.map(actionNumber),
      policy: policyToProto(permission.policy),
      tags: { ...permission.tags },
    },
    meta: {},
  };
}

function policyToProto(policy: Policy): PolicyProto {
  switch (policy.type) {
    case "roleBased": return { role_based_policy: { roles: [...policy.roles] } };
    case "groupBased": return { group_based_policy: { groups: [...policy.groups] } };
    case "namespaceBased": return { namespace_based_policy: { namespaces: [...policy.namespaces] } };
    case "combinedGroupNamespace": return { combined_group_namespace_policy: { groups: [...policy.groups], namespaces: [...policy.namespaces] } };
    case "allowAll": return {};
  }
}

/**
 * The policy a registry entry holds. Feast reads an entry without a policy as no policy at all
 * (`Policy.from_proto` returns None), which admits nobody; that is `undefined` here.
 */
export function policyFromProto(proto: PolicyProto | undefined): Policy | undefined {
  if (!proto) return undefined;
  if (proto.role_based_policy) return { type: "roleBased", roles: [...(proto.role_based_policy.roles ?? [])] };
  if (proto.group_based_policy) return { type: "groupBased", groups: [...(proto.group_based_policy.groups ?? [])] };
  if (proto.namespace_based_policy) return { type: "namespaceBased", namespaces: [...(proto.namespace_based_policy.namespaces ?? [])] };
  const combined = proto.combined_group_namespace_policy;
  if (combined) return { type: "combinedGroupNamespace", groups: [...(combined.groups ?? [])], namespaces: [...(combined.namespaces ?? [])] };
  // Feast's AllowAll writes an empty Policy message; an unknown oneof member stays unknown.
  return proto[UNKNOWN_FIELDS]?.length ? undefined : { type: "allowAll" };
}

/** The policy as a reviewer reads it: `roles: a, b`, `groups: g; namespaces: n`, `allow all`. */
export function describePolicy(policy: Policy | undefined): string {
  if (!policy) return "none (admits nobody)";
  const list = (label: string, values: string[]) => `${label}: ${values.join(", ") || "(none)"}`;
  switch (policy.type) {
    case "roleBased": return list("roles", policy.roles);
    case "groupBased": return list("groups", policy.groups);
    case "namespaceBased": return list("namespaces", policy.namespaces);
    case "combinedGroupNamespace": return `${list("groups", policy.groups)}; ${list("namespaces", policy.namespaces)}`;
    case "allowAll": return "allow all";
  }
}
