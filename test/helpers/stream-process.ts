import { spawn, type ChildProcess } from "node:child_process";
import { afterAll } from "vitest";
import { SKEWLESS_BIN } from "./processes";

/** A `skewless stream` child process (the compiled CLI, as users run it). */
export interface StreamProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves to the exit code (or signal) once the process is gone. */
  exited: Promise<number | NodeJS.Signals>;
}

const started = new Set<ChildProcess>();
afterAll(() => {
  for (const child of started) child.kill("SIGKILL");
});
process.on("exit", () => {
  for (const child of started) child.kill("SIGKILL");
});

/** Starts `skewless stream ...args` in `cwd`; resolves once it says it is streaming. */
export function startStream(cwd: string, args: string[], timeoutMs = 120_000): Promise<StreamProcess> {
  const child = spawn(process.execPath, [SKEWLESS_BIN, "stream", ...args], { cwd, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  started.add(child);
  let text = "";
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once("exit", (code, signal) => {
    started.delete(child);
    resolve(code ?? signal!);
  }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`skewless stream did not start in ${timeoutMs} ms:\n${text}`)), timeoutMs);
    const onData = (d: Buffer) => {
      text += d.toString();
      if (text.includes("Streaming KafkaSource")) {
        clearTimeout(timer);
        resolve({ child, output: () => text, exited });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`skewless stream exited with ${code}:\n${text}`));
    });
  });
}
