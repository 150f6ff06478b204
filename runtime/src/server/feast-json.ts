import type { OnlineResponse } from "../online/retrieval/online-response";
import type { OnlineValue } from "../online/value-decoder";
import { ObjectNotFoundError, SkewlessError } from "../errors";

/** Feast's exception classes (module `feast.errors`) for errors it has an equivalent of, so Feast's clients re-raise them. */
const FEAST_NOT_FOUND: Record<string, string> = {
  "feature view": "FeatureViewNotFoundException",
  "feature service": "FeatureServiceNotFoundException",
  entity: "EntityNotFoundException",
  "data source": "DataSourceObjectNotFoundException",
};

/** Feast's event time for entity columns and missing values. */
const EPOCH = "1970-01-01T00:00:00Z";

/**
 * Feast's `/get-online-features` body: column-major, `results[i]` belongs to
 * `metadata.feature_names[i]` and `values[j]` to entity row j. Values are native JSON: Int64 as
 * exact numbers (never rounded through a double), bytes as base64, lists as arrays.
 */
export function onlineResponseJson(response: OnlineResponse): string {
  const names = response.featureNames.map((n) => JSON.stringify(n)).join(",");
  const results = response.results.map((r) => {
    const values = r.values.map(jsonValue).join(",");
    const statuses = r.statuses.map((s) => `"${s}"`).join(",");
    const times = r.eventTimestamps.length
      ? `,"event_timestamps":[${r.eventTimestamps.map((t) => `"${t ? rfc3339(t) : EPOCH}"`).join(",")}]`
      : "";
    return `{"values":[${values}],"statuses":[${statuses}]${times}}`;
  });
  return `{"metadata":{"feature_names":[${names}]},"results":[${results.join(",")}]}`;
}

/** One value as JSON text. */
export function jsonValue(value: OnlineValue | undefined): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "bigint": return value.toString();
    case "number": return Number.isFinite(value) ? String(value) : "null";
    case "boolean": return value ? "true" : "false";
    case "string": return JSON.stringify(value);
    default: break;
  }
  if (value instanceof Date) return `"${rfc3339(value)}"`;
  if (value instanceof Uint8Array) return `"${Buffer.from(value).toString("base64")}"`;
  if (Array.isArray(value)) return `[${value.map(jsonValue).join(",")}]`;
  return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${jsonValue(v)}`).join(",")}}`;
}

/** RFC 3339 in UTC with `Z`, whole seconds when there is no fraction (as Feast prints them). */
export function rfc3339(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}

export interface HttpError {
  status: number;
  body: string;
}

/**
 * Feast's error body: a JSON string holding `{"module", "class", "message"}`. Not-found errors are
 * 404, bad requests 422, anything unexpected 500 (its message is not echoed: it may hold details
 * meant for the server's log only).
 */
export function errorResponse(error: unknown): HttpError {
  const status = statusOf(error);
  const feastClass = error instanceof ObjectNotFoundError ? FEAST_NOT_FOUND[error.kind] : undefined;
  const detail = {
    module: feastClass ? "feast.errors" : "skewless",
    class: feastClass ?? (error instanceof Error ? error.name : "Error"),
    message: status === 500 && !(error instanceof SkewlessError) ? "internal error (see the server log)" : describe(error),
  };
  return { status, body: JSON.stringify(JSON.stringify(detail)) };
}

function statusOf(error: unknown): number {
  if (error instanceof RequestError) return error.status;
  if (!(error instanceof SkewlessError)) return 500;
  if (error.code === "OBJECT_NOT_FOUND") return 404;
  if (["INVALID_ARGUMENT", "FEATURE_REFERENCE_INVALID", "SCHEMA_MISMATCH", "DEFINITION_INVALID"].includes(error.code)) return 422;
  return 500;
}

function describe(error: unknown): string {
  if (error instanceof SkewlessError) return error.hint ? `${error.message} (${error.hint})` : error.message;
  return error instanceof Error ? error.message : String(error);
}

/** A malformed HTTP request: wrong method, bad JSON, a missing field. */
export class RequestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "RequestError";
  }
}
