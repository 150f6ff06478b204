import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { freePort } from "./redis-process";

/** moto's server, the DynamoDB emulator the tests use, started for the DynamoDB figures. */
export interface BenchMoto {
  endpoint: string;
  stop(): void;
}

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * Starts moto from the emulators venv (scripts/setup-emulators.sh; SKEWLESS_EMULATORS_DIR), or
 * returns undefined when it is not installed: the DynamoDB lines are then skipped, not failed.
 */
export async function startMoto(): Promise<BenchMoto | undefined> {
  const venv = process.env.SKEWLESS_EMULATORS_DIR ?? path.join(ROOT, ".venv-emulators");
  const python = path.join(venv, "bin", "python");
  if (!existsSync(python)) return undefined;
  // moto accepts any credentials; the SDK (and the populate child process) only needs some.
  process.env.AWS_ACCESS_KEY_ID ??= "AKIABENCHSKEWLESS";
  process.env.AWS_SECRET_ACCESS_KEY ??= "bench-secret";
  const port = await freePort();
  const child: ChildProcess = spawn(python, [path.join(ROOT, "scripts", "emulators", "s3_server.py"), "--port", String(port)], { stdio: "ignore" });
  const stop = () => {
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  process.once("exit", stop);
  const endpoint = `http://127.0.0.1:${port}`;
  // Up once it answers HTTP at all (moto replies to a bare GET).
  for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 100))) {
    if (child.exitCode !== null) throw new Error(`moto exited with ${child.exitCode}`);
    if (await fetch(endpoint).then(() => true, () => false)) break;
    if (Date.now() > deadline) throw new Error("moto did not start within 60 s");
  }
  return { endpoint, stop };
}
