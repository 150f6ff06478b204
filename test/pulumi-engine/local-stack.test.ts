import { cpSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import type * as stackModule from "../../stacks/credit-scoring";
import { FeatureStore as RuntimeStore } from "../../runtime/src/feature-store";
import { RegistryObjects } from "../../runtime/src/registry/registry-objects";
import { changes, nativeRequire, printedPropertyChanges, printedPropertyPaths, resourceName, startEngine, type EngineStack } from "../helpers/pulumi-engine";
import { FEAST_VENV } from "../helpers/feast";
import { REPO_ROOT, run, skewless } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";

// The dev stack (the credit-scoring repo on the local cloud) under the real Pulumi engine: the
// CLI, a file backend and the dynamic provider host, driven through the Automation API. One
// stack, one engine, steps in order: each `it` starts from where the one before left off.

const ENGINE_TIMEOUT = 240_000;
const PROJECT = "feature_repo";

describe("the dev stack under the real Pulumi engine", () => {
  const dir = tempDir("skewless-engine-");
  const repo = path.join(dir, "feature_repo");
  const features = path.join(repo, "features.ts");
  const registry = path.join(repo, "data", "registry.db");
  let original: string;
  let dev: EngineStack;

  const sqliteTables = () => {
    const db = new Database(path.join(repo, "data", "online.db"), { readonly: true });
    try {
      return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    } finally {
      db.close();
    }
  };

  /** Rewrites the repo's definitions as a pull request would: the credit view's ttl. */
  const setCreditTtl = (ttl: string) => writeFileSync(features, original.replace('ttl: "7d"', `ttl: "${ttl}"`));

  beforeAll(async () => {
    cpSync(path.join(REPO_ROOT, "stacks", "feature_repo"), repo, { recursive: true });
    original = readFileSync(features, "utf8");
    expect(original).toContain('ttl: "7d"');
    const engine = await startEngine(path.join(dir, "pulumi"));
    const { creditScoringStack }: typeof stackModule = nativeRequire(path.join(REPO_ROOT, "dist", "stacks", "credit-scoring.js"));
    // The working directory is not the project's: nothing may depend on it.
    process.chdir(dir);
    dev = await engine.stack("skewless", "dev", () => creditScoringStack(), { "skewless:cloud": "local", "skewless:repoPath": repo });
  }, ENGINE_TIMEOUT);

  it("previews the creation of every registry object", async () => {
    const { summary, steps } = await dev.preview();
    expect(summary.create).toBe(changes(steps).length);
    const objects = changes(steps).filter((s) => s.type.startsWith("pulumi-nodejs:dynamic/skewless:")).map((s) => `${s.op} ${s.type.split(":").pop()} ${resourceName(s.urn)}`);
    expect(objects.sort()).toEqual([
      "create DataSource credit-scoring-user_credit_source", "create DataSource credit-scoring-user_transactions_source",
      "create Entity credit-scoring-user", "create FeatureService credit-scoring-credit_model_v1",
      "create FeatureView credit-scoring-user_credit", "create FeatureView credit-scoring-user_transactions",
    ]);
  }, ENGINE_TIMEOUT);

  it("up writes the registry `skewless apply` would write, and exports a feature_store.yaml with absolute paths", async () => {
    const { summary, outputs } = await dev.up();
    expect(summary.create).toBeGreaterThanOrEqual(6);
    const plan = await (await RuntimeStore.open(repo)).plan();
    expect(plan.changes).toEqual([]);
    const yaml = String(outputs.featureStoreYaml.value);
    expect(yaml).toContain(`path: ${JSON.stringify(registry)}`);
    expect(yaml).toContain(`path: ${JSON.stringify(path.join(repo, "data", "online.db"))}`);
    // The online store follows, as `skewless apply` leaves it: one SQLite table per view, recorded in registry.infra.
    expect(sqliteTables()).toEqual(["feature_repo_user_credit", "feature_repo_user_transactions"]);
    const model = await RegistryObjects.open(registry).registry.load();
    expect((model.proto.infra?.infra_objects ?? []).map((o) => o.sqlite_table?.name).sort()).toEqual(["feature_repo_user_credit", "feature_repo_user_transactions"]);
  }, ENGINE_TIMEOUT);

  it("previews no change right after up", async () => {
    const { summary, steps } = await dev.preview();
    expect(changes(steps)).toEqual([]);
    expect(Object.keys(summary)).toEqual(["same"]);
  }, ENGINE_TIMEOUT);

  it("previews a one-view ttl edit as exactly one update, of ttl", async () => {
    setCreditTtl("14d");
    try {
      const { steps, stdout } = await dev.preview({ diff: true });
      expect(changes(steps).map((s) => [s.op, resourceName(s.urn)])).toEqual([["update", "credit-scoring-user_credit"]]);
      expect(printedPropertyChanges(stdout)).toEqual(['~ ttl: "1w" => "2w"']);
      expect(stdout).toMatch(/~ 1 to update\n\s+13 unchanged/);
    } finally {
      writeFileSync(features, original);
    }
  }, ENGINE_TIMEOUT);

  it("previews one feature's dtype edit as one update whose diff names that feature's dtype, nested", async () => {
    // `open_accounts` is the third feature of user_credit: features[2].
    const edited = original.replace('{ name: "open_accounts", dtype: "Int32" }', '{ name: "open_accounts", dtype: "Int64" }');
    expect(edited).not.toBe(original);
    writeFileSync(features, edited);
    try {
      const { steps, stdout } = await dev.preview({ diff: true });
      const updates = changes(steps);
      expect(updates.map((s) => [s.op, resourceName(s.urn)])).toEqual([["update", "credit-scoring-user_credit"]]);
      // Dynamic providers return no detailed diff (their DiffResult has none), so the engine's
      // events carry none either; the CLI diffs the inputs itself and prints the nested path.
      expect(printedPropertyPaths(stdout)).toEqual(['~ features[2].dtype: "Int32" => "Int64"']);
    } finally {
      writeFileSync(features, original);
    }
  }, ENGINE_TIMEOUT);

  it("shows a `skewless apply` made out of band on the one view it touched, and its property after a refresh", async () => {
    setCreditTtl("3d");
    try {
      const applied = await skewless(["-C", repo, "apply"], dir);
      expect(applied.code, applied.stderr).toBe(0);
    } finally {
      writeFileSync(features, original);
    }
    // Before a refresh the stack's inputs still match the code: the update is there, the property is not.
    const { steps } = await dev.preview();
    expect(changes(steps).map((s) => [s.op, resourceName(s.urn)])).toEqual([["update", "credit-scoring-user_credit"]]);

    await dev.stack.refresh();
    const after = await dev.preview({ diff: true });
    expect(changes(after.steps).map((s) => [s.op, resourceName(s.urn)])).toEqual([["update", "credit-scoring-user_credit"]]);
    expect(printedPropertyChanges(after.stdout)).toEqual(['~ ttl: "3d" => "1w"']);

    await dev.up();
    const view = await RegistryObjects.open(registry).get("featureView", PROJECT, "user_credit");
    expect(view).toMatchObject({ spec: { ttl: "1w" }, managedBy: "pulumi" });
    expect(changes((await dev.preview()).steps)).toEqual([]);
  }, ENGINE_TIMEOUT * 2);

  it("shows a change made with Feast's own SDK on the objects it touched", async () => {
    // Feast 0.66 in the pinned venv reads the same registry.db and applies a new ttl to one view.
    const script = [
      "import sys, datetime",
      "from feast import FeatureStore",
      "store = FeatureStore(repo_path=sys.argv[1])",
      "view = store.get_feature_view('user_transactions')",
      "view.ttl = datetime.timedelta(days=2)",
      "store.apply([view])",
    ].join("\n");
    const applied = await run(path.join(FEAST_VENV, "bin", "python"), ["-c", script, repo], { cwd: dir, timeoutMs: 300_000 });
    expect(applied.code, applied.stderr).toBe(0);
    const { steps, stdout } = await dev.preview({ refresh: true, diff: true });
    // Feast applies a view together with its batch source, rewritten from the view's embedded copy;
    // that copy carries the registered source's meta (ownership included), so only the view changed.
    expect(changes(steps).map((s) => `${s.op} ${resourceName(s.urn)}`).sort()).toEqual(["update credit-scoring-user_transactions"]);
    const [refreshed, planned] = stdout.split("pulumi:pulumi:Stack: (same)");
    expect(printedPropertyChanges(refreshed)).toEqual(['~ ttl: "1d" => "2d"']);
    expect(printedPropertyChanges(planned)).toEqual(['~ ttl: "2d" => "1d"']);
    await dev.up();
    expect(await RegistryObjects.open(registry).get("featureView", PROJECT, "user_transactions")).toMatchObject({ spec: { ttl: "1d" } });
  }, ENGINE_TIMEOUT * 2);

  it("destroy removes every object the stack wrote and nothing else", async () => {
    // An object someone else manages, in the same project of the same registry.
    await RegistryObjects.open(registry).put("entity", PROJECT, { name: "merchant", joinKey: "merchant_id", valueType: "String", description: "", owner: "", tags: {} }, "skewless");
    await dev.stack.destroy();
    const left = await RegistryObjects.open(registry).registry.load();
    const names = (["entity", "dataSource", "featureView", "featureService"] as const)
      .flatMap((kind) => left.list(kind, PROJECT).map((proto) => `${kind} ${nameOf(proto)}`));
    // Feast's apply (above) wrote its placeholder entity `__dummy`: Feast's, so it stays too.
    expect(names).toEqual(["entity __dummy", "entity merchant"]);
    expect(sqliteTables()).toEqual([]);   // the views' online tables went with them
  }, ENGINE_TIMEOUT);
});

function nameOf(proto: object): string {
  const p = proto as { name?: string; spec?: { name?: string } };
  return p.spec?.name ?? p.name ?? "?";
}

describe("50 feature views in one `pulumi up`", () => {
  const dir = tempDir("skewless-engine-");
  const repoDir = path.join(dir, "fifty");
  let fifty: EngineStack;

  beforeAll(async () => {
    const rt: typeof import("../../runtime/src/index") = nativeRequire("@skewless/runtime");
    const components: typeof import("../../pulumi/src/index") = nativeRequire("@skewless/pulumi");
    const program = async () => {
      const user = new rt.Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
      const source = new rt.FileSource({ name: "events", path: "data/events.parquet", timestampField: "ts" });
      const featureViews = Array.from({ length: 50 }, (_, i) => new rt.FeatureView({
        name: `view_${i}`, entities: [user], ttl: "1d", source, schema: [{ name: `f_${i}`, dtype: "Int64" }],
      }));
      const store = new components.FeatureStore("fifty", {
        project: "fifty", cloud: "local", local: { repoPath: repoDir },
        definitions: { entities: [user], dataSources: [], featureViews, featureServices: [] },
      });
      return { registry: store.registry };
    };
    const engine = await startEngine(path.join(dir, "pulumi"));
    fifty = await engine.stack("fifty", "dev", program);
  }, ENGINE_TIMEOUT);

  it("creates all 50 (the providers' writes run in parallel against one registry.pb), then previews no change, then destroys them", async () => {
    const registry = path.join(repoDir, "data", "registry.db");
    const { outputs } = await fifty.up({ parallel: 50 });
    expect(outputs.registry.value).toBe(registry);
    const views = async () => (await RegistryObjects.open(registry).registry.load()).list("featureView", "fifty").map(nameOf).sort();
    expect(await views()).toEqual(Array.from({ length: 50 }, (_, i) => `view_${i}`).sort());
    expect(changes((await fifty.preview()).steps)).toEqual([]);
    await fifty.stack.destroy();
    expect(await views()).toEqual([]);
  }, ENGINE_TIMEOUT * 2);
});
