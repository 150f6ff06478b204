import { DefinitionError } from "../errors";
import { checkName, checkTags, DEFINITION_KIND } from "./definition";

/** What a caller asks to do to an object (Feast's `AuthzedAction`, same names and order). */
export const AUTHZED_ACTIONS = [
  "CREATE", "DESCRIBE", "UPDATE", "DELETE", "READ_ONLINE", "READ_OFFLINE", "WRITE_ONLINE", "WRITE_OFFLINE",
] as const;
export type AuthzedAction = (typeof AUTHZED_ACTIONS)[number];

/** Feast's action aliases (`feast.permissions.action`). */
export const ALL_ACTIONS: readonly AuthzedAction[] = AUTHZED_ACTIONS;
export const READ: readonly AuthzedAction[] = ["READ_OFFLINE", "READ_ONLINE"];
export const WRITE: readonly AuthzedAction[] = ["WRITE_OFFLINE", "WRITE_ONLINE"];
export const CRUD: readonly AuthzedAction[] = ["CREATE", "DESCRIBE", "UPDATE", "DELETE"];

/**
 * The object types a permission can cover, by Feast class name. An empty list means all of them,
 * in Feast's order (the `FeastObject` union), which is also the order Feast writes them in.
 */
export const RESOURCE_TYPES = [
  "Project", "FeatureView", "OnDemandFeatureView", "BatchFeatureView", "StreamFeatureView", "LabelView", "Entity",
  "FeatureService", "DataSource", "ValidationReference", "SavedDataset", "Permission",
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/**
 * Who a permission grants to. Feast's policies: a principal passes when it has at least one of the
 * listed roles (groups, namespaces); the combined policy passes on a group or a namespace.
 * `allowAll` (Feast's `AllowAll`) grants to every authenticated caller.
 */
export type Policy =
  | { type: "roleBased"; roles: string[] }
  | { type: "groupBased"; groups: string[] }
  | { type: "namespaceBased"; namespaces: string[] }
  | { type: "combinedGroupNamespace"; groups: string[]; namespaces: string[] }
  | { type: "allowAll" };

/** Feast's `RoleBasedPolicy(roles=[...])`. */
export const RoleBasedPolicy = (roles: string[]): Policy => ({ type: "roleBased", roles: [...roles] });
/** Feast's `GroupBasedPolicy(groups=[...])`. */
export const GroupBasedPolicy = (groups: string[]): Policy => ({ type: "groupBased", groups: [...groups] });
/** Feast's `NamespaceBasedPolicy(namespaces=[...])`. */
export const NamespaceBasedPolicy = (namespaces: string[]): Policy => ({ type: "namespaceBased", namespaces: [...namespaces] });
/** Feast's `CombinedGroupNamespacePolicy(groups=[...], namespaces=[...])`. */
export const CombinedGroupNamespacePolicy = (groups: string[], namespaces: string[]): Policy =>
  ({ type: "combinedGroupNamespace", groups: [...groups], namespaces: [...namespaces] });
/** Feast's `AllowAll`. */
export const AllowAll: Policy = { type: "allowAll" };

export interface PermissionOptions {
  name: string;
  /** Object types covered; default: all (Feast's `ALL_RESOURCE_TYPES`). */
  types?: ResourceType | ResourceType[];
  /** Regular expressions; an object is covered when one matches its whole name. Default: any name. */
  namePatterns?: string | string[];
  /** Tags an object must carry, with these values, to be covered (e.g. `{ pii: "true" }`). */
  requiredTags?: Record<string, string>;
  /** What the permission grants; default: every action. */
  actions?: AuthzedAction | AuthzedAction[];
  /** Who it grants to. */
  policy: Policy;
  /** The permission's own labels. */
  tags?: Record<string, string>;
}

/**
 * Feast's `Permission`: grants `actions` on the objects it covers to the principals its policy
 * admits. Registered by `skewless apply` as Feast registers it, and enforced by `skewless serve`
 * when `feature_store.yaml` configures `auth`.
 *
 * @example
 * export const piiReaders = new Permission({
 *   name: "pii_readers", types: ["FeatureView", "FeatureService"], requiredTags: { pii: "true" },
 *   actions: ["READ_ONLINE"], policy: RoleBasedPolicy(["risk_officer"]),
 * });
 */
export class Permission {
  readonly [DEFINITION_KIND] = "permission" as const;
  readonly name: string;
  readonly types: readonly ResourceType[];
  readonly namePatterns: readonly string[];
  readonly requiredTags: Record<string, string>;
  readonly actions: readonly AuthzedAction[];
  readonly policy: Policy;
  readonly tags: Record<string, string>;

  constructor(options: PermissionOptions) {
    this.name = checkName("permission", options?.name);
    const what = `permission ${this.name}`;
    const types = listOf(options.types);
    for (const t of types) {
      if (!RESOURCE_TYPES.includes(t)) throw new DefinitionError(`${what}: type ${JSON.stringify(t)} is not an object type`, `use one of: ${RESOURCE_TYPES.join(", ")}`);
    }
    this.types = types.length ? types : RESOURCE_TYPES;
    this.namePatterns = listOf(options.namePatterns).map((p) => checkPattern(what, p));
    this.requiredTags = trimmed(checkTags(`${what}: requiredTags`, options.requiredTags));
    const actions = options.actions === undefined ? [...ALL_ACTIONS] : listOf(options.actions);
    if (actions.length === 0) throw new DefinitionError(`${what}: actions must list at least one action`, `use some of: ${AUTHZED_ACTIONS.join(", ")}`);
    for (const a of actions) {
      if (!AUTHZED_ACTIONS.includes(a)) throw new DefinitionError(`${what}: action ${JSON.stringify(a)} does not exist`, `use some of: ${AUTHZED_ACTIONS.join(", ")}`);
    }
    this.actions = actions;
    this.policy = checkPolicy(what, options.policy);
    this.tags = trimmed(checkTags(what, options.tags));
  }
}

function listOf<T>(value: T | T[] | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...value] : [value];
}

