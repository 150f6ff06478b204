import { cpSync, existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type * as pulumiTypes from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import type * as stackModule from "../../stacks/credit-scoring";
import { scaffoldCreditScoring } from "../../runtime/src/demo/credit-scoring";
import { FeatureStore as RuntimeStore } from "../../runtime/src/feature-store";
import { tempDir } from "../helpers/tmp";

// The stack program as `pulumi up` runs it: compiled JavaScript (dist/, built by `npm test`),
// loaded with Node's require. Registry objects are created by the very providers Pulumi would
// deserialize from the stack, against a copy of the demo repo.
const COMPILED = path.resolve("dist/stacks/credit-scoring.js");
const nativeRequire = createRequire(COMPILED);

interface Created { type: string; name: string; outs: Record<string, unknown> }

describe("the credit-scoring stack on the local cloud (the dev stack)", () => {
  const dir = tempDir();
  const repo = path.join(dir, "feature_repo");
  const created: Created[] = [];
  let outputs: Awaited<ReturnType<typeof stackModule.creditScoringStack>>;
  let pulumi: typeof pulumiTypes;

  beforeAll(async () => {
    expect(existsSync(COMPILED), `${COMPILED} is missing: run \`npm run build\``).toBe(true);
    cpSync(path.resolve("stacks/feature_repo"), repo, { recursive: true });
    pulumi = nativeRequire("@pulumi/pulumi");
    const requireFromString: (code: string) => { handler(): pulumiTypes.dynamic.ResourceProvider } = nativeRequire("require-from-string");
    pulumi.runtime.setAllConfig({ "skewless:cloud": "local", "skewless:repoPath": repo });
    await pulumi.runtime.setMocks({
      async newResource(args) {
        if (!args.type.startsWith("pulumi-nodejs:dynamic/")) return { id: args.custom ? args.name : undefined, state: args.inputs };
        // What the dynamic provider host does: deserialize __provider, check, then create.
        const provider = requireFromString(args.inputs.__provider).handler();
        const checked = await provider.check!({}, args.inputs);
        expect(checked.failures ?? []).toEqual([]);
        const result = await provider.create(checked.inputs);
        created.push({ type: args.type, name: args.name, outs: result.outs });
        return { id: result.id, state: result.outs };
      },
      call: (args) => args.inputs,
    }, "skewless", "dev", false);
    const { creditScoringStack }: typeof stackModule = nativeRequire(COMPILED);
    outputs = await creditScoringStack();
    await new Promise((resolve) => outputs.featureStoreYaml.apply(resolve));
    for (let i = 0; i < 50 && created.length < 6; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it("registers the repo's definitions through the providers, each object after those it uses", () => {
    const names = created.map((c) => `${c.type.split(":").pop()} ${c.outs.name}`);
    expect([...names].sort()).toEqual([
      "DataSource user_credit_source", "DataSource user_transactions_source", "Entity user",
      "FeatureService credit_model_v1", "FeatureView user_credit", "FeatureView user_transactions",
    ]);
    const at = (name: string) => names.indexOf(name);
    for (const view of ["user_credit", "user_transactions"]) {
      expect(at(`FeatureView ${view}`)).toBeGreaterThan(at("Entity user"));
      expect(at(`FeatureView ${view}`)).toBeGreaterThan(at(`DataSource ${view}_source`));
      expect(at("FeatureService credit_model_v1")).toBeGreaterThan(at(`FeatureView ${view}`));
    }
    expect(created.every((c) => c.outs.managedBy === "pulumi")).toBe(true);
  });

  it("writes the registry skewless apply would write: `skewless plan` on the repo has nothing to do", async () => {
    const store = await RuntimeStore.open(repo);
    const plan = await store.plan();
    expect(plan.changes).toEqual([]);
    const catalog = await store.catalog();
    expect(catalog.featureViews().map((v) => v.name).sort()).toEqual(["user_credit", "user_transactions"]);
  });

  it("outputs the project, the registry and a feature_store.yaml apps can use", async () => {
    expect(outputs.cloud).toBe("local");
    expect(outputs.featureViews).toEqual(["user_credit", "user_transactions"]);
    expect(outputs.featureServices).toEqual(["credit_model_v1"]);
    const yaml = await new Promise<string>((resolve) => outputs.featureStoreYaml.apply(resolve));
    expect(await pulumi.isSecret(outputs.featureStoreYaml)).toBe(false);   // local: nothing secret in it
    expect(parseYaml(yaml)).toMatchObject({ project: "feature_repo", registry: { path: path.join(repo, "data", "registry.db") }, online_store: { type: "sqlite", path: path.join(repo, "data", "online.db") } });
  });
});

describe("the stack's project files", () => {
  it("commit the demo repo exactly as `skewless init` writes it, without data", async () => {
    const fresh = path.join(tempDir(), "feature_repo");
    await scaffoldCreditScoring(fresh, { users: 1, days: 1 });
    for (const file of ["features.ts", "feature_store.yaml"]) {
      expect(readFileSync(path.join("stacks/feature_repo", file), "utf8"), file).toBe(readFileSync(path.join(fresh, file), "utf8"));
    }
    expect(existsSync("stacks/feature_repo/data")).toBe(false);
  });

  it("run the compiled program, and the dev stack is local", () => {
    const project = parseYaml(readFileSync("Pulumi.yaml", "utf8"));
    expect(project).toMatchObject({ name: "skewless", runtime: { name: "nodejs", options: { typescript: false } }, main: "dist/stacks/index.js" });
    expect(existsSync(project.main)).toBe(true);
    expect(parseYaml(readFileSync("Pulumi.dev.yaml", "utf8"))).toEqual({ config: { "skewless:cloud": "local" } });
  });
});
