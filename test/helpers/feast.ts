import * as path from "node:path";
import { REPO_ROOT, run, type RunResult } from "./processes";

/** The pinned Feast 0.66 environment (created by feast-check/setup-venv.sh). */
export const FEAST_VENV = process.env.SKEWLESS_FEAST_VENV ?? path.join(REPO_ROOT, ".venv-feast");
const CHECK_SCRIPT = path.join(REPO_ROOT, "feast-check", "registry_check.py");

/** Creates the Feast venv if needed (idempotent; the first run installs Feast, later runs return at once). */
export async function ensureFeast(): Promise<void> {
  const result = await run("bash", [path.join(REPO_ROOT, "feast-check", "setup-venv.sh")], { timeoutMs: 15 * 60_000 });
  if (result.code !== 0) throw new Error(`feast-check/setup-venv.sh failed (${result.code}):\n${result.stderr}`);
}

/** Runs Feast's own CLI (`feast init`, `feast apply`, ...). */
export function feast(args: string[], cwd: string): Promise<RunResult> {
  return run(path.join(FEAST_VENV, "bin", "feast"), args, { cwd, timeoutMs: 300_000 });
}

/** Runs a feast-check script command with the pinned Python and parses its JSON output. */
export async function feastCheck<T = unknown>(script: string, args: string[], cwd?: string): Promise<T> {
  const file = path.isAbsolute(script) ? script : path.join(REPO_ROOT, "feast-check", script);
  const result = await run(path.join(FEAST_VENV, "bin", "python"), [file, ...args], { cwd, timeoutMs: 300_000 });
  if (result.code !== 0) throw new Error(`${script} ${args.join(" ")} failed (${result.code}):\n${result.stderr}\n${result.stdout}`);
  return JSON.parse(result.stdout) as T;
}

export { CHECK_SCRIPT };