function checkPattern(what: string, pattern: unknown): string {
  if (typeof pattern !== "string") throw new DefinitionError(`${what}: name patterns must be strings, got ${JSON.stringify(pattern)}`);
  const text = pattern.trim();
  try {
    new RegExp(`^(?:${text})$`);
  } catch (e) {
    throw new DefinitionError(`${what}: name pattern ${JSON.stringify(text)} is not a regular expression: ${(e as Error).message}`);
  }
  return text;
}

/** Feast strips spaces around tag keys and values. */
function trimmed(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [k.trim(), v.trim()]));
}

const POLICY_LISTS: Record<Policy["type"], string[]> = {
  roleBased: ["roles"], groupBased: ["groups"], namespaceBased: ["namespaces"],
  combinedGroupNamespace: ["groups", "namespaces"], allowAll: [],
};

function checkPolicy(what: string, policy: unknown): Policy {
  const given = policy as { type?: unknown } | undefined;
  const lists = typeof given?.type === "string" ? POLICY_LISTS[given.type as Policy["type"]] : undefined;
  if (!given || !lists) {
    throw new DefinitionError(
      `${what}: policy ${JSON.stringify(policy)} is not a policy`,
      "use RoleBasedPolicy([...]), GroupBasedPolicy([...]), NamespaceBasedPolicy([...]), CombinedGroupNamespacePolicy([...], [...]) or AllowAll",
    );
  }
  for (const key of lists) {
    const list = (given as Record<string, unknown>)[key];
    if (!Array.isArray(list) || list.some((v) => typeof v !== "string" || v === "")) {
      throw new DefinitionError(`${what}: policy ${key} must be a list of non-empty strings, got ${JSON.stringify(list)}`);
    }
  }
  return JSON.parse(JSON.stringify(given)) as Policy;
}
