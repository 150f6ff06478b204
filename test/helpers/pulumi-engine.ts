import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import type * as automationTypes from "@pulumi/pulumi/automation";
import { REPO_ROOT } from "./processes";

// The real Pulumi engine (the CLI built by scripts/setup-pulumi-cli.sh), driven through the
// Automation API with inline programs: the CLI's Node.js language host is not available here, and
// an inline program runs in this process without one. Everything Pulumi-related is loaded with
// Node's own require from the compiled dist/ (vitest rewrites the modules it loads, and Pulumi's
// closure serializer would capture those rewrites), so the program and the Automation API share
// one @pulumi/pulumi.

export const nativeRequire = createRequire(path.join(REPO_ROOT, "dist", "stacks", "index.js"));

/** The folder holding the `pulumi` binary (built on first use, minutes; then returned at once). */
export function pulumiCliDir(): string {
  const out = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "setup-pulumi-cli.sh")], { encoding: "utf8", timeout: 30 * 60_000, stdio: ["ignore", "pipe", "inherit"] });
  return out.trim().split("\n").pop()!;
}

/** One resource step of a preview or update, as the engine reported it. */
export interface Step {
  op: string;
  urn: string;
  type: string;
  /** The top-level properties the engine reports as changed. */
  diffs: string[];
  /** Property paths from the detailed diff, when the engine computed one. */
  detailedDiff: string[];
}

export interface Engine {
  auto: typeof automationTypes;
  /** The environment the CLI runs with (PATH, backend, passphrase, Pulumi home). */
  envVars: Record<string, string>;
  /**
   * A stack of `project` in this engine's backend, running `program` in this process. Its work
   * folder is a new one under the state folder, unless `workDir` names a project folder holding
   * its own Pulumi.yaml (and Pulumi.<stack>.yaml), which the engine then reads as the CLI would.
   */
  stack(project: string, stackName: string, program: automationTypes.PulumiFn, config?: Record<string, string>, workDir?: string): Promise<EngineStack>;
}

export interface EngineOptions {
  /** Resolves the program's packages: @pulumi/pulumi (its Automation API) from there. Default: this repository's. */
  from?: NodeRequire;
  /** Extra folders the provider host looks up packages in; none when the work folder has its own node_modules. */
  nodePath?: string;
  /** Replaces the file backend and Pulumi home under `stateDir` (for a test that logs in as a user would). */
  env?: Record<string, string>;
}

export interface EngineStack {
  stack: automationTypes.Stack;
  preview(options?: automationTypes.PreviewOptions): Promise<{ summary: Record<string, number>; steps: Step[]; stdout: string }>;
  up(options?: automationTypes.UpOptions): Promise<{ summary: Record<string, number>; steps: Step[]; outputs: automationTypes.OutputMap }>;
}

/**
 * The engine with its state in `stateDir` (a local file backend, secrets under a passphrase): the
 * CLI on PATH, and the folder of `pulumi-resource-pulumi-nodejs` (shipped by @pulumi/pulumi), which
 * the engine starts for dynamic providers.
 */
