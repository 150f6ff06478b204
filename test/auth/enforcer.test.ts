import { describe, expect, it } from "vitest";
import { decide, type StoredPermission } from "../../runtime/src/auth/enforcer";
import { principalFromClaims } from "../../runtime/src/auth/principal";

const view = (name: string, tags: Record<string, string> = {}) => ({ type: "FeatureView" as const, name, tags });
const user = (over: Partial<{ roles: string[]; groups: string[]; namespaces: string[] }> = {}) => ({ username: "u", roles: [], groups: [], namespaces: [], ...over });
const perm = (over: Partial<StoredPermission>): StoredPermission => ({
  name: "p", types: ["FeatureView"], namePatterns: [], requiredTags: {}, actions: ["READ_ONLINE"], policy: { type: "roleBased", roles: ["r"] }, ...over,
});

describe("the permission decision (Feast's enforce_policy)", () => {
  it("grants when one covering permission's policy admits the principal", () => {
    const permissions = [perm({ name: "a", policy: { type: "roleBased", roles: ["x"] } }), perm({ name: "b", policy: { type: "groupBased", groups: ["g"] } })];
    expect(decide(permissions, user({ groups: ["g"] }), view("v"), ["READ_ONLINE"])).toEqual({ allowed: true, permission: "b" });
    expect(decide(permissions, user(), view("v"), ["READ_ONLINE"])).toEqual({
      allowed: false,
      detail: "Permission a denied execution of ['READ_ONLINE'] to FeatureView:v: Requires roles ['x'],Permission b denied execution of ['READ_ONLINE'] to FeatureView:v: User is not added into the permitted groups",
    });
  });

  it("covers an object only when its type, a full name match and the required tags all fit, and every action is granted", () => {
    const p = perm({ namePatterns: ["user_.*"], requiredTags: { pii: "true" }, actions: ["READ_ONLINE", "READ_OFFLINE"] });
    const risk = user({ roles: ["r"] });
    expect(decide([p], risk, view("user_credit", { pii: "true" }), ["READ_ONLINE"]).allowed).toBe(true);
    expect(decide([p], risk, view("user_credit", { pii: "false" }), ["READ_ONLINE"]).allowed).toBe(false);
    expect(decide([p], risk, view("my_user_credit", { pii: "true" }), ["READ_ONLINE"]).allowed).toBe(false);
    expect(decide([p], risk, view("user_credit", { pii: "true" }), ["READ_ONLINE", "WRITE_ONLINE"]).allowed).toBe(false);
    expect(decide([p], risk, { type: "FeatureService", name: "user_credit", tags: { pii: "true" } }, ["READ_ONLINE"]).allowed).toBe(false);
    expect(decide([p], risk, { type: "StreamFeatureView", name: "user_live", tags: { pii: "true" } }, ["READ_ONLINE"]).allowed).toBe(true);
  });

  it("denies by default: no permission, or none covering the object", () => {
    expect(decide([], user({ roles: ["r"] }), view("v"), ["READ_ONLINE"])).toEqual({
      allowed: false, detail: "No permissions defined to manage [<AuthzedAction.READ_ONLINE: 'read_online'>] on <class 'feast.feature_view.FeatureView'>/v.",
    });
  });

  it("applies the combined policy as group or namespace, and an unreadable policy as nobody", () => {
    const combined = perm({ policy: { type: "combinedGroupNamespace", groups: ["g"], namespaces: ["ns"] } });
    expect(decide([combined], user({ namespaces: ["ns"] }), view("v"), ["READ_ONLINE"]).allowed).toBe(true);
    expect(decide([combined], user({ roles: ["g"] }), view("v"), ["READ_ONLINE"]).allowed).toBe(false);
    expect(decide([perm({ policy: undefined })], user({ roles: ["r"] }), view("v"), ["READ_ONLINE"]).allowed).toBe(false);
  });
});

describe("principals from token claims, as Feast's OidcTokenParser reads them", () => {
  it("takes the first name claim, client roles merged with top-level roles, and groups", () => {
    expect(principalFromClaims({ sub: "s1", azp: "app", roles: ["b", "a"], resource_access: { feast: { roles: ["a", "c"] } }, groups: ["g"] }, "feast"))
      .toEqual({ username: "app", roles: ["a", "c", "b"], groups: ["g"], namespaces: [] });
    expect(principalFromClaims({ preferred_username: "alice", sub: "s1", groups: "g" })).toEqual({ username: "alice", roles: [], groups: [], namespaces: [] });
    expect(principalFromClaims({ resource_access: { feast: { roles: ["a"] } } }, "feast")).toBeUndefined();
  });
});
