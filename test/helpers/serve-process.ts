import { spawn, type ChildProcess } from "node:child_process";
import { afterAll } from "vitest";
import { SKEWLESS_BIN } from "./processes";

/** A `skewless serve` child process (the compiled CLI, as users run it), with what it printed. */
export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

const started = new Set<ChildProcess>();
afterAll(async () => {
  await Promise.all([...started].map(stop));
});
process.on("exit", () => {
  for (const child of started) child.kill("SIGKILL");
});

/** Starts `skewless serve --port 0 ...args` in `cwd`; resolves once it prints its address. */
export function startServe(cwd: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [SKEWLESS_BIN, "serve", "--port", "0", ...args], { cwd, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  started.add(child);
  let text = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`skewless serve did not start in 60 s:\n${text}`)), 60_000);
    const onData = (d: Buffer) => {
      text += d.toString();
      const match = /Serving project \S+ on (http:\/\/\S+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1].replace("0.0.0.0", "127.0.0.1"), child, output: () => text, stop: () => stop(child) });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      started.delete(child);
      clearTimeout(timer);
      reject(new Error(`skewless serve exited with ${code}:\n${text}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
