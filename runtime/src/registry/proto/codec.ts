import Long from "long";
import * as protobuf from "protobufjs";
import { messageType } from "./schema";

/**
 * A decoded message: field names as in the `.proto` (snake_case), 64-bit integers as `bigint`,
 * enums as numbers, bytes as `Uint8Array`, maps as plain objects, repeated fields as arrays.
 * Fields the schema does not know are kept, byte for byte, under {@link UNKNOWN_FIELDS} and
 * written back on encode, so a registry written by a newer Feast survives a round trip.
 */
export type ProtoMessage = { [field: string]: unknown; [UNKNOWN_FIELDS]?: Uint8Array[] };

export const UNKNOWN_FIELDS: unique symbol = Symbol.for("skewless.proto.unknownFields");

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

const SCALAR_WIRE: Record<string, number> = {
  double: WIRE_FIXED64, float: WIRE_FIXED32,
  int32: WIRE_VARINT, uint32: WIRE_VARINT, sint32: WIRE_VARINT, bool: WIRE_VARINT,
  int64: WIRE_VARINT, uint64: WIRE_VARINT, sint64: WIRE_VARINT,
  fixed32: WIRE_FIXED32, sfixed32: WIRE_FIXED32, fixed64: WIRE_FIXED64, sfixed64: WIRE_FIXED64,
  string: WIRE_BYTES, bytes: WIRE_BYTES,
};

const LONG_TYPES = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);

/** Decodes `bytes` as the message `typeName` (e.g. `feast.core.Registry`). */
export function decodeMessage<T = ProtoMessage>(typeName: string, bytes: Uint8Array): T {
  const reader = protobuf.Reader.create(bytes);
  return readMessage(messageType(typeName), reader, bytes.length) as T;
}

/** Encodes `message` as `typeName`, unknown fields included. */
export function encodeMessage(typeName: string, message: object): Uint8Array {
  return writeMessage(messageType(typeName), message as ProtoMessage);
}

/** A deep copy of a decoded message (unknown fields included). */
export function cloneMessage<T extends object>(typeName: string, message: T): T {
  return decodeMessage<T>(typeName, encodeMessage(typeName, message));
}

// ---- decoding --------------------------------------------------------------------------------

function readMessage(type: protobuf.Type, reader: protobuf.Reader, end: number): ProtoMessage {
  const out: ProtoMessage = {};
  for (const field of type.fieldsArray) {
    if (field.map) out[field.name] = {};
    else if (field.repeated) out[field.name] = [];
  }
  while (reader.pos < end) {
    const start = reader.pos;
    const tag = reader.uint32();
    const wire = tag & 7;
    const field = type.fieldsById[tag >>> 3];
    if (!field || !readField(field, wire, reader, out)) {
      reader.pos = start;
      reader.uint32();
      reader.skipType(wire);
      (out[UNKNOWN_FIELDS] ??= []).push(reader.buf.slice(start, reader.pos));
    }
  }
  if (reader.pos !== end) throw new Error(`message ${type.fullName} overruns its length`);
  return out;
}

/** Reads one occurrence of a known field; false when its wire type is not the schema's. */
function readField(field: protobuf.Field, wire: number, reader: protobuf.Reader, out: ProtoMessage): boolean {
  if (field.map) {
    if (wire !== WIRE_BYTES) return false;
    const [key, value] = readMapEntry(field as unknown as protobuf.MapField, reader);
    (out[field.name] as Record<string, unknown>)[String(key)] = value;
    return true;
  }
  const expected = expectedWire(field);
  if (field.repeated) {
    const list = out[field.name] as unknown[];
    if (wire === WIRE_BYTES && expected !== WIRE_BYTES) {
      const end = reader.uint32() + reader.pos;
      while (reader.pos < end) list.push(readValue(field, reader));
      return true;
    }
    if (wire !== expected) return false;
    list.push(readValue(field, reader));
    return true;
  }
  if (wire !== expected) return false;
  out[field.name] = readValue(field, reader);
  return true;
}

function readMapEntry(field: protobuf.MapField, reader: protobuf.Reader): [unknown, unknown] {
  const end = reader.uint32() + reader.pos;
  let key: unknown = defaultScalar(field.keyType);
  let value: unknown = field.resolvedType ? valueDefault(field) : defaultScalar(field.type);
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1) key = readScalar(field.keyType, reader);
    else if (tag >>> 3 === 2) value = readValue(field, reader);
    else reader.skipType(tag & 7);
  }
  return [key, value];
}

function valueDefault(field: protobuf.FieldBase): unknown {
  return field.resolvedType instanceof protobuf.Type ? {} : 0;
}

function readValue(field: protobuf.FieldBase, reader: protobuf.Reader): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    const length = reader.uint32();
    return readMessage(resolved, reader, reader.pos + length);
  }
  if (resolved instanceof protobuf.Enum) return reader.int32();
  return readScalar(field.type, reader);
}

function readScalar(type: string, reader: protobuf.Reader): unknown {
  switch (type) {
    case "double": return reader.double();
    case "float": return reader.float();
    case "int32": return reader.int32();
    case "uint32": return reader.uint32();
    case "sint32": return reader.sint32();
    case "fixed32": return reader.fixed32();
    case "sfixed32": return reader.sfixed32();
    case "bool": return reader.bool();
    case "string": return reader.string();
    case "bytes": return reader.bytes();
    case "int64": return longToBigInt(reader.int64() as unknown as Long);
    case "uint64": return longToBigInt(reader.uint64() as unknown as Long);
    case "sint64": return longToBigInt(reader.sint64() as unknown as Long);
    case "fixed64": return longToBigInt(reader.fixed64() as unknown as Long);
    case "sfixed64": return longToBigInt(reader.sfixed64() as unknown as Long);
    default: throw new Error(`unsupported protobuf scalar type ${type}`);
  }
}

