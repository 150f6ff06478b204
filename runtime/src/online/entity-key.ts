import { describeValueType, ValueType } from "../definitions/dtypes";
import { InvalidArgumentError } from "../errors";

/** Feast's `entity_key_serialization_version`: 3 is Feast's default since 0.50, 2 is legacy. */
export type EntityKeyVersion = 2 | 3;

/** One join key: its name and Feast value type (from the view's `entity_columns`). */
export interface JoinKeyColumn {
  name: string;
  valueType: number;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** A decimal whole number as a string; Feast converts such strings for integer keys (`int("42")`). */
export const INTEGER = /^[+-]?\d+$/;

/**
 * Serializes entity keys as Feast's `serialize_entity_key` does (Feast 0.66, infra/key_encoding_utils.py): join keys
 * sorted by code point with their values, all integers little-endian. Built once per set of join
 * keys, so the sorted order and the key-name prefix are computed once, not per row.
 *
 * @example
 * const keys = new EntityKeyEncoder([{ name: "driver_id", valueType: ValueType.INT64 }], 3);
 * keys.encode([1001n]);   // 01000000 02000000 09000000 6472697665725f6964 04000000 08000000 e903000000000000
 */
export class EntityKeyEncoder {
  /** `order[i]` is the index (in the given columns) of the i-th key in serialized order. */
  private readonly order: number[];
  private readonly prefix: Buffer;

  constructor(readonly columns: readonly JoinKeyColumn[], readonly version: EntityKeyVersion) {
    const names = columns.map((c) => Buffer.from(c.name, "utf8"));
    this.order = columns.map((_c, i) => i).sort((a, b) => Buffer.compare(names[a], names[b]));
    for (const c of columns) payloadSize(c);
    this.prefix = entityKeyPrefix(columns.map((c) => c.name), version);
  }

  /** The key for one entity; `values` are aligned with the columns given to the constructor. */
  encode(values: readonly unknown[]): Buffer {
    const n = this.order.length;
    let size = this.prefix.length;
    for (let i = 0; i < n; i++) {
      const column = this.columns[i];
      size += 8 + (column.valueType === ValueType.STRING || column.valueType === ValueType.BYTES ? byteLength(column, values[i]) : payloadSize(column));
    }
    const out = Buffer.allocUnsafe(size);
    this.prefix.copy(out, 0);
    let pos = this.prefix.length;
    for (let j = 0; j < n; j++) {
      const i = this.order[j];
      pos = writeValue(out, pos, this.columns[i], values[i]);
    }
    return out;
  }
}

/** The part of a key before the values: what Feast's Redis deletion scans for. */
export function entityKeyPrefix(joinKeys: readonly string[], version: EntityKeyVersion): Buffer {
  const names = joinKeys.map((k) => Buffer.from(k, "utf8")).sort(Buffer.compare);
  const parts: Buffer[] = [];
  if (version === 3) parts.push(u32(names.length));
  for (const name of names) {
    parts.push(u32(ValueType.STRING));
    if (version === 3) parts.push(u32(name.length));
    parts.push(name);
  }
  return Buffer.concat(parts);
}

/** One-off serialization (tests, tools); hot paths keep an {@link EntityKeyEncoder}. */
export function serializeEntityKey(columns: readonly JoinKeyColumn[], values: readonly unknown[], version: EntityKeyVersion): Buffer {
  return new EntityKeyEncoder(columns, version).encode(values);
}

/** A decoded v3 key: join key names and JS values (bigint for INT64 and UNIX_TIMESTAMP). */
export interface DecodedEntityKey {
  joinKeys: string[];
  valueTypes: number[];
  values: (string | number | bigint | Uint8Array)[];
}

/** Reads a v3 key back (Feast's `deserialize_entity_key`); v2 keys cannot be split unambiguously. */
export function deserializeEntityKey(bytes: Uint8Array): DecodedEntityKey {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (pos: number, n: number) => {
    if (pos + n > buf.length) throw new InvalidArgumentError(`entity key ${buf.toString("hex")} is truncated`);
  };
  need(0, 4);
  const n = buf.readUInt32LE(0);
  let pos = 4;
  const joinKeys: string[] = [];
  for (let i = 0; i < n; i++) {
    need(pos, 8);
    const len = buf.readUInt32LE(pos + 4);
    need(pos + 8, len);
    joinKeys.push(buf.toString("utf8", pos + 8, pos + 8 + len));
    pos += 8 + len;
  }
  const valueTypes: number[] = [];
  const values: DecodedEntityKey["values"] = [];
  for (let i = 0; i < n; i++) {
    need(pos, 8);
    const type = buf.readUInt32LE(pos);
    const len = buf.readUInt32LE(pos + 4);
    pos += 8;
    need(pos, len);
    valueTypes.push(type);
    if (type === ValueType.STRING) values.push(buf.toString("utf8", pos, pos + len));
    else if (type === ValueType.BYTES) values.push(new Uint8Array(buf.subarray(pos, pos + len)));
    else if (type === ValueType.INT32 && len === 4) values.push(buf.readInt32LE(pos));
    else if ((type === ValueType.INT64 || type === ValueType.UNIX_TIMESTAMP) && len === 8) values.push(buf.readBigInt64LE(pos));
    else throw new InvalidArgumentError(`entity key ${buf.toString("hex")} holds a value of type ${describeValueType(type)} (${len} bytes), which Feast does not write`);
    pos += len;
  }
  if (pos !== buf.length) throw new InvalidArgumentError(`entity key ${buf.toString("hex")} has ${buf.length - pos} trailing bytes`);
  return { joinKeys, valueTypes, values };
}

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32LE(n, 0);
  return b;
}

