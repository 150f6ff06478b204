import { SchemaMismatchError } from "../errors";
import { decodeMessage, type ProtoMessage } from "../registry/proto/codec";

/** A feature value as retrieval returns it. */
export type OnlineValue =
  | null | number | bigint | string | boolean | Uint8Array | Date
  | OnlineValue[]
  | { [key: string]: OnlineValue };

/** How Int64 values come back: always bigint (default), or number where exact (an error otherwise). */
export type Int64Mode = "bigint" | "number";

export interface DecodeOptions {
  /**
   * `"bigint"` (default): every Int64 as bigint, so a column has one type. `"number"`: Int64 values
   * within ±2^53 as numbers and larger ones still as bigint (nothing is rounded here): the caller
   * that asked for numbers refuses those, naming the feature and row (see int64-values.ts).
   */
  int64?: Int64Mode;
  /**
   * `"date"` (default): UnixTimestamp values as Date, Feast's null timestamp as null. `"seconds"`:
   * the stored epoch seconds as they are (what Feast's HTTP server sends), null timestamp included.
   */
  timestamps?: "date" | "seconds";
}

// Hand-written decoding of the Value members views use (scalars, their lists, null); anything else
// Feast can store (maps, JSON, structs, sets...) goes through the general codec.

/** The reader's position in the buffer being decoded, and where the Value ends in it. */
let pos = 0;
let begin = 0;
let limit = 0;
let lo = 0;
let hi = 0;
let rawSeconds = false;

/** Decodes a serialized `feast.types.Value`; the empty message (Feast's null) and `null_val` give null. */
export function decodeValue(bytes: Uint8Array, options: DecodeOptions = {}): OnlineValue {
  return decodeValueAt(bytes, 0, bytes.length, options);
}

/**
 * {@link decodeValue} of `buffer[start, end)`, without making a view of it: online reads decode
 * thousands of values out of a few large buffers.
 */
export function decodeValueAt(buffer: Uint8Array, start: number, end: number, options: DecodeOptions = {}): OnlineValue {
  if (end === start) return null;
  const bigints = options.int64 !== "number";
  rawSeconds = options.timestamps === "seconds";
  pos = start;
  begin = start;
  limit = end;
  const tag = readVarint32(buffer);
  const field = tag >>> 3;
  const wire = tag & 7;
  let result: OnlineValue;
  if (field >= 1 && field <= 8) result = readScalar(buffer, field, wire, bigints);
  else if (field >= 11 && field <= 18 && wire === 2) result = readList(buffer, field, bigints);
  else if (field === 19) return null;
  else return decodeOther(buffer.subarray(start, end), bigints);
  if (pos !== end) return decodeOther(buffer.subarray(start, end), bigints);   // an unusual encoding: let the general codec judge
  return result;
}

/** Feast's NULL_TIMESTAMP_INT_VALUE: a null UnixTimestamp, as Feast's materialization writes it (NaT). */
export const NULL_TIMESTAMP_SECONDS = -(2n ** 63n);
const NULL_TIMESTAMP_VALUE = Buffer.from("4080808080808080808001", "hex");

/** True for the empty Value, `null_val`, and Feast's null timestamp: what retrieval reports as NULL_VALUE. */
export function isNullValue(bytes: Uint8Array): boolean {
  return isNullValueAt(bytes, 0, bytes.length);
}

/** {@link isNullValue} of `buffer[start, end)`. */
export function isNullValueAt(buffer: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (length === 0 || (length >= 2 && buffer[start] === 0x98 && buffer[start + 1] === 0x01)) return true;
  if (length !== NULL_TIMESTAMP_VALUE.length || buffer[start] !== 0x40) return false;
  for (let i = 1; i < length; i++) if (buffer[start + i] !== NULL_TIMESTAMP_VALUE[i]) return false;
  return true;
}

