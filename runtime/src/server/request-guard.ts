import type * as http from "node:http";
import { isIP } from "node:net";
import { RequestError } from "./feast-json";

/**
 * Guards against the browser on the developer's machine: any web page may send a form or
 * `text/plain` POST to `http://127.0.0.1:6566/push` without asking (no CORS preflight), and a
 * DNS-rebinding page reaches a loopback server under its own host name. So POST bodies must be
 * `application/json` (which a browser sends cross-origin only after a preflight this server never
 * grants), and a server bound to loopback answers only requests addressed to a loopback name from
 * no origin or a loopback one.
 */

/** 415 unless the request says its body is JSON (`application/json`, any parameters). */
export function checkContentType(req: http.IncomingMessage): void {
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") {
    throw new RequestError(415, `${req.method} ${pathOf(req)} takes a JSON body: send the header content-type: application/json${type ? ` (got ${type.slice(0, 80)})` : ""}`);
  }
}

/** Whether an address the server is bound to only accepts connections from this machine. */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost" || bare.endsWith(".localhost")) return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  return bare === "::1" || /^::ffff:127\./.test(bare);
}

/**
 * 403 when a loopback-bound server gets a request whose Host is not a loopback name (DNS
 * rebinding) or whose Origin is a web page elsewhere (cross-site request forgery).
 */
export function checkLoopbackRequest(req: http.IncomingMessage): void {
  const host = req.headers.host;
  if (!host || !isLoopbackAddress(hostName(host))) {
    throw new RequestError(403, `this server listens on a loopback address and answers only requests to localhost or a loopback IP; the Host header names ${host ? JSON.stringify(host.slice(0, 100)) : "nothing"}`);
  }
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let originHost: string | undefined;
  try {
    originHost = new URL(origin).hostname;
  } catch {
    originHost = undefined;   // "null" (a sandboxed page, a file) or garbage: not a loopback page
  }
  if (!originHost || !isLoopbackAddress(originHost)) {
    throw new RequestError(403, `requests from web pages on other sites are refused (Origin ${JSON.stringify(origin.slice(0, 100))}); this server listens on a loopback address`);
  }
}

/** `host:port`, `[::1]:port` or `host` without the port. */
function hostName(header: string): string {
  const text = header.trim();
  if (text.startsWith("[")) return text.slice(0, text.indexOf("]") + 1);
  const colon = text.lastIndexOf(":");
  return colon < 0 ? text : text.slice(0, colon);
}

function pathOf(req: http.IncomingMessage): string {
  return (req.url ?? "/").split("?")[0];
}