export async function startEngine(stateDir: string, options: EngineOptions = {}): Promise<Engine> {
  const from = options.from ?? nativeRequire;
  const auto: typeof automationTypes = from("@pulumi/pulumi/automation");
  const cliDir = pulumiCliDir();
  const home = path.join(stateDir, "home");
  const backend = path.join(stateDir, "backend");
  mkdirSync(home, { recursive: true });
  mkdirSync(backend, { recursive: true });
  const envVars: Record<string, string> = {
    PATH: [cliDir, path.dirname(from.resolve("@pulumi/pulumi/package.json")), process.env.PATH].join(path.delimiter),
    // A stack's work folder here is a temporary one with no node_modules: the provider host the
    // engine starts there finds @pulumi/pulumi and the runtime through NODE_PATH.
    NODE_PATH: options.from ? (options.nodePath ?? "") : path.join(REPO_ROOT, "node_modules"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    ...(options.env ?? { PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "engine-test", PULUMI_HOME: home }),
  };
  const pulumiCommand = await auto.PulumiCommand.get({ root: path.dirname(cliDir) });
  return {
    auto,
    envVars,
    async stack(project, stackName, program, config = {}, workDir) {
      const own = workDir === undefined;
      const dir = workDir ?? path.join(stateDir, `${project}-${stackName}`);
      mkdirSync(dir, { recursive: true });
      const stack = await auto.LocalWorkspace.createOrSelectStack(
        { projectName: project, stackName, program },
        {
          workDir: dir, pulumiCommand, envVars, ...(envVars.PULUMI_HOME ? { pulumiHome: envVars.PULUMI_HOME } : {}),
          ...(own ? { projectSettings: { name: project, runtime: "nodejs", backend: { url: envVars.PULUMI_BACKEND_URL } } } : {}),
        },
      );
      for (const [key, value] of Object.entries(config)) await stack.setConfig(key, { value });
      return wrap(stack);
    },
  };
}

function wrap(stack: automationTypes.Stack): EngineStack {
  const recorder = () => {
    const steps: Step[] = [];
    const onEvent = (event: automationTypes.EngineEvent) => {
      const m = event.resourcePreEvent?.metadata;
      if (!m || m.type === "pulumi:pulumi:Stack") return;
      steps.push({ op: m.op, urn: m.urn, type: m.type, diffs: m.diffs ?? [], detailedDiff: Object.keys(m.detailedDiff ?? {}) });
    };
    return { steps, onEvent };
  };
  return {
    stack,
    async preview(options = {}) {
      const { steps, onEvent } = recorder();
      const result = await stack.preview({ ...options, onEvent });
      return { summary: result.changeSummary as Record<string, number>, steps, stdout: result.stdout };
    },
    async up(options = {}) {
      const { steps, onEvent } = recorder();
      const result = await stack.up({ ...options, onEvent });
      return { summary: (result.summary.resourceChanges ?? {}) as Record<string, number>, steps, outputs: result.outputs };
    },
  };
}

/** The steps that change something (not `same`, not `read`). */
export function changes(steps: Step[]): Step[] {
  return steps.filter((s) => s.op !== "same" && s.op !== "read" && s.op !== "refresh");
}

/** A URN's resource name (its last `::` part). */
export function resourceName(urn: string): string {
  return urn.split("::").pop()!;
}

/**
 * The property changes a `preview --diff` printed (`~ ttl: "1w" => "2w"`), without the resource
 * lines. Dynamic providers return no detailed diff, so the CLI compares old and new inputs: this is
 * what a reviewer reads.
 */
export function printedPropertyChanges(stdout: string): string[] {
  return stdout.split("\n")
    .map((line) => /^\s*([~+-]) ([A-Za-z_][\w.[\]]*)\s*: (.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && !m[3].startsWith("("))
    .map((m) => `${m[1]} ${m[2]}: ${m[3]}`);
}

/**
 * Every change a `preview --diff` printed, a nested one by its full path: the CLI prints a change
 * inside a list of objects on three indented lines (`~ features: [`, `~ [2]: {`,
 * `~ dtype: "Int32" => "Int64"`), read here as `~ features[2].dtype: "Int32" => "Int64"`.
 */
export function printedPropertyPaths(stdout: string): string[] {
  const out: string[] = [];
  const open: { indent: number; path: string }[] = [];
  for (const line of stdout.split("\n")) {
    const m = /^(\s*)([~+-]) (\[\d+\]|[A-Za-z_][\w.]*)\s*: (.*)$/.exec(line);
    if (!m) continue;
    const [, indent, sign, key, value] = m;
    while (open.length && open[open.length - 1].indent >= indent.length) open.pop();
    const parent = open.length ? open[open.length - 1].path : "";
    const path = key.startsWith("[") || !parent ? `${parent}${key}` : `${parent}.${key}`;
    if (value === "[" || value === "{") open.push({ indent: indent.length, path });
    else if (!value.startsWith("(")) out.push(`${sign} ${path}: ${value}`);
  }
  return out;
}
