import { spawn } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { stopProcess } from "./emulators";
import { FeastWorker } from "./feast-worker";
import { REPO_ROOT, run, type RunResult } from "./processes";

/** The pinned Feast 0.66 environment (created by feast-check/setup-venv.sh). */
export const FEAST_VENV = process.env.SKEWLESS_FEAST_VENV ?? path.join(REPO_ROOT, ".venv-feast");
const CHECK_SCRIPT = path.join(REPO_ROOT, "feast-check", "registry_check.py");

/** Creates the Feast venv if needed (idempotent; the first run installs Feast, later runs return at once). */
export async function ensureFeast(): Promise<void> {
  const result = await run("bash", [path.join(REPO_ROOT, "feast-check", "setup-venv.sh")], { timeoutMs: 15 * 60_000 });
  if (result.code !== 0) throw new Error(`feast-check/setup-venv.sh failed (${result.code}):\n${result.stderr}`);
}

let worker: FeastWorker | undefined;

/** The suite's long-lived Feast process (see feast-worker.ts), started on first use. */
function feastWorker(): FeastWorker {
  return (worker ??= new FeastWorker(path.join(FEAST_VENV, "bin", "python")));
}

/** Runs Feast's own CLI (`feast init`, `feast apply`, ...), in the suite's Feast process. */
export function feast(args: string[], cwd: string): Promise<RunResult> {
  return feastWorker().request({ feast: args, cwd }, 300_000);
}

/** Runs a feast-check script command in the suite's Feast process and parses its JSON output. */
export async function feastCheck<T = unknown>(script: string, args: string[], cwd?: string): Promise<T> {
  const result = await feastWorker().request({ script, args, cwd }, 300_000);
  if (result.code !== 0) throw new Error(`${script} ${args.join(" ")} failed (${result.code}):\n${result.stderr}\n${result.stdout}`);
  return JSON.parse(result.stdout) as T;
}

export { CHECK_SCRIPT };

/** A long-running Feast command (`feast ui`, `feast serve_registry`, ...) started by a test. */
export interface FeastServer {
  /** What it printed so far (stdout and stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `feast ARGS...` in `cwd` and waits until `ready()` holds, for at most `timeoutMs` (Feast
 * takes seconds to import on a quiet machine, much longer on a loaded one). Fails with Feast's
 * output if it exits first or never gets ready.
 */
export async function startFeastServer(args: string[], cwd: string, ready: () => Promise<boolean>, timeoutMs = 180_000): Promise<FeastServer> {
  const child = spawn(path.join(FEAST_VENV, "bin", "feast"), args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const server: FeastServer = { output: () => output, stop: () => stopProcess(child) };
  const deadline = Date.now() + timeoutMs;
  while (!(await ready().catch(() => false))) {
    if (child.exitCode !== null) throw new Error(`feast ${args.join(" ")} exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`feast ${args.join(" ")} was not ready within ${timeoutMs / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return server;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` (a gRPC server, before any call). */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}
