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
  /** A stack of `project` in this engine's backend, running `program` in this process. */
  stack(project: string, stackName: string, program: automationTypes.PulumiFn, config?: Record<string, string>): Promise<EngineStack>;
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
export async function startEngine(stateDir: string): Promise<Engine> {
  const auto: typeof automationTypes = nativeRequire("@pulumi/pulumi/automation");
  const cliDir = pulumiCliDir();
  const home = path.join(stateDir, "home");
  const backend = path.join(stateDir, "backend");
  mkdirSync(home, { recursive: true });
  mkdirSync(backend, { recursive: true });
  const envVars: Record<string, string> = {
    PATH: [cliDir, path.dirname(nativeRequire.resolve("@pulumi/pulumi/package.json")), process.env.PATH].join(path.delimiter),
    // The engine starts the provider host in the stack's work folder, a temporary one here: it
    // finds @pulumi/pulumi through NODE_PATH, as it would in a project's own node_modules.
    NODE_PATH: path.join(REPO_ROOT, "node_modules"),
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "engine-test",
    PULUMI_HOME: home,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  const pulumiCommand = await auto.PulumiCommand.get({ root: path.dirname(cliDir) });
  return {
    auto,
    async stack(project, stackName, program, config = {}) {
      const workDir = path.join(stateDir, `${project}-${stackName}`);
      mkdirSync(workDir, { recursive: true });
      const stack = await auto.LocalWorkspace.createOrSelectStack(
        { projectName: project, stackName, program },
        { workDir, pulumiCommand, envVars, pulumiHome: home, projectSettings: { name: project, runtime: "nodejs", backend: { url: envVars.PULUMI_BACKEND_URL } } },
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
