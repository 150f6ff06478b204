import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type * as automationTypes from "@pulumi/pulumi/automation";
import { RegistryObjects } from "../../runtime/src/registry/registry-objects";
import { changes, resourceName, startEngine, type EngineStack } from "../helpers/pulumi-engine";
import { REPO_ROOT, run } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";

// What a platform team does: a Pulumi project in its own folder, outside this repository, that
// installs @skewless/runtime and @skewless/pulumi from the tarballs `npm pack` makes (what a
// publish would upload) and deploys a feature repo with the real engine. Its program is a plain
// index.js, the one its Pulumi.yaml names as `main`; the CLI's Node.js language host cannot be
// built here, so the Automation API runs that same file as an inline program, in the project's
// folder, with nothing on NODE_PATH: the provider host finds the runtime in the project's own
// node_modules, as it does on a user's machine.

const INSTALL_TIMEOUT = 15 * 60_000;   // npm extracts ~400 MB (the @pulumi/aws and @pulumi/gcp peers are most of it)
const ENGINE_TIMEOUT = 240_000;
const PROJECT = "feature_repo";

const PROGRAM = `// A Pulumi program using the installed packages only.
const path = require("node:path");
const { FeatureStore } = require("@skewless/pulumi");

module.exports = async () => {
  const store = await FeatureStore.fromRepo("features", { cloud: "local", repoPath: path.join(__dirname, "feature_repo") });
  return { registry: store.registry, featureStoreYaml: store.featureStoreYaml, featureViews: Object.keys(store.objects.featureViews) };
};
`;

describe("a Pulumi program outside the repository, on the packed packages", () => {
  const dir = tempDir("skewless-packed-");
  const app = path.join(dir, "platform-app");
  const registry = path.join(app, "feature_repo", "data", "registry.db");
  let appRequire: NodeRequire;
  let stack: EngineStack;

  beforeAll(async () => {
    expect(existsSync(path.join(REPO_ROOT, "pulumi", "dist", "index.js")), "pulumi/dist is missing: run `npm run build`").toBe(true);
    const tarballs = path.join(dir, "tarballs");
    mkdirSync(tarballs);
    const packed = await run("npm", ["pack", "--workspace", "runtime", "--workspace", "pulumi", "--pack-destination", tarballs, "--silent"], { cwd: REPO_ROOT, timeoutMs: 300_000 });
    expect(packed.code, packed.stderr).toBe(0);
    const files = packed.stdout.trim().split("\n").map((f) => path.join(tarballs, f.trim()));
    expect(files.map((f) => path.basename(f)).sort()).toEqual(["skewless-pulumi-0.1.0.tgz", "skewless-runtime-0.1.0.tgz"]);

    mkdirSync(app);
    writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "platform-app", private: true, main: "index.js" }, null, 2));
    writeFileSync(path.join(app, "Pulumi.yaml"), "name: platform-app\nruntime: nodejs\nmain: index.js\n");
    writeFileSync(path.join(app, "index.js"), PROGRAM);
    cpSync(path.join(REPO_ROOT, "stacks", "feature_repo"), path.join(app, "feature_repo"), { recursive: true });
    // The npm cache is warm (this repository's `npm ci` filled it): no registry round trip needed.
    // Install scripts are skipped: the only ones are better-sqlite3's native build (minutes on two
    // cores) and a version notice of protobufjs. The addon this repository's install built for the
    // same version of better-sqlite3 and the same Node goes in its place.
    const installed = await run("npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", ...files], { cwd: app, timeoutMs: INSTALL_TIMEOUT });
    expect(installed.code, installed.stderr).toBe(0);
    const sqlite = (root: string) => path.join(root, "node_modules", "better-sqlite3");
    const version = (root: string) => JSON.parse(readFileSync(path.join(sqlite(root), "package.json"), "utf8")).version;
    expect(version(app)).toBe(version(REPO_ROOT));
    const addon = path.join("build", "Release", "better_sqlite3.node");
    mkdirSync(path.dirname(path.join(sqlite(app), addon)), { recursive: true });
    cpSync(path.join(sqlite(REPO_ROOT), addon), path.join(sqlite(app), addon));
    appRequire = createRequire(path.join(app, "index.js"));

    const engine = await startEngine(path.join(dir, "pulumi"), { from: appRequire });
    const program: automationTypes.PulumiFn = appRequire("./index.js");
    stack = await engine.stack("platform-app", "dev", program, {}, app);
  }, INSTALL_TIMEOUT + ENGINE_TIMEOUT);

  it("installs real copies of both packages and the pinned Pulumi SDK (peer), none linked to this repository", () => {
    for (const name of ["@skewless/runtime", "@skewless/pulumi", "@pulumi/pulumi"]) {
      const folder = path.join(app, "node_modules", name);
      expect(lstatSync(folder).isSymbolicLink(), name).toBe(false);
      expect(realpathSync(appRequire.resolve(name)).startsWith(app + path.sep), name).toBe(true);
    }
    expect(JSON.parse(readFileSync(path.join(app, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version).toBe("3.248.0");
    // What the package ships: compiled JavaScript, declarations and the README, no sources or tests.
    const shipped = JSON.parse(readFileSync(path.join(app, "node_modules", "@skewless", "pulumi", "package.json"), "utf8"));
    expect(shipped.exports["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
    expect(existsSync(path.join(app, "node_modules", "@skewless", "pulumi", "dist", "index.d.ts"))).toBe(true);
    expect(existsSync(path.join(app, "node_modules", "@skewless", "pulumi", "src"))).toBe(false);
  });

  it("up registers the repo's objects in the repo's registry, and the stack stores no path into this repository", async () => {
    const { outputs, steps } = await stack.up();
    const objects = changes(steps).filter((s) => s.type.startsWith("pulumi-nodejs:dynamic/skewless:")).map((s) => `${s.op} ${resourceName(s.urn)}`);
    expect(objects.sort()).toEqual([
      "create features-credit_model_v1", "create features-user", "create features-user_credit",
      "create features-user_credit_source", "create features-user_transactions", "create features-user_transactions_source",
    ]);
    expect(outputs.registry.value).toBe(registry);
    expect([...(outputs.featureViews.value as string[])].sort()).toEqual(["user_credit", "user_transactions"]);
    const views = (await RegistryObjects.open(registry).registry.load()).list("featureView", PROJECT);
    expect(views).toHaveLength(2);
    // The provider text in the state loads the runtime by name, from wherever the project installed it.
    const state = JSON.stringify(await stack.stack.exportStack());
    expect(state).toContain('require(\\"@skewless/runtime/internal\\")');
    expect(state).not.toContain(REPO_ROOT);
  }, ENGINE_TIMEOUT);

  it("previews no change right after up", async () => {
    const { summary, steps } = await stack.preview();
    expect(changes(steps)).toEqual([]);
    expect(Object.keys(summary)).toEqual(["same"]);
  }, ENGINE_TIMEOUT);

  it("destroy removes what it registered", async () => {
    await stack.stack.destroy();
    const left = await RegistryObjects.open(registry).registry.load();
    const names = (["entity", "dataSource", "featureView", "featureService"] as const)
      .flatMap((kind) => left.list(kind, PROJECT).map((proto) => `${kind} ${(proto as { spec?: { name?: string } }).spec?.name}`));
    // The runtime writes Feast's placeholder entity with the first view, as Feast's apply does; it is
    // the stack's, so it goes with the stack's last object.
    expect(names).toEqual([]);
  }, ENGINE_TIMEOUT);
});
