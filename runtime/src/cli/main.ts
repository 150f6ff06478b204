import * as path from "node:path";
import { Command, CommanderError } from "commander";
import { CONFIG_FILE, loadRepoConfig } from "../config";
import { formatError, processOutput, type Output } from "./output";
import { registerApply } from "./commands/apply";
import { registerChecks } from "./commands/checks";
import { registerInit } from "./commands/init";
import { registerLineage } from "./commands/lineage";
import { registerMaterialize } from "./commands/materialize";
import { registerPlan } from "./commands/plan";
import { registerServe } from "./commands/serve";

/** Shared by every command: where to run and where to print. */
export interface CliContext {
  output: Output;
  /** The folder commands act on (`-C DIR`, else the working directory). */
  repoPath(): string;
  /** Sets the process exit code a command wants (e.g. 2 from `plan --detailed-exitcode`). */
  setExitCode(code: number): void;
}

const VERSION: string = require("../../package.json").version;

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], output: Output = processOutput()): Promise<number> {
  let exitCode = 0;
  const program = new Command("skewless")
    .description("Skewless: a Feast-compatible feature store for TypeScript.\nRun inside a feature repo (a folder with feature_store.yaml), or pass -C DIR.")
    .version(VERSION, "-v, --version")
    .option("-C, --chdir <dir>", "run as if skewless was started in <dir>")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => output.out(s.replace(/\n$/, "")), writeErr: (s) => output.err(s.replace(/\n$/, "")) });
  const context: CliContext = {
    output,
    repoPath: () => path.resolve(program.opts<{ chdir?: string }>().chdir ?? "."),
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  program.hook("preAction", (_program, command) => {
    if (command.name() !== "init") noteFeastOnlyKeys(context);
  });
  registerInit(program, context);
  registerPlan(program, context);
  registerApply(program, context);
  registerMaterialize(program, context);
  registerChecks(program, context);
  registerServe(program, context);
  registerLineage(program, context);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    output.err(formatError(error));
    return 1;
  }
}

/**
 * Says which feature_store.yaml keys Skewless leaves to Feast, so none is ignored silently. A file
 * that cannot be read is left for the command itself to report.
 */
function noteFeastOnlyKeys(context: CliContext): void {
  let keys: string[];
  try {
    keys = loadRepoConfig(context.repoPath()).feastOnlyKeys ?? [];
  } catch {
    return;
  }
  if (keys.length === 0) return;
  const list = keys.join(", ");
  context.output.err(`note: ${CONFIG_FILE}: ${list} ${keys.length === 1 ? "configures" : "configure"} Feast only; Skewless does not read ${keys.length === 1 ? "it" : "them"}`);
}
