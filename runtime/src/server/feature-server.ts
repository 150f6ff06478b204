import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { ObjectNotFoundError } from "../errors";
import type { GuardedRequest, Refusal } from "../auth/http-guard";
import type { FeatureStore } from "../feature-store";
import type { OnlineFeaturesRequest } from "../online/retrieval/online-retriever";
import { getOnlineFeaturesInSlices } from "./chunked-retrieval";
import { parseExactJson } from "./exact-json";
import { onlineResponseJson, RequestError } from "./feast-json";
import { healthResponse, registryHealthLine } from "./health";
import { ConnectionLimits, TIMEOUT_CHECK_MS, withDeadline } from "./http-limits";
import { checkJsonDepth, checkRequestSize, rowCount, serverLimits, type ServerLimits } from "./limits";
import { logLine, publicErrorResponse } from "./public-error";
import { pushOnline, writeOnline } from "./push";
import { checkContentType, checkLoopbackRequest, isLoopbackAddress } from "./request-guard";

export interface FeatureServerOptions {
  /** Called once per request with a one-line summary (never bodies: they may hold PII). */
  log?: (line: string) => void;
  /** Called for failures and registry health changes (default: `log`); credentials are blanked out. */
  warn?: (line: string) => void;
  /** Largest request body accepted (default 16 MiB; also `limits.maxBodyBytes`). */
  maxBodyBytes?: number;
  /** Request and connection limits (see DEFAULT_LIMITS). */
  limits?: Partial<ServerLimits>;
  /** How far past the server's clock a pushed event time may be (default 300 s). */
  pushFutureSkewSeconds?: number;
  /** Runs before every route; a returned refusal is sent instead (see auth/http-guard.ts). */
  authorize?: (request: GuardedRequest) => Promise<Refusal | undefined>;
  /** Serve HTTPS with this PEM key and certificate (`skewless serve --key --cert`). */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

type Handler = (body: unknown, url: URL, signal: AbortSignal) => Promise<{ status: number; body: string }>;

/** Routes that may run past the request timeout: a synchronous materialization takes as long as it takes. */
const UNTIMED = new Set(["/materialize", "/materialize-incremental"]);

/**
 * Feast's HTTP feature server (`feast serve`): `POST /get-online-features`, `/push`,
 * `/write-to-online-store`, `/materialize`, `/materialize-incremental`, `GET /health`, with Feast's JSON bodies, so Feast's
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
  private readonly unsubscribe: () => void;
  private readonly limits: ServerLimits;
  private readonly connections: ConnectionLimits;
  /** Bound to a loopback address: only requests addressed to loopback names, from no foreign page. */
  private loopback = false;

