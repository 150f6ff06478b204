/** Who is calling, as Feast's `User`: a name plus the roles, groups and namespaces policies test. */
export interface Principal {
  username: string;
  roles: string[];
  groups: string[];
  namespaces: string[];
}

/** Claims naming the caller, in Feast's order: people first, then client-credentials apps, then `sub`. */
const USERNAME_CLAIMS = ["preferred_username", "upn", "azp", "appid", "sub"];

/**
 * The principal a verified token's claims describe, read exactly as Feast's OidcTokenParser reads
 * them: roles from `resource_access.<clientId>.roles` (Keycloak) merged with `roles` (Entra ID),
 * groups from `groups`. OIDC tokens carry no namespaces. Undefined when no claim names the caller.
 */
export function principalFromClaims(claims: Record<string, unknown>, clientId?: string): Principal | undefined {
  const username = USERNAME_CLAIMS.map((c) => claims[c]).find((v): v is string => typeof v === "string");
  if (username === undefined) return undefined;
  const clientRoles = clientId ? stringList(pathOf(claims, ["resource_access", clientId, "roles"])) : [];
  const roles = [...new Set([...clientRoles, ...stringList(claims.roles)])];
  return { username, roles, groups: stringList(claims.groups), namespaces: [] };
}

function pathOf(value: unknown, keys: string[]): unknown {
  let node = value;
  for (const key of keys) {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Feast takes a claim only when it is a list (anything else counts as empty). */
function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
