import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type * as automationTypes from "@pulumi/pulumi/automation";
import { RegistryObjects } from "../../runtime/src/registry/registry-objects";
import { changes, pulumiCliDir, resourceName, startEngine, type EngineStack } from "../helpers/pulumi-engine";
import { REPO_ROOT, run } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";

// README "Deploy with Pulumi", run as written in a copy of the repository: the CLI lines through
// the real `pulumi` binary with its own HOME and PULUMI_HOME (nothing of this machine's Pulumi state is used),
// except `pulumi preview --diff` and `pulumi up`. Those run the Node.js program through the CLI's
// language host (pulumi-language-nodejs), whose Go module is not served to this machine, so it
// cannot be built here: the Automation API runs them instead, on the same stack, in the same
// project folder (its Pulumi.yaml and Pulumi.dev.yaml), with the program Pulumi.yaml's `main` names.
// What is not exercised: the language host starting that file itself. One substitution:
// `pulumi login --local` keeps state in the user's home folder, which Pulumi takes from the
// account (not $HOME), so here it would be this machine's own; the test logs in to
// `file://<temporary folder>` instead, the same file backend in another place.

const ENGINE_TIMEOUT = 240_000;
const ENV_MARK = "--- environment ---";

/** The shell block of the README's "Deploy with Pulumi" section, one command per line, comments dropped. */
function readmeCommands(): string[] {
  const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Deploy with Pulumi"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
  return block.split("\n").map((line) => line.replace(/\s+#.*$/, "").trim()).filter(Boolean);
}

describe("the README's `Deploy with Pulumi` commands, on a copy of the repository", () => {
  const dir = tempDir("skewless-readme-");
  const clone = path.join(dir, "skewless");
  const home = path.join(dir, "home");
  const state = path.join(dir, "state");
  const commands = readmeCommands();
  let shellEnv: NodeJS.ProcessEnv;
  let dev: EngineStack;

  /** Runs README lines in bash, in the copy, as a user's shell would; returns the variables they exported. */
  const shell = async (lines: string[]) => {
    const localized = lines.map((line) => line.replace("pulumi login --local", `pulumi login ${JSON.stringify(`file://${state}`)}`));
    const script = ["set -euo pipefail", ...localized, `printf '\\0${ENV_MARK}\\0'`, "env -0"].join("\n");
    const result = await run("bash", ["-c", script], { cwd: clone, env: shellEnv, timeoutMs: 120_000 });
    expect(result.code, `${lines.join("; ")}\n${result.stderr}`).toBe(0);
    const env = result.stdout.slice(result.stdout.indexOf(`\0${ENV_MARK}\0`) + ENV_MARK.length + 2);
    const exported = Object.fromEntries(env.split("\0").filter((kv) => kv.startsWith("PULUMI_")).map((kv) => kv.split(/=(.*)/s, 2)));
    shellEnv = { ...shellEnv, ...exported };
  };

  beforeAll(async () => {
    // The copy: the files git tracks, plus what `npm ci` leaves (node_modules and the build outputs).
    const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: REPO_ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
    for (const file of tracked) {
      if (!existsSync(path.join(REPO_ROOT, file))) continue;   // deleted in the working tree
      mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
      cpSync(path.join(REPO_ROOT, file), path.join(clone, file));
    }
    for (const built of ["dist", "runtime/dist", "pulumi/dist"]) cpSync(path.join(REPO_ROOT, built), path.join(clone, built), { recursive: true });
    symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(clone, "node_modules"));
    mkdirSync(home);
    mkdirSync(state);
    const cliDir = pulumiCliDir();
    const cloneRequire = createRequire(path.join(clone, "package.json"));
    shellEnv = {
      HOME: home,
      // The official CLI's folder holds pulumi-resource-pulumi-nodejs too; @pulumi/pulumi ships the same script.
      PATH: [cliDir, path.dirname(cloneRequire.resolve("@pulumi/pulumi/package.json")), process.env.PATH].join(path.delimiter),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      // Credentials (the current login) stay in the test's folder too.
      PULUMI_HOME: path.join(home, ".pulumi"),
      PULUMI_BACKEND_URL: "", PULUMI_CONFIG_PASSPHRASE: "", NODE_PATH: "",
    };
  }, ENGINE_TIMEOUT);

  it("lists the steps this test runs, in order", () => {
    expect(commands).toEqual([
      "npm ci",
      "pulumi login --local && export PULUMI_CONFIG_PASSPHRASE=dev",
      "pulumi stack init dev",
      "pulumi preview --diff",
      "pulumi up",
      "mkdir -p my-app && pulumi stack output featureStoreYaml > my-app/feature_store.yaml",
    ]);
  });

  it("logs in to a local backend and creates the dev stack with the CLI, no config beyond the repository's", async () => {
    // `npm ci` is what made the node_modules and dist/ the copy was given.
    await shell(commands.slice(1, 3));
    expect(shellEnv.PULUMI_CONFIG_PASSPHRASE).toBe("dev");
    expect(existsSync(path.join(state, ".pulumi", "stacks", "skewless", "dev.json"))).toBe(true);
    const project = parseYaml(readFileSync(path.join(clone, "Pulumi.yaml"), "utf8")) as { name: string; main: string };
    const program: automationTypes.PulumiFn = createRequire(path.join(clone, "Pulumi.yaml"))(path.join(clone, project.main));
    const engine = await startEngine(path.join(dir, "engine"), {
      from: createRequire(path.join(clone, project.main)),
      env: Object.fromEntries(Object.entries(shellEnv).filter(([key]) => key.startsWith("PULUMI_") || key === "HOME")) as Record<string, string>,
    });
    dev = await engine.stack(project.name, "dev", program, {}, clone);
  }, ENGINE_TIMEOUT);

  it("previews (`pulumi preview --diff`) the creation of every object of the demo repo", async () => {
    const { summary, steps, stdout } = await dev.preview({ diff: true });
    expect(changes(steps).filter((s) => s.type.startsWith("pulumi-nodejs:dynamic/")).map((s) => `${s.op} ${resourceName(s.urn)}`).sort()).toEqual([
      "create credit-scoring-credit_model_v1", "create credit-scoring-user", "create credit-scoring-user_credit",
      "create credit-scoring-user_credit_source", "create credit-scoring-user_transactions", "create credit-scoring-user_transactions_source",
    ]);
    expect(summary.create).toBe(changes(steps).length);
    expect(stdout).toContain("+ pulumi:pulumi:Stack: (create)");
  }, ENGINE_TIMEOUT);

  it("`pulumi up` deploys it, then the stack output lands in my-app/ and opens the deployed registry from there", async () => {
    await dev.up();
    await shell(commands.slice(5));
    const yaml = parseYaml(readFileSync(path.join(clone, "my-app", "feature_store.yaml"), "utf8")) as { project: string; registry: { path: string }; online_store: { path: string } };
    const repo = path.join(clone, "stacks", "feature_repo");
    expect(yaml.registry.path).toBe(path.join(repo, "data", "registry.db"));
    expect(yaml.online_store.path).toBe(path.join(repo, "data", "online.db"));
    const views = (await RegistryObjects.open(yaml.registry.path).registry.load()).list("featureView", yaml.project);
    expect(views.map((v) => (v as { spec?: { name?: string } }).spec?.name).sort()).toEqual(["user_credit", "user_transactions"]);
    expect(changes((await dev.preview()).steps)).toEqual([]);
    await dev.stack.destroy();
  }, ENGINE_TIMEOUT * 2);
});
