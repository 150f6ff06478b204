import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { REPO_ROOT, run } from "./processes";

/** Where scripts/setup-emulators.sh installs moto and fake-gcs-server (and, beside it, bqemulator and fakesnow). */
export const EMULATORS_DIR = process.env.SKEWLESS_EMULATORS_DIR ?? path.join(REPO_ROOT, ".venv-emulators");

/** Installs the emulators if needed (idempotent: instant once installed; a first install takes minutes). */
export async function ensureEmulators(): Promise<void> {
  const result = await run("bash", [path.join(REPO_ROOT, "scripts", "setup-emulators.sh")], { timeoutMs: 15 * 60_000 });
  if (result.code !== 0) throw new Error(`scripts/setup-emulators.sh failed (${result.code}):\n${result.stderr}`);
}

export interface LocalServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts the S3-compatible server (moto, serialized; see scripts/emulators/s3_server.py) on a free
 * port. `env` reaches the server process, e.g. INITIAL_NO_AUTH_ACTION_COUNT=0 to check credentials.
 */
export async function startS3Server(env: NodeJS.ProcessEnv = {}): Promise<LocalServer> {
  const child = spawn(path.join(EMULATORS_DIR, "bin", "python"), [path.join(REPO_ROOT, "scripts", "emulators", "s3_server.py"), "--port", "0"], {
    env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`s3_server.py did not start within 30 s:\n${err}`)), 30_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => { err += chunk.toString(); });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`s3_server.py exited with ${code}:\n${err}`));
    });
  });
  return { endpoint, stop: () => stopProcess(child) };
}

/** Starts fake-gcs-server (in memory, plain HTTP) on a free port. */
export async function startGcsServer(): Promise<LocalServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const child = spawn(path.join(EMULATORS_DIR, "bin", "fake-gcs-server"), [
      "-scheme", "http", "-host", "127.0.0.1", "-port", String(port), "-backend", "memory",
      "-external-url", endpoint, "-public-host", `127.0.0.1:${port}`, "-log-level", "error",
    ], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr!.on("data", (chunk: Buffer) => { err += chunk.toString(); });
    try {
      await waitForHttp(`${endpoint}/storage/v1/b`, child, () => err);
      return { endpoint, stop: () => stopProcess(child) };
    } catch (e) {
      lastError = e;   // most likely the port was taken between freePort() and the bind: try another
      await stopProcess(child);
    }
  }
  throw lastError;
}

/**
 * Starts the BigQuery emulator (bqemulator, in memory; see scripts/emulators/bigquery_server.py)
 * on a free port, with `project` as its default project. Point the store at it with
 * `SKEWLESS_BIGQUERY_ENDPOINT`.
 */
export async function startBigQueryServer(project = "emulator"): Promise<LocalServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const child = spawn(path.join(`${EMULATORS_DIR}-bigquery`, "bin", "python"), [
      path.join(REPO_ROOT, "scripts", "emulators", "bigquery_server.py"), "start", "--rest-host", "127.0.0.1", "--rest-port", String(port),
      "--grpc-port", "0", "--project", project, "--ephemeral", "--log-level", "error",
    ], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr!.on("data", (chunk: Buffer) => { err += chunk.toString(); });
    try {
      await waitForHttp(`${endpoint}/bigquery/v2/projects/${project}/datasets`, child, () => err, 60_000);
      return { endpoint, stop: () => stopProcess(child) };
    } catch (e) {
      lastError = e;
      await stopProcess(child);
    }
  }
  throw lastError;
}

/**
 * Starts the Snowflake emulator (fakesnow's server, in memory; see scripts/emulators/snowflake_server.py)
 * on a free port. Point the store at it with `SKEWLESS_SNOWFLAKE_ENDPOINT`.
 */
export async function startSnowflakeServer(): Promise<LocalServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const child = spawn(path.join(`${EMULATORS_DIR}-snowflake`, "bin", "python"), [
      path.join(REPO_ROOT, "scripts", "emulators", "snowflake_server.py"), "--host", "127.0.0.1", "--port", String(port),
    ], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr!.on("data", (chunk: Buffer) => { err += chunk.toString(); });
    try {
      // Every route wants a session, so any HTTP answer (here 404 for GET /) means it listens.
      await waitForHttp(`${endpoint}/`, child, () => err, 60_000, () => true);
      return { endpoint, stop: () => stopProcess(child) };
    } catch (e) {
      lastError = e;
      await stopProcess(child);
    }
  }
  throw lastError;
}

/** A free loopback TCP port (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(
  url: string, child: ChildProcess, stderr: () => string, timeoutMs = 30_000, ready: (response: Response) => boolean = (r) => r.ok,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: server exited with ${child.exitCode}:\n${stderr()}`);
    try {
      const response = await fetch(url);
      if (ready(response)) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url}: no answer within ${timeoutMs / 1000} s:\n${stderr()}`);
}

export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
