import type { OnlineResponse } from "../online/retrieval/online-response";
import type { OnlineValue } from "../online/value-decoder";
import { ValueType } from "../definitions/dtypes";
import {
  FeatureNameCollisionError, ObjectNotFoundError, PushSourceNotFoundError, RequestDataNotFoundError, SkewlessError,
  ValueNotRepresentableError,
} from "../errors";

/** Feast's exception classes (module `feast.errors`) for the not-found errors it has an equivalent of. */
const FEAST_NOT_FOUND: Record<string, string> = {
  "feature view": "FeatureViewNotFoundException",
  "feature service": "FeatureServiceNotFoundException",
  entity: "EntityNotFoundException",
  "data source": "DataSourceObjectNotFoundException",
  "feast object": "FeastObjectNotFoundException",
};

/** The HTTP status Feast's server gives each of its classes (`FeastError.http_status_code()`). */
const FEAST_STATUS: Record<string, number> = {
  FeatureNameCollisionError: 500,
  PushSourceNotFoundException: 422,
};

/** Feast's event time for entity columns and missing values. */
const EPOCH = "1970-01-01T00:00:00Z";

/**
 * Feast's `/get-online-features` body: column-major, `results[i]` belongs to
 * `metadata.feature_names[i]` and `values[j]` to entity row j. Values are written as Feast's server
 * writes them (Python's `json.dumps` of the stored Value): Int64 exact (never rounded through a
 * double), Float32/Float64 always with a fraction or exponent (`178.0`: Feast's clients type a
 * column by what they read), UnixTimestamp as epoch seconds, bytes as base64, lists as arrays.
 * The response is expected to hold UnixTimestamp values as seconds (`timestamps: "seconds"`).
 */
export function onlineResponseJson(response: OnlineResponse): string {
  const names = response.featureNames.map((n) => JSON.stringify(n)).join(",");
  const results = response.results.map((r) => {
    const floats = r.valueType !== undefined && FLOAT_TYPES.has(r.valueType);
    const values = r.values.map((v, i) => {
      try {
        return jsonValue(v, floats);
      } catch (e) {
        if (e instanceof RangeError) throw new ValueNotRepresentableError(`${r.name} of entity row ${i} is ${e.message}`);
        throw e;
      }
    }).join(",");
    const statuses = r.statuses.map((s) => `"${s}"`).join(",");
    const times = r.eventTimestamps.length
      ? `,"event_timestamps":[${r.eventTimestamps.map((t) => `"${t ? rfc3339(t) : EPOCH}"`).join(",")}]`
      : "";
    return `{"values":[${values}],"statuses":[${statuses}]${times}}`;
  });
  return `{"metadata":{"feature_names":[${names}]},"results":[${results.join(",")}]}`;
}

/** Value types whose numbers are Python floats in Feast's JSON. */
const FLOAT_TYPES = new Set<number>([
  ValueType.DOUBLE, ValueType.FLOAT, ValueType.DOUBLE_LIST, ValueType.FLOAT_LIST, ValueType.DOUBLE_SET, ValueType.FLOAT_SET,
]);

/**
 * One value as JSON text; `floats` writes numbers as Python writes a float. Infinity and NaN throw
 * a RangeError: JSON cannot carry them, and Feast's server refuses them too (rather than sending
 * something that reads back as another value).
 */
export function jsonValue(value: OnlineValue | undefined, floats = false): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "bigint": return value.toString();
    case "number":
      if (!Number.isFinite(value)) throw new RangeError(String(value));
      return floats ? pythonFloat(value) : String(value);
    case "boolean": return value ? "true" : "false";
    case "string": return JSON.stringify(value);
    default: break;
  }
  if (value instanceof Date) return `"${rfc3339(value)}"`;
  if (value instanceof Uint8Array) return `"${Buffer.from(value).toString("base64")}"`;
  if (Array.isArray(value)) return `[${value.map((v) => jsonValue(v, floats)).join(",")}]`;
  return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${jsonValue(v)}`).join(",")}}`;
}

/**
 * A finite double as Python's `repr` writes it: the shortest round-trip digits (as JavaScript's),
 * positional for exponents -4 to 15 with at least one fractional digit (`178.0`), otherwise
 * scientific with a signed two-digit exponent (`1e+16`, `1.5e-07`).
 */
export function pythonFloat(x: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, exp] = x.toExponential().split("e");
  const exponent = Number(exp);
  if (exponent >= -4 && exponent < 16) {
    const fixed = String(x);   // positional in this range
    return fixed.includes(".") ? fixed : `${fixed}.0`;
  }
  const digits = String(Math.abs(exponent)).padStart(2, "0");
  return `${mantissa}e${exponent < 0 ? "-" : "+"}${digits}`;
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
  const feastClass = feastClassOf(error);
  const status = feastClass ? FEAST_STATUS[feastClass] ?? 404 : statusOf(error);
  const detail = {
    module: feastClass ? "feast.errors" : "skewless",
    class: feastClass ?? (error instanceof Error ? error.name : "Error"),
    message: status === 500 && !(error instanceof SkewlessError) ? "internal error (see the server log)" : describe(error),
  };
  return { status, body: JSON.stringify(JSON.stringify(detail)) };
}

/**
 * Feast's class for the cases Feast's server raises one for, so that Feast's clients rebuild the
 * same exception (`FeastError.from_error_detail` imports `module.class`).
 */
function feastClassOf(error: unknown): string | undefined {
  if (error instanceof ObjectNotFoundError) return FEAST_NOT_FOUND[error.kind];
  if (error instanceof FeatureNameCollisionError) return "FeatureNameCollisionError";
  if (error instanceof PushSourceNotFoundError) return "PushSourceNotFoundException";
  if (error instanceof RequestDataNotFoundError) return "RequestDataNotFoundInEntityRowsException";
  return undefined;
}

function statusOf(error: unknown): number {
  if (error instanceof RequestError) return error.status;
  if (!(error instanceof SkewlessError)) return 500;
  if (error.code === "OBJECT_NOT_FOUND") return 404;
  // TRANSFORM_UNSUPPORTED: the request names an on-demand view this server cannot run (Feast's Python one)
  if (["INVALID_ARGUMENT", "FEATURE_REFERENCE_INVALID", "SCHEMA_MISMATCH", "DEFINITION_INVALID", "TRANSFORM_UNSUPPORTED"].includes(error.code)) return 422;
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