function expectedWire(field: protobuf.FieldBase): number {
  if (field.resolvedType instanceof protobuf.Type) return WIRE_BYTES;
  if (field.resolvedType instanceof protobuf.Enum) return WIRE_VARINT;
  return SCALAR_WIRE[field.type];
}

function longToBigInt(value: Long): bigint {
  const bits = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return value.unsigned ? bits : BigInt.asIntN(64, bits);
}

// ---- encoding --------------------------------------------------------------------------------

function writeMessage(type: protobuf.Type, message: ProtoMessage): Uint8Array {
  const writer = protobuf.Writer.create();
  const fields = [...type.fieldsArray].sort((a, b) => a.id - b.id);
  for (const field of fields) {
    const value = message[field.name];
    if (value === undefined || value === null) continue;
    if (field.map) writeMap(field as unknown as protobuf.MapField, value as Record<string, unknown>, writer);
    else if (field.repeated) writeRepeated(field, value as unknown[], writer);
    else if (hasPresence(field) || !isDefault(value)) writeTagged(field, value, writer);
  }
  const known = writer.finish();
  const unknown = message[UNKNOWN_FIELDS];
  if (!unknown || unknown.length === 0) return known;
  return Buffer.concat([known, ...unknown]);
}

function writeRepeated(field: protobuf.Field, values: unknown[], writer: protobuf.Writer): void {
  if (!Array.isArray(values)) throw new TypeError(`field ${field.fullName} must be an array`);
  if (values.length === 0) return;
  if (field.packed && expectedWire(field) !== WIRE_BYTES) {
    writer.uint32((field.id << 3) | WIRE_BYTES).fork();
    for (const v of values) writeValue(field, v, writer);
    writer.ldelim();
    return;
  }
  for (const v of values) writeTagged(field, v, writer);
}

function writeMap(field: protobuf.MapField, entries: Record<string, unknown>, writer: protobuf.Writer): void {
  for (const [key, value] of Object.entries(entries)) {
    writer.uint32((field.id << 3) | WIRE_BYTES).fork();
    writer.uint32((1 << 3) | SCALAR_WIRE[field.keyType]);
    writeScalar(field.keyType, mapKey(field.keyType, key), writer);
    writer.uint32((2 << 3) | expectedWire(field));
    writeValue(field, value, writer);
    writer.ldelim();
  }
}

function mapKey(type: string, key: string): unknown {
  if (type === "string") return key;
  if (type === "bool") return key === "true";
  return LONG_TYPES.has(type) ? BigInt(key) : Number(key);
}

function writeTagged(field: protobuf.Field, value: unknown, writer: protobuf.Writer): void {
  writer.uint32((field.id << 3) | expectedWire(field));
  writeValue(field, value, writer);
}

function writeValue(field: protobuf.FieldBase, value: unknown, writer: protobuf.Writer): void {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) writer.bytes(writeMessage(resolved, value as ProtoMessage));
  else if (resolved instanceof protobuf.Enum) writer.int32(Number(value));
  else writeScalar(field.type, value, writer);
}

function writeScalar(type: string, value: unknown, writer: protobuf.Writer): void {
  switch (type) {
    case "double": writer.double(Number(value)); return;
    case "float": writer.float(Number(value)); return;
    case "int32": writer.int32(Number(value)); return;
    case "uint32": writer.uint32(Number(value)); return;
    case "sint32": writer.sint32(Number(value)); return;
    case "fixed32": writer.fixed32(Number(value)); return;
    case "sfixed32": writer.sfixed32(Number(value)); return;
    case "bool": writer.bool(Boolean(value)); return;
    case "string": writer.string(String(value)); return;
    case "bytes": writer.bytes(value as Uint8Array); return;
    case "int64": writer.int64(toLong(value, false)); return;
    case "uint64": writer.uint64(toLong(value, true)); return;
    case "sint64": writer.sint64(toLong(value, false)); return;
    case "fixed64": writer.fixed64(toLong(value, true)); return;
    case "sfixed64": writer.sfixed64(toLong(value, false)); return;
    default: throw new Error(`unsupported protobuf scalar type ${type}`);
  }
}

function toLong(value: unknown, unsigned: boolean): Long {
  const big = BigInt.asUintN(64, typeof value === "bigint" ? value : BigInt(value as number | string));
  return Long.fromBits(Number(big & 0xffffffffn) | 0, Number(big >> 32n) | 0, unsigned);
}

/** Oneof members (proto3 `optional` included) are written even when they hold a default value. */
function hasPresence(field: protobuf.Field): boolean {
  return field.partOf !== null || field.resolvedType instanceof protobuf.Type;
}

function isDefault(value: unknown): boolean {
  if (value === 0 || value === 0n || value === "" || value === false) return true;
  return value instanceof Uint8Array && value.length === 0;
}

function defaultScalar(type: string): unknown {
  if (type === "string") return "";
  if (type === "bool") return false;
  if (type === "bytes") return new Uint8Array(0);
  return LONG_TYPES.has(type) ? 0n : 0;
}
