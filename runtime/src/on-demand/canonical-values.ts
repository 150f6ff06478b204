import { listElementType, ValueType } from "../definitions/dtypes";

// One form per value type for what transforms read and return, whichever path produced the value:
// DuckDB rows (bigint, Date), online reads (numbers while exact, epoch seconds for the HTTP
// server) and request data (JSON numbers, ISO strings). The same input always reaches the
// transform as the same JavaScript value, so training and serving compute the same thing.

/** Thrown for a value that cannot be read as its type; the caller names the view and column. */
export class ValueFitError extends Error {}

/** A transform input as the transform sees it: Int64 as bigint, timestamps as Date, floats as number, null for missing. */
export function canonicalInput(value: unknown, valueType: number): unknown {
  if (value === null || value === undefined) return null;
  const element = listElementType(valueType);
  if (element !== undefined) return Array.isArray(value) ? value.map((v) => canonicalInput(v, element)) : value;
  switch (valueType) {
    case ValueType.INT64: return typeof value === "number" && Number.isInteger(value) ? BigInt(value) : typeof value === "string" && /^-?\d+$/.test(value) ? BigInt(value) : value;
    case ValueType.UNIX_TIMESTAMP: return toDate(value) ?? value;
    default: return value;
  }
}

/** A transform output fitted to its declared type (Float32 rounded as float32 storage rounds it), or ValueFitError. */
export function canonicalOutput(value: unknown, valueType: number): unknown {
  if (value === null || value === undefined) return null;
  const element = listElementType(valueType);
  if (element !== undefined) {
    if (!Array.isArray(value)) throw new ValueFitError(`expected an array, got ${describe(value)}`);
    return value.map((v) => canonicalOutput(v, element));
  }
  switch (valueType) {
    case ValueType.INT64:
      if (typeof value === "bigint") return value;
      if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
      break;
    case ValueType.INT32:
      if ((typeof value === "number" || typeof value === "bigint") && Number.isInteger(Number(value)) && Math.abs(Number(value)) <= 2 ** 31) return Number(value);
      break;
    case ValueType.FLOAT:
      if (typeof value === "number") return Math.fround(value);
      break;
    case ValueType.DOUBLE:
      if (typeof value === "number") return value;
      if (typeof value === "bigint") return Number(value);
      break;
    case ValueType.STRING:
      if (typeof value === "string") return value;
      break;
    case ValueType.BOOL:
      if (typeof value === "boolean") return value;
      break;
    case ValueType.BYTES:
      if (value instanceof Uint8Array) return value;
      break;
    case ValueType.UNIX_TIMESTAMP: {
      const date = toDate(value);
      if (date) return date;
      break;
    }
    default:
      return value;
  }
  throw new ValueFitError(`${describe(value)} does not fit`);
}

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  // Online values of UnixTimestamp are epoch seconds when the HTTP server asks for them
  if (typeof value === "number" || typeof value === "bigint") return new Date(Number(value) * 1000);
  if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return new Date(value);
  return undefined;
}

function describe(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof Date) return value.toISOString();
  return typeof value === "object" ? (value?.constructor?.name ?? "object") : `${typeof value} ${String(value)}`;
}