function readScalar(b: Uint8Array, field: number, wire: number, bigints: boolean): OnlineValue {
  switch (field) {
    case 1: return wire === 2 ? readBytes(b) : fail(b);
    case 2: return wire === 2 ? readString(b) : fail(b);
    case 3: return wire === 0 ? readInt32(b) : fail(b);
    case 4: return wire === 0 ? readInt64(b, bigints) : fail(b);
    case 5: return wire === 1 ? readDouble(b) : fail(b);
    case 6: return wire === 5 ? readFloat(b) : fail(b);
    case 7: return wire === 0 ? readVarint32(b) !== 0 : fail(b);
    default: return wire === 0 ? (rawSeconds ? readInt64(b, bigints) : secondsToDate(readInt64(b, true) as bigint)) : fail(b);
  }
}

function readList(b: Uint8Array, field: number, bigints: boolean): OnlineValue[] {
  const end = readVarint32(b) + pos;
  const out: OnlineValue[] = [];
  while (pos < end) {
    const tag = readVarint32(b);
    if (tag >>> 3 !== 1) return fail(b);
    const wire = tag & 7;
    if (field === 11 || field === 12) {
      if (wire !== 2) return fail(b);
      out.push(field === 11 ? readBytes(b) : readString(b));
      continue;
    }
    const element = field - 10;
    if (wire !== 2) {
      out.push(readScalar(b, element, wire, bigints));   // unpacked encoding is legal too
      continue;
    }
    const packedEnd = readVarint32(b) + pos;
    const elementWire = element === 5 ? 1 : element === 6 ? 5 : 0;
    while (pos < packedEnd) out.push(readScalar(b, element, elementWire, bigints));
  }
  return out;
}

function readVarint32(b: Uint8Array): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= limit) return fail(b);
    const byte = b[pos++];
    if (shift < 32) result |= (byte & 0x7f) << shift;
    if (byte < 0x80) return result >>> 0;
    shift += 7;
    if (shift >= 70) return fail(b);
  }
}

/** Reads a varint into `lo`/`hi` (two unsigned 32-bit halves). */
function readVarint64(b: Uint8Array): void {
  lo = 0;
  hi = 0;
  let shift = 0;
  for (;;) {
    if (pos >= limit) fail(b);
    const byte = b[pos++];
    const bits = byte & 0x7f;
    if (shift < 28) lo |= bits << shift;
    else if (shift === 28) {
      lo |= bits << 28;
      hi |= bits >>> 4;
    } else if (shift < 64) hi |= bits << (shift - 32);
    if (byte < 0x80) break;
    shift += 7;
    if (shift >= 70) fail(b);
  }
  lo >>>= 0;
  hi >>>= 0;
}

function readInt32(b: Uint8Array): number {
  readVarint64(b);
  return lo | 0;
}

function readInt64(b: Uint8Array, bigints: boolean): number | bigint {
  readVarint64(b);
  if (!bigints) {
    if (hi <= 0x1fffff) return hi * 4294967296 + lo;   // 0 <= v < 2^53
    if (hi >= 0xffe00000 && (hi !== 0xffe00000 || lo !== 0)) return -((~hi >>> 0) * 4294967296 + (~lo >>> 0) + 1);   // -2^53 < v < 0
  }
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
}

// Floats are read through a reused scratch (bytes copied in little-endian order), not through a
// Buffer view per value: a 100-entity online read decodes thousands of them.
const scratch = new ArrayBuffer(8);
const scratchBytes = new Uint8Array(scratch);
const scratchDouble = new Float64Array(scratch);
const scratchFloat = new Float32Array(scratch, 0, 1);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function readDouble(b: Uint8Array): number {
  if (pos + 8 > limit) fail(b);
  for (let i = 0; i < 8; i++) scratchBytes[LITTLE_ENDIAN ? i : 7 - i] = b[pos + i];
  pos += 8;
  return scratchDouble[0];
}

