import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";

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
  const child: ChildProcess = spawn(python, [path.join(ROOT, "scripts", "emulators", "s3_server.py"), "--port", "0"], { stdio: ["ignore", "pipe", "ignore"] });
  const stop = () => {
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  process.once("exit", stop);
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("moto did not start within 60 s")), 60_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`moto exited with ${code}`)));
  });
  return { endpoint, stop };
}
