import { spawn } from "node:child_process";
import * as http from "node:http";

/** A feature server the benchmark started (`skewless serve`, `feast serve`). */
export interface HttpServer { url: string; stop(): Promise<void> }

/** Starts `command args` in `cwd` (its `--port` argument is where it listens) and waits until `/health` answers. */
export async function startServer(name: string, command: string, args: string[], cwd: string): Promise<HttpServer> {
  const port = args[args.indexOf("--port") + 1];
  const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`${name} did not answer /health within 120 s:\n${output}`);
}

/**
 * `connections` keep-alive clients POST /get-online-features back to back for `seconds`, each
 * for `entities` pseudo-random ids: requests per second and latency percentiles (ms).
 */
export async function loadHttp(url: string, body: (ids: number[]) => string, population: number, entities: number, connections: number, seconds: number): Promise<{ rps: number; p50: number; p99: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const { hostname, port } = new URL(url);
  const times: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const post = (payload: string) => new Promise<void>((resolve, reject) => {
    const request = http.request({ agent, hostname, port, path: "/get-online-features", method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } }, (response) => {
      let text = "";
      response.on("data", (d: Buffer) => (text += d.toString()));
      response.on("end", () => (response.statusCode === 200 ? resolve() : reject(new Error(`${url}: ${response.statusCode} ${text.slice(0, 300)}`))));
    });
    request.on("error", reject);
    request.end(payload);
  });
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, async (_c, c) => {
    let seed = 4242 + c;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % population;
    };
    while (performance.now() < deadline) {
      const payload = body(Array.from({ length: entities }, next));
      const t0 = performance.now();
      await post(payload);
      times.push(performance.now() - t0);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  times.sort((a, b) => a - b);
  return { rps: times.length / elapsed, p50: times[Math.floor(times.length / 2)], p99: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] };
}
