import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import type { GuardedRequest, Refusal } from "../auth/http-guard";
import type { FeatureStore } from "../feature-store";
import type { OnlineFeaturesRequest } from "../online/retrieval/online-retriever";
import { errorResponse, onlineResponseJson, RequestError } from "./feast-json";
import { pushOnline } from "./push";

export interface FeatureServerOptions {
  /** Called once per request with a one-line summary (never bodies: they may hold PII). */
  log?: (line: string) => void;
  /** Largest request body accepted (default 16 MiB). */
  maxBodyBytes?: number;
  /** Runs before every route; a returned refusal is sent instead (see auth/http-guard.ts). */
  authorize?: (request: GuardedRequest) => Promise<Refusal | undefined>;
  /** Serve HTTPS with this PEM key and certificate (`skewless serve --key --cert`). */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

type Handler = (body: unknown, url: URL) => Promise<{ status: number; body: string }>;

/**
 * Feast's HTTP feature server (`feast serve`): `POST /get-online-features`, `/push`,
 * `/materialize`, `/materialize-incremental`, `GET /health`, with Feast's JSON bodies, so Feast's
 * clients and anything written against `feast serve` work against Skewless unchanged.
 *
 * @example
 * const server = new FeatureServer(await FeatureStore.open("repo"));
 * const { port } = await server.listen(6566, "127.0.0.1");
 */
export class FeatureServer {
  private readonly server: http.Server;
  private readonly routes: Record<string, Handler>;
  private materializing = false;

  constructor(private readonly store: FeatureStore, private readonly options: FeatureServerOptions = {}) {
    this.routes = {
      "POST /get-online-features": (body) => this.getOnlineFeatures(body),
      "POST /push": (body) => this.push(body),
      "POST /materialize": (body, url) => this.materialize(body, url, false),
      "POST /materialize-incremental": (body, url) => this.materialize(body, url, true),
      "GET /health": async () => ({ status: 200, body: "" }),
    };
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    this.server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
    this.server.keepAliveTimeout = 65_000;
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting connections and waits for requests in flight. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? "/", "http://localhost");
    let status = 500;
    try {
      const route = this.routes[`${req.method} ${url.pathname}`];
      if (!route) {
        const known = Object.keys(this.routes).some((r) => r.endsWith(` ${url.pathname}`));
        throw new RequestError(known ? 405 : 404, known ? `${req.method} is not allowed on ${url.pathname}` : `no endpoint ${url.pathname}`);
      }
      let read: Promise<unknown> | undefined;
      const readBody = () => (read ??= req.method === "POST" ? readJson(req, this.options.maxBodyBytes ?? 16 * 1024 * 1024) : Promise.resolve(undefined));
      const refusal = await this.options.authorize?.({ route: `${req.method} ${url.pathname}`, headers: req.headers, url, body: readBody });
      if (refusal) {
        status = refusal.status;
        send(res, status, refusal.body);
        return;
      }
      const body = await readBody();
      const result = await route(body, url);
      status = result.status;
      send(res, status, result.body);
    } catch (error) {
      const failure = errorResponse(error);
      status = failure.status;
      send(res, status, failure.body);
      if (status === 500) this.options.log?.(`error in ${req.method} ${url.pathname}: ${(error as Error)?.stack ?? error}`);
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      this.options.log?.(`${req.method} ${url.pathname} ${status} ${ms.toFixed(1)}ms`);
    }
  }

  private async getOnlineFeatures(body: unknown): Promise<{ status: number; body: string }> {
    const request = object(body, "request body");
    const entities = object(request.entities, "entities");
    const selection: Partial<OnlineFeaturesRequest> = request.feature_service !== undefined
      ? { featureService: string(request.feature_service, "feature_service") }
      : { features: stringList(request.features, "features") };
    const response = await this.store.getOnlineFeatures({
      ...selection,
      entityRows: entities as Record<string, unknown[]>,
      fullFeatureNames: request.full_feature_names === true,
    });
    return { status: 200, body: onlineResponseJson(response) };
  }

  private async push(body: unknown): Promise<{ status: number; body: string }> {
    const request = object(body, "request body");
    const to = request.to ?? "online";
    if (to !== "online") {
      throw new RequestError(422, `push with to=${JSON.stringify(to)} is not supported: Skewless pushes to the online store only ("to": "online")`);
    }
    await pushOnline(this.store, string(request.push_source_name, "push_source_name"), object(request.df, "df") as Record<string, unknown[]>);
    return { status: 200, body: "" };
  }

  private async materialize(body: unknown, url: URL, incremental: boolean): Promise<{ status: number; body: string }> {
    const request = object(body ?? {}, "request body");
    const views = request.feature_views == null ? undefined : stringList(request.feature_views, "feature_views");
    const end = time(request.end_ts, "end_ts");
    const start = incremental ? undefined : time(request.start_ts, "start_ts");
    const run = () => (start
      ? this.store.materialize(start, end, { featureViews: views })
      : this.store.materializeIncremental(end, { featureViews: views }));
    if (this.materializing && url.searchParams.get("force") !== "true") {
      throw new RequestError(409, "a materialization is already running (add ?force=true to start another)");
    }
    this.materializing = true;
    const finished = run().finally(() => {
      this.materializing = false;
    });
    if (url.searchParams.get("async") === "true") {
      finished.catch((e) => this.options.log?.(`async materialization failed: ${(e as Error)?.message ?? e}`));
      return { status: 202, body: JSON.stringify({ status: "accepted", feature_views: views ?? null }) };
    }
    await finished;
    return { status: 200, body: "null" };
  }
}

function send(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

async function readJson(req: http.IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RequestError(413, `request body is larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (e) {
    throw new RequestError(400, `request body is not JSON: ${(e as Error).message}`);
  }
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new RequestError(422, `${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function string(value: unknown, what: string): string {
  if (typeof value !== "string" || value.length === 0) throw new RequestError(422, `${what} must be a non-empty string`);
  return value;
}

function stringList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw new RequestError(422, `${what} must be a list of strings`);
  return value as string[];
}

/** Feast's timestamps: ISO 8601, a naive one meaning UTC. */
function time(value: unknown, what: string): Date {
  if (typeof value !== "string") throw new RequestError(422, `${what} must be an ISO 8601 timestamp`);
  const text = value.trim();
  const date = new Date(/[zZ]$|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(date.getTime())) throw new RequestError(422, `${what} ${JSON.stringify(value)} is not an ISO 8601 timestamp`);
  return date;
}
