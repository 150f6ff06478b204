import { describeValueType, listElementType, ValueType } from "../definitions/dtypes";
import { SchemaMismatchError } from "../errors";

// Hand-written `feast.types.Value` encoding for the types a view can declare: materialization
// encodes millions of values, and a general reflective encoder is several times slower. The bytes
// equal Python protobuf's `SerializeToString()` (oneof members are written even when zero; repeated
// numerics are packed); a null is the empty message, as Feast writes a missing value.

/** A value the encoder cannot represent in the declared type; callers add view, column and row. */
export class ValueEncodingError extends SchemaMismatchError {}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;
const EMPTY = Buffer.alloc(0);
const CHUNK = 64 * 1024;

/**
 * Writes Values back to back into shared chunks and hands out views of them, so encoding a batch
 * costs a few large allocations instead of one per value. A row's values can also be packed into
 * one view ({@link beginRow}, {@link appendField}, {@link endRow}): the form online rows carry.
 */
export class ValueWriter {
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  /** Start of the unit being written (a value, or a packed row); `reserve` moves it with the data. */
  private start = 0;

  /** Encodes `value` as a Value of `valueType`; null and undefined give the empty (null) Value. */
  encode(valueType: number, value: unknown): Buffer {
    if (value === null || value === undefined) return EMPTY;
    this.start = this.pos;
    this.writeValue(valueType, value);
    return this.buf.subarray(this.start, this.pos);
  }

  /** Starts a packed row: `u32 little-endian length ‖ Value` per field, back to back. */
  beginRow(): void {
    this.start = this.pos;
  }

  /** Appends one field to the packed row; null gives a zero length (the empty Value). */
  appendField(valueType: number, value: unknown): void {
    this.reserve(4);
    const mark = this.pos - this.start;
    this.pos += 4;
    if (value !== null && value !== undefined) this.writeValue(valueType, value);
    const at = this.start + mark;
    this.buf.writeUInt32LE(this.pos - at - 4, at);
  }

  /** The packed row. */
  endRow(): Buffer {
    return this.buf.subarray(this.start, this.pos);
  }

  private writeValue(valueType: number, value: unknown): void {
    this.reserve(16);
    switch (valueType) {
      case ValueType.INT32: this.int32Field(3, value); break;
      case ValueType.INT64: this.int64Field(4, value); break;
      case ValueType.UNIX_TIMESTAMP: this.int64Field(8, epochSeconds(value)); break;
      case ValueType.DOUBLE: this.tag(5, WIRE_FIXED64); this.double(value); break;
      case ValueType.FLOAT: this.tag(6, WIRE_FIXED32); this.float(value); break;
      case ValueType.BOOL: this.tag(7, WIRE_VARINT); this.buf[this.pos++] = bool(value) ? 1 : 0; break;
      case ValueType.STRING: this.tag(2, WIRE_BYTES); this.string(value); break;
      case ValueType.BYTES: this.tag(1, WIRE_BYTES); this.bytes(value); break;
      default:
        if (listElementType(valueType) === undefined) {
          throw new ValueEncodingError(`values of type ${describeValueType(valueType)} cannot be written (views declare scalars and arrays)`);
        }
        this.list(valueType, value);
    }
  }

  private list(valueType: number, value: unknown): void {
    if (!Array.isArray(value)) throw new ValueEncodingError(`expected an array for ${describeValueType(valueType)}, got ${typeName(value)}`);
    const element = listElementType(valueType)!;
    this.tag(valueType, WIRE_BYTES);
    const outer = this.beginLength();
    if (value.length > 0) {
      if (element === ValueType.STRING || element === ValueType.BYTES) {
        for (const item of value) {
          if (item === null || item === undefined) throw new ValueEncodingError("arrays cannot hold null elements");
          this.reserve(6);
          this.tag(1, WIRE_BYTES);
          if (element === ValueType.STRING) this.string(item);
          else this.bytes(item);
        }
      } else {
        this.tag(1, WIRE_BYTES);
        const inner = this.beginLength();
        for (const item of value) {
          if (item === null || item === undefined) throw new ValueEncodingError("arrays cannot hold null elements");
          this.reserve(10);
          switch (element) {
            case ValueType.INT32: this.varint32(toInt32(item)); break;
            case ValueType.INT64: this.varint64(toInt64(item)); break;
            case ValueType.UNIX_TIMESTAMP: this.varint64(toInt64(epochSeconds(item))); break;
            case ValueType.DOUBLE: this.double(item); break;
            case ValueType.FLOAT: this.float(item); break;
            default: this.buf[this.pos++] = bool(item) ? 1 : 0;
          }
        }
        this.endLength(inner);
      }
    }
    this.endLength(outer);
  }

  private int32Field(field: number, value: unknown): void {
    this.tag(field, WIRE_VARINT);
    this.varint32(toInt32(value));
  }

  private int64Field(field: number, value: unknown): void {
    this.tag(field, WIRE_VARINT);
    this.varint64(toInt64(value));
  }

  private tag(field: number, wire: number): void {
    this.varintSmall((field << 3) | wire);
  }

