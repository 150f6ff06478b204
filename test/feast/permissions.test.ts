import { promises as fs } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { RegistryObjects } from "../../runtime/src/internal";
import { decodeMessage, encodeMessage } from "../../runtime/src/registry/proto/codec";
import { ensureFeast, feastCheck } from "../helpers/feast";
import { skewless } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";

// Permissions in registry.db: what `skewless apply` writes, Feast 0.66's own FeatureStore lists with
// the same fields; what Feast's FeatureStore.apply writes, Skewless reads as the same spec and plans
// no change for.

beforeAll(ensureFeast, 15 * 60_000);

const PERMISSIONS_TS = `
import { CombinedGroupNamespacePolicy, GroupBasedPolicy, Permission, READ, RoleBasedPolicy } from "@skewless/runtime";

export const piiReaders = new Permission({
  name: "pii_readers", types: ["FeatureView", "FeatureService"], requiredTags: { pii: "true" },
  actions: ["READ_ONLINE"], policy: RoleBasedPolicy(["risk_officer"]),
});
export const analysts = new Permission({
  name: "analysts", types: "FeatureView", namePatterns: ["user_transactions", "credit_.*"],
  actions: [...READ], policy: GroupBasedPolicy(["analytics"]), tags: { owner: "data-platform" },
});
export const writers = new Permission({
  name: "writers", types: ["FeatureView"], actions: ["WRITE_ONLINE"],
  policy: CombinedGroupNamespacePolicy(["ingest"], ["feast-jobs"]),
});
`;

const EXPECTED = [
  { name: "pii_readers", types: ["FeatureView", "FeatureService"], namePatterns: [], requiredTags: { pii: "true" }, actions: ["READ_ONLINE"], policy: { type: "roleBased", roles: ["risk_officer"] }, tags: {} },
  { name: "analysts", types: ["FeatureView"], namePatterns: ["user_transactions", "credit_.*"], requiredTags: {}, actions: ["READ_OFFLINE", "READ_ONLINE"], policy: { type: "groupBased", groups: ["analytics"] }, tags: { owner: "data-platform" } },
  { name: "writers", types: ["FeatureView"], namePatterns: [], requiredTags: {}, actions: ["WRITE_ONLINE"], policy: { type: "combinedGroupNamespace", groups: ["ingest"], namespaces: ["feast-jobs"] }, tags: {} },
];

const byName = <T extends { name: string }>(list: T[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));

describe("permissions in registry.db, as Feast stores them", () => {
  const root = tempDir();
  const repo = path.join(root, "credit");

  beforeAll(async () => {
    expect((await skewless(["init", "credit", "--users", "20", "--days", "1"], root)).code).toBe(0);
    await fs.writeFile(path.join(repo, "permissions.ts"), PERMISSIONS_TS);
  }, 300_000);

  it("are planned one readable line each and applied by skewless apply", async () => {
    const plan = await skewless(["plan"], repo);
    expect(plan.code, plan.stderr).toBe(0);
    for (const name of ["pii_readers", "analysts", "writers"]) expect(plan.stdout).toContain(`+ create permission ${name}`);
    const applied = await skewless(["apply"], repo);
    expect(applied.code, applied.stderr).toBe(0);
  }, 300_000);

  it("are listed by Feast's FeatureStore with the types, patterns, tags, actions and policies of the definitions", async () => {
    const seen = await feastCheck<typeof EXPECTED>("permissions_check.py", ["list", repo]);
    // Ownership lives in the meta's Skewless-only field, so Feast sees exactly the definitions' tags.
    expect(byName(seen)).toEqual(byName(EXPECTED));
  }, 300_000);

  it("show a policy change as one property line", async () => {
    await fs.writeFile(path.join(repo, "permissions.ts"), PERMISSIONS_TS.replace('["risk_officer"]', '["risk_officer", "auditor"]'));
    const plan = await skewless(["plan"], repo);
    expect(plan.stdout).toContain("~ update permission pii_readers: policy roles: risk_officer -> roles: risk_officer, auditor");
    await fs.writeFile(path.join(repo, "permissions.ts"), PERMISSIONS_TS);
  }, 300_000);

  it("written by Feast's own apply read back as the same specs, and skewless plans no change over them", async () => {
    const specs = path.join(root, "specs.json");
    const feastMade = { name: "ns_readers", types: ["FeatureView"], namePatterns: [], requiredTags: {}, actions: ["READ_ONLINE"], policy: { type: "namespaceBased", namespaces: ["ml-serving"] }, tags: {} };
    await fs.writeFile(specs, JSON.stringify([...EXPECTED, feastMade]));
    await feastCheck("permissions_check.py", ["apply", repo, specs]);

    const objects = RegistryObjects.open(path.join(repo, "data", "registry.db"));
    for (const expected of [...EXPECTED, feastMade]) {
      const state = await objects.get("permission", "credit", expected.name);
      expect(state?.managedBy).toBeUndefined();   // Feast rewrote it: no Skewless ownership tag
      expect(state?.spec).toEqual(expected);
    }
    // Same definitions as the registry Feast wrote: nothing to change, and Feast's own object is kept.
    const plan = await skewless(["plan"], repo);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^No changes to registry/);
  }, 300_000);

  it("survive a decode and encode byte for byte", async () => {
    const bytes = await fs.readFile(path.join(repo, "data", "registry.db"));
    const again = encodeMessage("feast.core.Registry", decodeMessage("feast.core.Registry", bytes));
    expect(Buffer.from(again).equals(bytes)).toBe(true);
  });
});
