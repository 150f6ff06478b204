import * as fs from "node:fs";
import * as os from "node:os";
import type { Command } from "commander";
import { AuditLog } from "../../auth/audit-log";
import { serveGuardFor } from "../../auth/serve-access";
import { InvalidArgumentError } from "../../errors";
import { FeatureStore } from "../../feature-store";
import { FeatureServer } from "../../server/feature-server";
import type { CliContext } from "../main";
import { isServeWorker, reportReady, runPrimary } from "./serve-cluster";
import { addLimitOptions, limitsFrom, type ServeLimitFlags } from "./serve-options";

interface ServeOptions {
  host: string;
  port: string;
  accessLog: boolean;
  key?: string;
  cert?: string;
  auditLog?: string;
  workers: string;
}

export function registerServe(program: Command, context: CliContext): void {
  addLimitOptions(program
    .command("serve")
    .description("serve online features over HTTP with Feast's feature server API (POST /get-online-features, /push, /write-to-online-store, /materialize, GET /health)")
    .option("-H, --host <host>", "address to listen on", "127.0.0.1")
    .option("-p, --port <port>", "port to listen on (Feast's default is 6566)", "6566")
    .option("--no-access-log", "do not log one line per request")
    .option("-k, --key <file>", "TLS private key (PEM); with --cert, serve HTTPS (as feast serve --key)")
    .option("-c, --cert <file>", "TLS certificate (PEM); with --key, serve HTTPS (as feast serve --cert)")
    .option("--audit-log <file>", "with auth configured: append one JSON line per authorization decision to this file ('-' for stderr)", "-")
    .option("--workers <n>", "server processes sharing the port (node:cluster); limits and /health are per process", String(os.availableParallelism())))
    .addHelpText("after", `
Requests must be JSON (content-type: application/json, else 415). Bound to a loopback address
(the default), the server answers only requests addressed to localhost or a loopback IP, from no
web page or a loopback one (403 otherwise): other sites' pages cannot reach it.

With feature_store.yaml's auth set to oidc, every endpoint but /health needs a bearer token, and the
registry's permissions decide what each caller may read, push, write and materialize.

With --workers N (default: one per core), N processes serve the same port, each with its own
registry cache (refreshed every cache_ttl_seconds) and connection limits; /health answers for the
process that took the request. The audit log file is appended to with one write per line, so
the workers' lines never interleave.

Example:
  skewless serve --port 6566
  curl -s localhost:6566/get-online-features -H 'content-type: application/json' \\
    -d '{"features": ["user_credit:credit_score"], "entities": {"user_id": [1001]}}'`)
    .action(async (options: ServeOptions & ServeLimitFlags) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`--port must be a port number, got ${JSON.stringify(options.port)}`);
      if (Boolean(options.key) !== Boolean(options.cert)) throw new InvalidArgumentError("--key and --cert go together: give both to serve HTTPS, or neither");
      const tls = options.key && options.cert ? { key: readPem(options.key, "--key"), cert: readPem(options.cert, "--cert") } : undefined;
      const workers = Number(options.workers);
      if (!Number.isInteger(workers) || workers < 1) throw new InvalidArgumentError(`--workers must be a whole number of at least 1, got ${JSON.stringify(options.workers)}`);
      if (workers > 1 && !isServeWorker()) {
        // Fail once, here, when the registry is missing or unreadable (not once per worker).
        const store = await FeatureStore.open(context.repoPath());
        try {
          await store.servingCatalog();
        } finally {
          await store.close();
        }
        return runPrimary(workers, context.argv, context.output);
      }
      if (!isServeWorker()) return serve(options, context, port, tls, false);
      try {
        await serve(options, context, port, tls, true);
      } finally {
        process.disconnect();   // the channel to the primary would keep a worker alive, even after an error
      }
    });
}

/** One serving process: the whole server (`--workers 1`), or one worker of several. */
async function serve(options: ServeOptions & ServeLimitFlags, context: CliContext, port: number, tls: { key: Buffer; cert: Buffer } | undefined, worker: boolean): Promise<void> {
  const store = await FeatureStore.open(context.repoPath());
  const log = (line: string) => context.output.err(line);
  const audit = store.config.auth.type === "no_auth" ? undefined : options.auditLog === "-" ? AuditLog.toStderr() : AuditLog.toFile(options.auditLog!);
  const guard = serveGuardFor(store, { audit, log });
  const server = new FeatureServer(store, {
    log: options.accessLog ? log : undefined,
    warn: log,
    authorize: guard?.check,
    tls,
    ...limitsFrom(options),
  });
  await store.servingCatalog();   // fail now, not on the first request, when the registry is missing or unreadable
  const address = await server.listen(port, options.host);
  const auth = store.config.auth;
  const banner = [
    `Serving project ${store.project} on ${tls ? "https" : "http"}://${address.address}:${address.port} (Ctrl-C to stop)`,
    auth.type === "oidc"
      ? `Authentication: oidc (${auth.authDiscoveryUrl}); permissions enforced, deny by default; audit to ${options.auditLog === "-" ? "stderr" : options.auditLog}`
      : "Authentication: none (feature_store.yaml has no auth): every caller may use every endpoint",
  ];
  // A worker reports to the primary, which prints the banner once for all of them.
  if (worker) reportReady({ address, banner });
  else banner.forEach((line) => context.output.out(line));
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  if (!worker) context.output.out("Stopping...");
  await server.close();
  await store.close();
}

function readPem(file: string, option: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new InvalidArgumentError(`${option} ${file} cannot be read: ${(e as Error).message}`);
  }
}
