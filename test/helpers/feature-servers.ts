import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { FEAST_VENV } from "./feast";
import { SKEWLESS_BIN } from "./processes";

/** A feature server process listening on 127.0.0.1. */
export interface ServerProcess {
  url: string;
  /** Everything it printed so far (for failure messages). */
  output(): string;
  stop(): void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    }).on("error", reject);
  });
}

/** Feast 0.66's own server (`feast serve`) over the repo in `cwd`. */
export function startFeastServe(cwd: string): Promise<ServerProcess> {
  return start("feast serve", path.join(FEAST_VENV, "bin", "feast"), (port) => ["serve", "--host", "127.0.0.1", "--port", String(port), "--workers", "1"], cwd);
}

/** `skewless serve` (the compiled CLI) over the repo in `cwd`. */
export function startSkewlessServe(cwd: string): Promise<ServerProcess> {
  return start("skewless serve", process.execPath, (port) => [SKEWLESS_BIN, "serve", "--host", "127.0.0.1", "--port", String(port)], cwd);
}

async function start(name: string, file: string, args: (port: number) => string[], cwd: string): Promise<ServerProcess> {
  const port = await freePort();
  let output = "";
  const child: ChildProcess = spawn(file, args(port), { cwd, env: { ...process.env, NO_COLOR: "1" } });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const server: ServerProcess = { url: `http://127.0.0.1:${port}`, output: () => output, stop: () => void child.kill("SIGTERM") };
  const deadline = Date.now() + 180_000;   // Feast's imports alone take many seconds on a busy machine
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${server.url}/health`)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  server.stop();
  throw new Error(`${name} did not become healthy:\n${output}`);
}
