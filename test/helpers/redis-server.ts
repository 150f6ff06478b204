import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll } from "vitest";

const run = promisify(execFile);

// Servers and folders are tracked here and cleaned up once the test file is done: vitest ignores
// afterAll hooks registered from inside other hooks, where servers are usually started.
const running = new Set<ChildProcess>();
const folders: string[] = [];
afterAll(async () => {
  await Promise.all([...running].map(stopProcess));
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

function folder(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

/** A real redis-server started for a test file, stopped after it. */
export interface RedisServer {
  host: string;
  port: number;
  dir: string;
  /** Runs redis-cli against this server (TLS and auth flags added by the caller). */
  cli(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** Extra `redis-server` arguments, e.g. ["--requirepass", "pw"]. */
  args?: string[];
  /** Serve TLS only, with these files. */
  tls?: TlsFiles & { authClients?: boolean };
  /** redis-cli arguments needed to talk to it (auth, TLS). */
  cliArgs?: string[];
}

export interface TlsFiles {
  caCert: string;
  cert: string;
  key: string;
}

/** A free TCP port (bound and released; good enough for tests on one machine). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = folder("skewless-redis-");
  const args = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--protected-mode", "no"];
  if (options.tls) {
    args.push("--port", "0", "--tls-port", String(port), "--tls-cert-file", options.tls.cert, "--tls-key-file", options.tls.key,
      "--tls-ca-cert-file", options.tls.caCert, "--tls-auth-clients", options.tls.authClients ? "yes" : "no");
  } else {
    args.push("--port", String(port));
  }
  args.push(...(options.args ?? []));
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let log = "";
  child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const tlsCli = options.tls ? ["--tls", "--cacert", options.tls.caCert, ...(options.tls.authClients ? ["--cert", options.tls.cert, "--key", options.tls.key] : [])] : [];
  const cliBase = ["-h", "127.0.0.1", "-p", String(port), ...tlsCli, ...(options.cliArgs ?? [])];
  const server: RedisServer = {
    host: "127.0.0.1",
    port,
    dir,
    cli: async (...cmd) => (await run("redis-cli", [...cliBase, ...cmd])).stdout.trim(),
    stop: () => stopProcess(child),
  };
  await waitFor(async () => (await server.cli("PING").catch(() => "")).includes("PONG"), () => `redis-server on ${port} did not start:\n${log}`);
  return server;
}

/** Three cluster-mode redis-servers joined with `redis-cli --cluster create`, no replicas. */
export async function startRedisCluster(options: RedisServerOptions = {}): Promise<RedisServer[]> {
  const nodes: RedisServer[] = [];
  for (let i = 0; i < 3; i++) {
    nodes.push(await startRedis({
      ...options,
      args: ["--cluster-enabled", "yes", "--cluster-config-file", `nodes-${i}.conf`, "--cluster-node-timeout", "5000", ...(options.args ?? [])],
    }));
  }
  const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
  await nodes[0].cli("--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes");
  await waitFor(async () => {
    const states = await Promise.all(nodes.map((n) => n.cli("CLUSTER", "INFO").catch(() => "")));
    return states.every((s) => s.includes("cluster_state:ok"));
  }, () => "the redis cluster did not reach cluster_state:ok");
  return nodes;
}

/** A redis-server in sentinel mode watching `master` under the name `name`. */
export async function startSentinel(master: RedisServer, name = "mymaster"): Promise<RedisServer> {
  const port = await freePort();
  const dir = folder("skewless-sentinel-");
  const conf = path.join(dir, "sentinel.conf");
  writeFileSync(conf, `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor ${name} 127.0.0.1 ${master.port} 1\nsentinel down-after-milliseconds ${name} 5000\n`);
  const child = spawn("redis-server", [conf, "--sentinel"], { stdio: "ignore" });
  running.add(child);
  child.once("exit", () => running.delete(child));
  const base = ["-h", "127.0.0.1", "-p", String(port)];
  const server: RedisServer = {
    host: "127.0.0.1", port, dir,
    cli: async (...cmd) => (await run("redis-cli", [...base, ...cmd])).stdout.trim(),
    stop: () => stopProcess(child),
  };
  await waitFor(async () => (await server.cli("SENTINEL", "get-master-addr-by-name", name).catch(() => "")).includes(String(master.port)), () => `sentinel on ${port} did not see ${name}`);
  return server;
}

/** A CA and a server certificate for 127.0.0.1/localhost, made with openssl. */
export async function makeTlsFiles(): Promise<TlsFiles & { clientCert: string; clientKey: string }> {
  const dir = folder("skewless-tls-");
  const f = (name: string) => path.join(dir, name);
  await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f("ca.key"), "-out", f("ca.crt"), "-days", "2", "-subj", "/CN=skewless-test-ca"]);
  const sign = async (name: string, cn: string, ext?: string) => {
    await run("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", f(`${name}.key`), "-out", f(`${name}.csr`), "-subj", `/CN=${cn}`]);
    const extArgs: string[] = [];
    if (ext) {
      writeFileSync(f(`${name}.ext`), ext);
      extArgs.push("-extfile", f(`${name}.ext`));
    }
    await run("openssl", ["x509", "-req", "-in", f(`${name}.csr`), "-CA", f("ca.crt"), "-CAkey", f("ca.key"), "-CAcreateserial", "-out", f(`${name}.crt`), "-days", "2", ...extArgs]);
  };
  await sign("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  await sign("client", "skewless-client");
  return { caCert: f("ca.crt"), cert: f("server.crt"), key: f("server.key"), clientCert: f("client.crt"), clientKey: f("client.key") };
}

async function waitFor(check: () => Promise<boolean>, describe: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(describe());
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