/** Fixed payload sizes; also rejects value types Feast cannot put in a key. */
function payloadSize(column: JoinKeyColumn): number {
  switch (column.valueType) {
    case ValueType.INT32: return 4;
    case ValueType.INT64: case ValueType.UNIX_TIMESTAMP: return 8;
    case ValueType.STRING: case ValueType.BYTES: return 0;
    default:
      throw new InvalidArgumentError(
        `join key ${column.name} has type ${describeValueType(column.valueType)}, which cannot be part of an entity key`,
        "Feast keys entities by String, Bytes, Int32, Int64 or UnixTimestamp values",
      );
  }
}

function byteLength(column: JoinKeyColumn, value: unknown): number {
  if (column.valueType === ValueType.STRING) {
    if (typeof value !== "string") throw badValue(column, value);
    return Buffer.byteLength(value, "utf8");
  }
  if (!(value instanceof Uint8Array)) throw badValue(column, value);
  return value.length;
}

function writeValue(out: Buffer, pos: number, column: JoinKeyColumn, value: unknown): number {
  out.writeUInt32LE(column.valueType, pos);
  switch (column.valueType) {
    case ValueType.STRING: {
      const len = out.write(value as string, pos + 8, "utf8");
      out.writeUInt32LE(len, pos + 4);
      return pos + 8 + len;
    }
    case ValueType.BYTES: {
      const bytes = value as Uint8Array;
      out.writeUInt32LE(bytes.length, pos + 4);
      out.set(bytes, pos + 8);
      return pos + 8 + bytes.length;
    }
    case ValueType.INT32:
      out.writeUInt32LE(4, pos + 4);
      out.writeInt32LE(toInt32(column, value), pos + 8);
      return pos + 12;
    default:
      out.writeUInt32LE(8, pos + 4);
      out.writeBigInt64LE(column.valueType === ValueType.UNIX_TIMESTAMP ? toEpochSeconds(column, value) : toInt64(column, value), pos + 8);
      return pos + 16;
  }
}

function toInt32(column: JoinKeyColumn, value: unknown): number {
  const whole = typeof value === "string" && INTEGER.test(value.trim()) ? BigInt(value.trim()) : value;
  const n = typeof whole === "bigint" && whole >= INT32_MIN && whole <= INT32_MAX ? Number(whole) : whole;
  if (typeof n !== "number" || !Number.isInteger(n) || n < INT32_MIN || n > INT32_MAX) throw badValue(column, value);
  return n;
}

function toInt64(column: JoinKeyColumn, value: unknown): bigint {
  if (typeof value === "bigint" && value >= INT64_MIN && value <= INT64_MAX) return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "string" && INTEGER.test(value.trim())) {
    const n = BigInt(value.trim());
    if (n >= INT64_MIN && n <= INT64_MAX) return n;
  }
  throw badValue(column, value);
}

/** UnixTimestamp keys are epoch seconds; a Date is truncated as Python's `int(ts.timestamp())`. */
function toEpochSeconds(column: JoinKeyColumn, value: unknown): bigint {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return BigInt(Math.trunc(value.getTime() / 1000));
  return toInt64(column, value);
}

function badValue(column: JoinKeyColumn, value: unknown): InvalidArgumentError {
  const shown = typeof value === "bigint" ? `${value}n` : typeof value === "string" ? JSON.stringify(value) : value instanceof Uint8Array ? "bytes" : String(value);
  const expected: Record<number, string> = {
    [ValueType.INT32]: "a whole number between -2147483648 and 2147483647",
    [ValueType.INT64]: "a safe whole number, a bigint or a decimal string in the Int64 range",
    [ValueType.UNIX_TIMESTAMP]: "a Date, or epoch seconds",
    [ValueType.STRING]: "a string",
    [ValueType.BYTES]: "a Uint8Array",
  };
  return new InvalidArgumentError(
    `join key ${column.name} (${describeValueType(column.valueType)}) got ${shown} (${value === null ? "null" : typeof value})`,
    `pass ${expected[column.valueType] ?? "a supported value"}`,
  );
}