  private varintSmall(n: number): void {
    while (n > 0x7f) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.pos++] = n;
  }

  private varint32(n: number): void {
    if (n >= 0) this.varintSmall(n);
    else this.varint64(n);   // negative int32s are sign-extended to 10 bytes, as protobuf does
  }

  /** `n` is a number (safe integer) or a bigint, already range-checked. */
  private varint64(n: number | bigint): void {
    // most bigints from parquet INT64 columns are small: take the number path for them
    if (typeof n === "bigint" && n >= 0n && n <= MAX_SAFE) n = Number(n);
    if (typeof n === "number" && n >= 0) {
      while (n > 0x7f) {
        this.buf[this.pos++] = (n % 128) | 0x80;
        n = Math.floor(n / 128);
      }
      this.buf[this.pos++] = n;
      return;
    }
    let u = BigInt.asUintN(64, BigInt(n));
    while (u > 0x7fn) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }

  private double(value: unknown): void {
    this.buf.writeDoubleLE(toNumber(value), this.pos);
    this.pos += 8;
  }

  private float(value: unknown): void {
    this.buf.writeFloatLE(toNumber(value), this.pos);
    this.pos += 4;
  }

  private string(value: unknown): void {
    if (typeof value !== "string") throw new ValueEncodingError(`expected a string, got ${typeName(value)}`);
    const max = value.length * 3;
    this.reserve(max + 5);
    if (value.length < 43) {
      // the length prefix fits one byte for up to 127 bytes (42 UTF-16 units × 3)
      const lenPos = this.pos++;
      const n = this.buf.write(value, this.pos, "utf8");
      this.buf[lenPos] = n;
      this.pos += n;
      return;
    }
    const bytes = Buffer.from(value, "utf8");
    this.varintSmall(bytes.length);
    bytes.copy(this.buf, this.pos);
    this.pos += bytes.length;
  }

  private bytes(value: unknown): void {
    if (!(value instanceof Uint8Array)) throw new ValueEncodingError(`expected bytes (Uint8Array), got ${typeName(value)}`);
    this.reserve(value.length + 5);
    this.varintSmall(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /**
   * Lengths are back-patched: reserve 5 bytes, then shift the body if fewer are needed. The mark is
   * relative to the value's start, which `reserve` may move to a new chunk.
   */
  private beginLength(): number {
    this.reserve(5);
    const mark = this.pos - this.start;
    this.pos += 5;
    return mark;
  }

  private endLength(mark: number): void {
    const at = this.start + mark;
    const bodyStart = at + 5;
    const length = this.pos - bodyStart;
    let n = length;
    let size = 1;
    while (n > 0x7f) {
      n >>>= 7;
      size++;
    }
    this.buf.copy(this.buf, at + size, bodyStart, this.pos);
    this.pos = at;
    this.varintSmall(length);
    this.pos = at + size + length;
  }

  /** Makes room for `n` more bytes, moving the value being written to a fresh chunk if needed. */
  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const partial = this.pos - this.start;
    const next = Buffer.allocUnsafe(Math.max(CHUNK, (partial + n) * 2));
    this.buf.copy(next, 0, this.start, this.pos);
    this.buf = next;
    this.start = 0;
    this.pos = partial;
  }
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function toInt32(value: unknown): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) return value;
  if (typeof value === "bigint") throw new ValueEncodingError(`expected a 32-bit integer (number), got the 64-bit integer ${value}`);
  if (typeof value === "number" && Number.isInteger(value)) throw new ValueEncodingError(`${value} overflows Int32`);
  throw new ValueEncodingError(`expected a whole number for Int32, got ${describe(value)}`);
}

function toInt64(value: unknown): number | bigint {
  if (typeof value === "bigint") {
    if (value < INT64_MIN || value > INT64_MAX) throw new ValueEncodingError(`${value} overflows Int64`);
    return value;
  }
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  if (typeof value === "number" && Number.isInteger(value)) {
    throw new ValueEncodingError(`${value} is beyond 2^53 as a number, so it is already rounded; read Int64 columns as bigint`);
  }
  throw new ValueEncodingError(`expected a whole number for Int64, got ${describe(value)}`);
}

function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  throw new ValueEncodingError(`expected a floating-point number, got ${describe(value)}`);
}

function bool(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  throw new ValueEncodingError(`expected a boolean, got ${describe(value)}`);
}

/** UnixTimestamp values are epoch seconds: a Date is truncated as Python's `int(ts.timestamp())`. */
function epochSeconds(value: unknown): unknown {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new ValueEncodingError("invalid Date");
    return Math.trunc(ms / 1000);
  }
  return value;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof Uint8Array) return "bytes";
  if (value instanceof Date) return "Date";
  return typeof value;
}

function describe(value: unknown): string {
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === "bigint") return `the bigint ${value}`;
  if (typeof value === "number" || typeof value === "boolean") return `the ${typeof value} ${value}`;
  return typeName(value);
}

/** Packs serialized Values as online rows carry them: `u32 little-endian length ‖ bytes` each. */
export function packValues(values: readonly Uint8Array[]): Buffer {
  let size = 0;
  for (const v of values) size += 4 + v.length;
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const v of values) {
    out.writeUInt32LE(v.length, pos);
    out.set(v, pos + 4);
    pos += 4 + v.length;
  }
  return out;
}

/** The Values of a packed row, as views into it. */
export function unpackValues(packed: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < packed.length) {
    const length = packed.readUInt32LE(pos);
    out.push(packed.subarray(pos + 4, pos + 4 + length));
    pos += 4 + length;
  }
  if (pos !== packed.length) throw new ValueEncodingError("a packed row overruns its length");
  return out;
}
