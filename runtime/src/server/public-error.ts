import { redactSecrets } from "../secrets";
import { errorResponse, RequestError, type HttpError } from "./feast-json";

export const INTERNAL_MESSAGE = "internal error (see the server log)";

/**
 * The HTTP answer for a failed request, safe to hand to any client: a 5xx body keeps the error's
 * class but never its message, which may name a backing store's host and port or quote a driver
 * (the server log has the whole error); 4xx messages, and the server's own refusals (a 503 for
 * a request over its time limit), are about the request itself.
 */
export function publicErrorResponse(error: unknown): HttpError {
  const failure = errorResponse(error);
  if (failure.status < 500 || error instanceof RequestError) return { status: failure.status, body: redactSecrets(failure.body) };
  const opaque = new Error(INTERNAL_MESSAGE);
  opaque.name = error instanceof Error ? error.name : "Error";
  return { status: failure.status, body: errorResponse(opaque).body };
}

/** A line for the server log: whole (stack included) but with every known credential blanked. */
export function logLine(text: string): string {
  return redactSecrets(text);
}
