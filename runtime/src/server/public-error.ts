import { SkewlessError } from "../errors";
import { redactSecrets } from "../secrets";
import { errorResponse, RequestError, type HttpError } from "./feast-json";

export const INTERNAL_MESSAGE = "internal error (see the server log)";

/**
 * 5xx errors about the request or the data, never about a backing store, whose messages Feast's
 * server sends too (a feature name collision, a value JSON cannot carry): kept whole.
 */
const REQUEST_5XX_CODES = new Set(["FEATURE_REFERENCE_INVALID", "VALUE_NOT_REPRESENTABLE"]);

/**
 * The HTTP answer for a failed request, safe to hand to any client: a 5xx body keeps the error's
 * class but never its message, which may name a backing store's host and port or quote a driver
 * (the server log has the whole error); 4xx messages, and the server's own refusals (a 503 for
 * a request over its time limit), are about the request itself.
 */
export function publicErrorResponse(error: unknown): HttpError {
  const failure = errorResponse(error);
  const aboutTheRequest = error instanceof RequestError || (error instanceof SkewlessError && REQUEST_5XX_CODES.has(error.code));
  if (failure.status < 500 || aboutTheRequest) return { status: failure.status, body: redactSecrets(failure.body) };
  const opaque = new Error(INTERNAL_MESSAGE);
  opaque.name = error instanceof Error ? error.name : "Error";
  return { status: failure.status, body: errorResponse(opaque).body };
}

/** A line for the server log: whole (stack included) but with every known credential blanked. */
export function logLine(text: string): string {
  return redactSecrets(text);
}
