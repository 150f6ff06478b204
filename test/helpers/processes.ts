import { execFile } from "node:child_process";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const SKEWLESS_BIN = path.join(REPO_ROOT, "runtime", "bin", "skewless.js");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion; never rejects on a non-zero exit (the test checks `code`). */
export function run(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file, args,
      { cwd: options.cwd, env: { ...process.env, NO_COLOR: "1", ...options.env }, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return reject(error);
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** The compiled `skewless` CLI (npm test builds it first), as a user would run it. */
export function skewless(args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<RunResult> {
  return run(process.execPath, [SKEWLESS_BIN, ...args], { cwd, env });
}