function readFloat(b: Uint8Array): number {
  if (pos + 4 > limit) fail(b);
  for (let i = 0; i < 4; i++) scratchBytes[LITTLE_ENDIAN ? i : 3 - i] = b[pos + i];
  pos += 4;
  return scratchFloat[0];
}

function readBytes(b: Uint8Array): Uint8Array {
  const len = readVarint32(b);
  if (pos + len > limit) fail(b);
  const out = new Uint8Array(b.subarray(pos, pos + len));
  pos += len;
  return out;
}

function readString(b: Uint8Array): string {
  const len = readVarint32(b);
  if (pos + len > limit) fail(b);
  // Online reads hand in Buffers: decoding in place spares a view per string.
  const s = Buffer.isBuffer(b) ? b.toString("utf8", pos, pos + len) : Buffer.from(b.buffer, b.byteOffset + pos, len).toString("utf8");
  pos += len;
  return s;
}

function secondsToDate(seconds: bigint): Date | null {
  return seconds === NULL_TIMESTAMP_SECONDS ? null : new Date(Number(seconds) * 1000);
}

function fail(b: Uint8Array): never {
  throw new SchemaMismatchError(`online value ${Buffer.from(b.subarray(begin, limit)).toString("hex")} is not a valid feast.types.Value`);
}

/** Maps, JSON, structs, sets, decimals...: decoded by the general codec into plain values. */
function decodeOther(bytes: Uint8Array, bigints: boolean): OnlineValue {
  let message: ProtoMessage;
  try {
    message = decodeMessage("feast.types.Value", bytes);
  } catch {
    throw new SchemaMismatchError(`online value ${Buffer.from(bytes).toString("hex")} is not a valid feast.types.Value`);
  }
  const entry = Object.entries(message).find(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0));
  if (!entry || entry[0] === "null_val") return null;
  return plain(entry[0], entry[1], bigints);
}

function plain(field: string, value: unknown, bigints: boolean): OnlineValue {
  if (field === "unix_timestamp_val") return rawSeconds ? scalar(value, bigints) : secondsToDate(BigInt(value as bigint));
  if (field === "map_val" || field === "struct_val") return mapToObject(value, bigints);
  if (field === "map_list_val" || field === "struct_list_val") {
    return ((value as { val?: unknown[] }).val ?? []).map((m) => mapToObject(m, bigints));
  }
  if (field === "list_val" || field === "set_val") {
    return ((value as { val?: ProtoMessage[] }).val ?? []).map((v) => decodeValueMessage(v, bigints));
  }
  if (field === "zoned_timestamp_val") {
    const z = value as { unix_timestamp?: bigint; zone?: string };
    const instant = secondsToDate(z.unix_timestamp ?? 0n);
    return instant === null ? null : { unixTimestamp: instant, zone: z.zone ?? "" };
  }
  if (field === "scalar_map_val") {
    const entries = (value as { val?: { key?: ProtoMessage; value?: ProtoMessage }[] }).val ?? [];
    return Object.fromEntries(entries.map((e) => [String(Object.values(e.key ?? {}).find((k) => k !== undefined) ?? ""), decodeValueMessage(e.value ?? {}, bigints)]));
  }
  if (typeof value === "object" && value !== null && "val" in value) {
    return ((value as { val: unknown[] }).val).map((v) => scalar(v, bigints));
  }
  return scalar(value, bigints);
}

function scalar(v: unknown, bigints: boolean): OnlineValue {
  if (typeof v === "bigint" && !bigints && v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n) return Number(v);
  return v as OnlineValue;
}

function mapToObject(value: unknown, bigints: boolean): OnlineValue {
  const entries = (value as { val?: Record<string, ProtoMessage> }).val ?? {};
  return Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, decodeValueMessage(v, bigints)]));
}

function decodeValueMessage(message: ProtoMessage, bigints: boolean): OnlineValue {
  const entry = Object.entries(message).find(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0));
  if (!entry || entry[0] === "null_val") return null;
  return plain(entry[0], entry[1], bigints);
}
