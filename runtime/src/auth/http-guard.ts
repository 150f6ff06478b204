import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { AccessControl, RequestContext } from "./access-control";
import type { AuditLog } from "./audit-log";
import { AuthenticationError, PermissionDeniedError } from "./errors";
import type { Principal } from "./principal";

/** What the feature server hands the guard about one request; the body is read only when needed. */
export interface GuardedRequest {
  /** `POST /get-online-features` */
  route: string;
  headers: IncomingHttpHeaders;
  url: URL;
  body: () => Promise<unknown>;
}

/** A refusal, in the shape the feature server sends. */
export interface Refusal {
  status: number;
  body: string;
}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

/** Routes anyone may call (Feast's `/health` takes no token either). */
const OPEN_ROUTES = new Set(["GET /health"]);

/**
 * `feast serve`'s authorization for Skewless's feature server: a bearer token on every route but
 * `/health` (none, or one that does not verify: 401 `{"detail": "Invalid or expired access token"}`,
 * the body `feast serve` sends), then the route's permissions
 * (403 with Feast's FeastPermissionError body). Decisions go to the audit log.
 */
export class HttpAccessGuard {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly access: AccessControl,
    private readonly audit?: AuditLog,
    private readonly log?: (line: string) => void,
  ) {}

  /** Undefined lets the request through; a Refusal is the response to send instead. */
  readonly check = async (request: GuardedRequest): Promise<Refusal | undefined> => {
    if (OPEN_ROUTES.has(request.route)) return undefined;
    const context: RequestContext = { requestId: requestId(request.headers), operation: request.route };
    try {
      const principal = await this.authenticate(request.headers, context);
      await this.authorize(request, principal, context);
      return undefined;
    } catch (e) {
      if (e instanceof AuthenticationError) return { status: 401, body: JSON.stringify({ detail: e.message }) };
      if (e instanceof PermissionDeniedError) {
        const detail = { module: "feast.errors", class: "FeastPermissionError", message: e.message };
        return { status: 403, body: JSON.stringify(JSON.stringify(detail)) };
      }
      // A malformed body is the route's to report, with its own 422.
      if (e instanceof MalformedBody) return undefined;
      throw e;
    }
  };

  private async authenticate(headers: IncomingHttpHeaders, context: RequestContext): Promise<Principal> {
    const header = headers.authorization;
    try {
      // Feast's REST token extractor fails on a missing header, which its server answers as a bad token.
      if (!header) throw new AuthenticationError("Invalid or expired access token", "no Authorization header");
      const match = /^Bearer (\S+)$/i.exec(header.trim());
      if (!match) throw new AuthenticationError("Invalid or expired access token", "the Authorization header is not `Bearer <token>`");
      return await this.verifier.verify(match[1]);
    } catch (e) {
      if (!(e instanceof AuthenticationError)) throw e;
      this.audit?.record({
        request_id: context.requestId, principal: null, operation: context.operation, actions: [], object: null, features: [],
        decision: "denied", reason: `unauthenticated: ${e.reason}`,
      });
      this.log?.(`401 ${context.operation} (request ${context.requestId}): ${e.reason}`);
      throw e;
    }
  }

  private async authorize(request: GuardedRequest, principal: Principal, context: RequestContext): Promise<void> {
    const body = await readBody(request);
    switch (request.route) {
      case "POST /get-online-features":
        return this.access.onlineRead(principal, {
          features: Array.isArray(body.features) ? body.features.filter((f): f is string => typeof f === "string") : undefined,
          featureService: typeof body.feature_service === "string" ? body.feature_service : undefined,
        }, context);
      case "POST /push":
        if (typeof body.push_source_name !== "string") throw new MalformedBody();
        return this.access.push(principal, body.push_source_name, typeof body.to === "string" ? body.to : "online", context);
      case "POST /write-to-online-store":
        if (typeof body.feature_view_name !== "string") throw new MalformedBody();
        return this.access.writeOnline(principal, [body.feature_view_name], context);
      case "POST /materialize":
      case "POST /materialize-incremental": {
        const views = Array.isArray(body.feature_views) ? body.feature_views.filter((v): v is string => typeof v === "string") : undefined;
        return this.access.writeOnline(principal, views, context);
      }
      default:
        // A route this guard does not know is refused: a new endpoint must say what it protects.
        throw new PermissionDeniedError(`No permissions defined to manage ${request.route}.`);
    }
  }
}

class MalformedBody extends Error {}

async function readBody(request: GuardedRequest): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await request.body();
  } catch {
    throw new MalformedBody();
  }
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body)) throw new MalformedBody();
  return body as Record<string, unknown>;
}

/** The caller's `X-Request-Id` when it is a plain token, else a new one: audit lines can then be joined with the caller's logs. */
function requestId(headers: IncomingHttpHeaders): string {
  const given = headers["x-request-id"];
  return typeof given === "string" && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
}