  constructor(private readonly store: FeatureStore, private readonly options: FeatureServerOptions = {}) {
    const { log, warn = log } = options;
    this.options = { ...options, log: log && ((line) => log(logLine(line))), warn: warn && ((line) => warn(logLine(line))) };
    this.routes = {
      "POST /get-online-features": (body, _url, signal) => this.getOnlineFeatures(body, signal),
      "POST /push": (body) => this.push(body),
      "POST /write-to-online-store": (body) => this.writeToOnlineStore(body),
      "POST /materialize": (body, url) => this.materialize(body, url, false),
      "POST /materialize-incremental": (body, url) => this.materialize(body, url, true),
      "GET /health": async () => healthResponse(this.store),
    };
    this.unsubscribe = store.onRegistryHealthChange((health, error) => this.options.warn?.(registryHealthLine(health, error)));
    this.limits = serverLimits({ maxBodyBytes: options.maxBodyBytes, ...options.limits });
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    const serverOptions = { connectionsCheckingInterval: TIMEOUT_CHECK_MS };
    this.server = options.tls ? https.createServer({ ...serverOptions, ...options.tls }, handler) : http.createServer(serverOptions, handler);
    this.server.keepAliveTimeout = 65_000;
    this.connections = new ConnectionLimits(this.server, this.limits);
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        const address = this.server.address() as AddressInfo;
        this.loopback = isLoopbackAddress(address.address);
        resolve(address);
      });
    });
  }

  /** Stops accepting connections and waits for requests in flight. */
  close(): Promise<void> {
    this.unsubscribe();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (this.connections.isRefused(req)) return void req.socket.destroy();   // already answered 503
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? "/", "http://localhost");
    let status = 500;
    try {
      if (this.loopback) checkLoopbackRequest(req);
      const route = this.routes[`${req.method} ${url.pathname}`];
      if (!route) {
        const known = Object.keys(this.routes).some((r) => r.endsWith(` ${url.pathname}`));
        throw new RequestError(known ? 405 : 404, known ? `${req.method} is not allowed on ${url.pathname}` : `no endpoint ${url.pathname}`);
      }
      if (req.method === "POST") checkContentType(req);
      let read: Promise<unknown> | undefined;
      const readBody = () => (read ??= req.method === "POST" ? readJson(req, this.limits.maxBodyBytes) : Promise.resolve(undefined));
      const refusal = await this.options.authorize?.({ route: `${req.method} ${url.pathname}`, headers: req.headers, url, body: readBody });
      if (refusal) {
        status = refusal.status;
        send(res, status, refusal.body);
        return;
      }
      const body = await readBody();
      const result = UNTIMED.has(url.pathname)
        ? await route(body, url, new AbortController().signal)
        : await withDeadline(this.limits.requestTimeoutSeconds, (signal) => route(body, url, signal));
      status = result.status;
      send(res, status, result.body);
    } catch (error) {
      const failure = publicErrorResponse(error);
      status = failure.status;
      send(res, status, failure.body);
      if (status >= 500) this.options.warn?.(`error in ${req.method} ${url.pathname}: ${(error as Error)?.stack ?? error}`);
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      this.options.log?.(`${req.method} ${url.pathname} ${status} ${ms.toFixed(1)}ms`);
    }
  }

  private async getOnlineFeatures(body: unknown, signal: AbortSignal): Promise<{ status: number; body: string }> {
    const request = object(body, "request body");
    const entities = object(request.entities, "entities");
    const selection: Partial<OnlineFeaturesRequest> = request.feature_service !== undefined
      ? { featureService: string(request.feature_service, "feature_service") }
      : { features: stringList(request.features, "features") };
    const response = await getOnlineFeaturesInSlices(this.store, {
      ...selection,
      entityRows: entities as Record<string, unknown[]>,
      fullFeatureNames: request.full_feature_names === true,
      timestamps: "seconds",
    }, this.limits, signal);
    return { status: 200, body: onlineResponseJson(response) };
  }

  private async push(body: unknown): Promise<{ status: number; body: string }> {
    const request = object(body, "request body");
    const to = request.to ?? "online";
    if (to !== "online") {
      throw new RequestError(422, `push with to=${JSON.stringify(to)} is not supported: Skewless pushes to the online store only ("to": "online")`);
    }
    const df = object(request.df, "df");
    checkRequestSize(this.limits, rowCount(df, "df"), "push rows");
    await pushOnline(this.store, string(request.push_source_name, "push_source_name"), df as Record<string, unknown[]>, {
      futureSkewSeconds: this.options.pushFutureSkewSeconds,
    });
    return { status: 200, body: "" };
  }

  /** Feast's remote online store writes through this (`write_to_online_store`, and `push` from a client). */
  private async writeToOnlineStore(body: unknown): Promise<{ status: number; body: string }> {
    const request = object(body, "request body");
    const name = string(request.feature_view_name, "feature_view_name");
    const catalog = await this.store.servingCatalog();
    // Feast's server looks the name up among every kind of object, and names its generic class
    if (!catalog.featureViews().some((v) => v.name === name)) throw new ObjectNotFoundError("feast object", name, this.store.project);
    const df = object(request.df, "df");
    checkRequestSize(this.limits, rowCount(df, "df"), "push rows");
    await writeOnline(this.store, catalog.featureView(name), df as Record<string, unknown[]>, {
      futureSkewSeconds: this.options.pushFutureSkewSeconds,
    });
    return { status: 200, body: "null" };
  }

  private async materialize(body: unknown, url: URL, incremental: boolean): Promise<{ status: number; body: string }> {
    const request = object(body ?? {}, "request body");
    const views = request.feature_views == null ? undefined : stringList(request.feature_views, "feature_views");
    // Feast's disable_event_timestamp: no window given, everything from 1970 up to now
    const everything = !incremental && request.disable_event_timestamp === true;
    const end = everything ? new Date() : time(request.end_ts, "end_ts");
    const start = incremental ? undefined : everything ? new Date(0) : time(request.start_ts, "start_ts");
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
      finished.catch((e) => this.options.warn?.(`async materialization failed: ${(e as Error)?.message ?? e}`));
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
  if (Number(req.headers["content-length"]) > limit) throw new RequestError(413, `request body is larger than ${limit} bytes, the limit (--max-body-bytes)`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RequestError(413, `request body is larger than ${limit} bytes, the limit (--max-body-bytes)`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  const bytes = Buffer.concat(chunks);
  checkJsonDepth(bytes);
  try {
    return parseExactJson(bytes.toString("utf8"));
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
