import type { Command } from "commander";
import { InvalidArgumentError } from "../../errors";
import { FeatureStore } from "../../feature-store";
import { FeatureServer } from "../../server/feature-server";
import type { CliContext } from "../main";
import { addLimitOptions, limitsFrom, type ServeLimitFlags } from "./serve-options";

export function registerServe(program: Command, context: CliContext): void {
  addLimitOptions(program
    .command("serve")
    .description("serve online features over HTTP with Feast's feature server API (POST /get-online-features, /push, /write-to-online-store, /materialize, GET /health)")
    .option("-H, --host <host>", "address to listen on", "127.0.0.1")
    .option("-p, --port <port>", "port to listen on (Feast's default is 6566)", "6566")
    .option("--no-access-log", "do not log one line per request"))
    .addHelpText("after", `
Requests must be JSON (content-type: application/json, else 415). Bound to a loopback address
(the default), the server answers only requests addressed to localhost or a loopback IP, from no
web page or a loopback one (403 otherwise): other sites' pages cannot reach it.

Example:
  skewless serve --port 6566
  curl -s localhost:6566/get-online-features -H 'content-type: application/json' \\
    -d '{"features": ["user_credit:credit_score"], "entities": {"user_id": [1001]}}'`)
    .action(async (options: { host: string; port: string; accessLog: boolean } & ServeLimitFlags) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`--port must be a port number, got ${JSON.stringify(options.port)}`);
      const store = await FeatureStore.open(context.repoPath());
      const server = new FeatureServer(store, {
        log: options.accessLog ? (line) => context.output.err(line) : undefined,
        warn: (line) => context.output.err(line),
        ...limitsFrom(options),
      });
      await store.servingCatalog();   // fail now, not on the first request, when the registry is missing or unreadable
      const address = await server.listen(port, options.host);
      context.output.out(`Serving project ${store.project} on http://${address.address}:${address.port} (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      context.output.out("Stopping...");
      await server.close();
      await store.close();
    });
}
