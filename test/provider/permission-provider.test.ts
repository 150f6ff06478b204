import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { registryObjectProvider } from "../../pulumi/src/provider/registry-object-provider";
import { Permission, RoleBasedPolicy } from "../../runtime/src/definitions/permission";
import { specsFromDefinitions } from "../../runtime/src/registry/kinds";
import { RegistryObjects } from "../../runtime/src/registry/registry-objects";
import { Registry } from "../../runtime/src/registry/registry";
import { FileRegistryStore } from "../../runtime/src/registry/stores/file-store";
import { tempDir } from "../helpers/tmp";

const PROJECT = "p";
const piiReaders = new Permission({
  name: "pii_readers", types: ["FeatureView"], requiredTags: { pii: "true" }, actions: ["READ_ONLINE"], policy: RoleBasedPolicy(["risk_officer"]),
});
const spec = () => structuredClone(specsFromDefinitions({ entities: [], dataSources: [], featureViews: [], featureServices: [], permissions: [piiReaders] }, PROJECT).permission[0]);

describe("the registry object provider for permissions, against a real registry file", () => {
  it("creates the permission with Feast's enum numbers, diffs a policy change in place and deletes it", async () => {
    const registry = path.join(tempDir(), "registry.db");
    const provider = registryObjectProvider("permission");
    const created = await provider.create({ ...spec(), registry, project: PROJECT });
    expect(created.id).toBe("p/pii_readers");
    const stored = (await new Registry(new FileRegistryStore(registry)).load()).get("permission", PROJECT, "pii_readers");
    expect(stored?.spec).toMatchObject({ types: [0], actions: [4], required_tags: { pii: "true" }, policy: { role_based_policy: { roles: ["risk_officer"] } } });

    const widened = { ...spec(), policy: RoleBasedPolicy(["risk_officer", "auditor"]) };
    expect(await provider.diff!(created.id, created.outs!, { ...widened, registry, project: PROJECT })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const plan = await RegistryObjects.open(registry).plan("permission", PROJECT, widened);
    expect(plan.changes).toEqual([{ property: "policy", before: "roles: risk_officer", after: "roles: risk_officer, auditor" }]);

    await provider.delete!(created.id, created.outs!);
    expect(await RegistryObjects.open(registry).get("permission", PROJECT, "pii_readers")).toBeUndefined();
  });

  it("rejects an unknown action with the permission's name", async () => {
    const provider = registryObjectProvider("permission");
    const result = await provider.check!({} as never, { ...spec(), actions: ["READ_EVERYTHING"], registry: "r.db", project: PROJECT });
    expect(result.failures?.map((f) => f.reason).join("\n")).toMatch(/permission pii_readers: action "READ_EVERYTHING" does not exist/);
  });
});
