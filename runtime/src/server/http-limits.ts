import type * as http from "node:http";
import type { Socket } from "node:net";
import { errorResponse, RequestError } from "./feast-json";
import { LIMIT_FLAGS, type ServerLimits } from "./limits";

/** How often Node checks for requests that outlived the timeouts (its default is 30 s). */
export const TIMEOUT_CHECK_MS = 1000;

/** Time to send the request headers: slow clients that trickle them in are cut off (408). */
const HEADERS_TIMEOUT_MS = 10_000;

/**
 * Holds a server to `limits` at the connection level: at most `maxConnections` open connections
 * (the next ones are answered 503 and closed at once, so idle or trickling clients cannot
 * exhaust the server), and requests must arrive within the timeouts (Node answers 408).
 */
export class ConnectionLimits {
  private open = 0;
  private readonly refused = new WeakSet<Socket>();

  constructor(server: http.Server, private readonly limits: ServerLimits) {
    const timeoutMs = limits.requestTimeoutSeconds * 1000;
    server.requestTimeout = timeoutMs;
    server.headersTimeout = Math.min(HEADERS_TIMEOUT_MS, timeoutMs);
    server.on("connection", (socket: Socket) => this.admit(socket));
  }

  /** Whether the request came on a connection over the cap (already answered: drop it). */
  isRefused(req: http.IncomingMessage): boolean {
    return this.refused.has(req.socket);
  }

  private admit(socket: Socket): void {
    this.open++;
    socket.once("close", () => this.open--);
    if (this.open <= this.limits.maxConnections) return;
    this.refused.add(socket);
    const { body } = errorResponse(new RequestError(503, `the server has ${this.limits.maxConnections} connections open, its limit (${LIMIT_FLAGS.maxConnections}); retry shortly`));
    socket.end(`HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nretry-after: 1\r\nconnection: close\r\n\r\n${body}`);
    socket.setTimeout(1000, () => socket.destroy());
  }
}

/**
 * Runs `work` with a deadline: past `seconds` the request is answered 503 and `work` is told to
 * stop through its signal (sliced work stops at the next slice).
 */
export async function withDeadline<T>(seconds: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new RequestError(503, `the request took longer than ${seconds}s, the limit (${LIMIT_FLAGS.requestTimeoutSeconds}); ask for fewer entities or features`);
      controller.abort(error);
      reject(error);
    }, seconds * 1000);
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
