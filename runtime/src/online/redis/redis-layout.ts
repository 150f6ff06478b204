import { murmur3Field } from "../murmur3";
import type { OnlineTable } from "../online-store";

// Feast's Redis layout (Feast 0.66, infra/online_stores/redis.py): one hash per entity, key = serialized entity key ‖
// UTF-8 project; feature fields are the little-endian murmur3 of "view:feature"; `_ts:view` holds
// the row's event time as a google.protobuf.Timestamp.

export function redisKey(entityKey: Buffer, project: Buffer): Buffer {
  return Buffer.concat([entityKey, project], entityKey.length + project.length);
}

/** `_ts:{view}`. */
export function timestampField(view: string): Buffer {
  return Buffer.from(`_ts:${view}`, "utf8");
}

/** The hash fields of a view's features, memoized: they never change for a name. */
export class FieldNames {
  private readonly cache = new Map<string, Buffer>();

  of(view: string, feature: string): Buffer {
    const text = `${view}:${feature}`;
    let field = this.cache.get(text);
    if (!field) {
      field = murmur3Field(text);
      this.cache.set(text, field);
    }
    return field;
  }

  all(table: OnlineTable): Buffer[] {
    return table.features.map((f) => this.of(table.name, f));
  }
}

/** A Timestamp proto for epoch milliseconds (seconds=1, nanos=2; zeros omitted as proto3 does). */
export function encodeTimestamp(ms: number): Buffer {
  const out = Buffer.allocUnsafe(timestampLength(ms));
  writeTimestamp(out, 0, ms);
  return out;
}

/** How many bytes {@link writeTimestamp} writes for `ms`. */
export function timestampLength(ms: number): number {
  const [seconds, nanos] = splitMs(ms);
  return (seconds !== 0 ? 1 + varintLength(seconds) : 0) + (nanos !== 0 ? 1 + varintLength(nanos) : 0);
}

/** Writes the Timestamp proto for `ms` at `at` (straight into a larger buffer: materialization writes millions); returns the end. */
export function writeTimestamp(out: Buffer, at: number, ms: number): number {
  const [seconds, nanos] = splitMs(ms);
  if (seconds !== 0) {
    out[at++] = 0x08;
    at = writeVarint(out, at, seconds);
  }
  if (nanos !== 0) {
    out[at++] = 0x10;
    at = writeVarint(out, at, nanos);
  }
  return at;
}

function splitMs(ms: number): [seconds: number, nanos: number] {
  const seconds = Math.floor(ms / 1000);
  return [seconds, (ms - seconds * 1000) * 1_000_000];
}

/** Seconds and nanos of a Timestamp proto; [0, 0] for an empty or unreadable one. */
export function decodeTimestamp(bytes: Uint8Array): [seconds: number, nanos: number] {
  let seconds = 0;
  let nanos = 0;
  let pos = 0;
  while (pos < bytes.length) {
    const tag = bytes[pos++];
    let value = 0;
    let scale = 1;
    let byte: number;
    do {
      if (pos >= bytes.length) return [0, 0];
      byte = bytes[pos++];
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte >= 0x80);
    if (tag === 0x08) seconds = value >= 2 ** 63 ? value - 2 ** 64 : value;
    else if (tag === 0x10) nanos = value;
    else return [0, 0];
  }
  return [seconds, nanos];
}

/** Compares (seconds, nanos) pairs without losing nanoseconds to floating point. */
export function compareTime(a: [number, number], b: [number, number]): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

function varintLength(n: number): number {
  if (n < 0) return 10;   // negative int64: two's complement, ten bytes
  let length = 1;
  while (n > 0x7f) {
    n = Math.floor(n / 128);
    length++;
  }
  return length;
}

function writeVarint(out: Buffer, at: number, n: number): number {
  if (n >= 0) {
    while (n > 0x7f) {
      out[at++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    out[at++] = n;
    return at;
  }
  let v = BigInt.asUintN(64, BigInt(n));
  while (v > 0x7fn) {
    out[at++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  out[at++] = Number(v);
  return at;
}
