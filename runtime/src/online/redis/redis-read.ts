import type { OnlineReadRequest, OnlineReadResult } from "../online-store";
import { featureSlots, ValueGrid } from "../value-grid";
import { keySlot } from "./key-slot";
import { decodeTimestamp, redisKey, timestampField, type FieldNames } from "./redis-layout";

// The parts of a Redis read that do not talk to the server: which keys and fields to ask for, and
// how replies become per-row results.

/** A request's distinct keys (with the project appended) and which one each entity row uses. */
export interface ReadPlan {
  request: OnlineReadRequest;
  /** The features' hash fields, then `_ts:{view}`. */
  fields: Buffer[];
  keys: Buffer[];
  rowKey: number[];
}

export function planRead(request: OnlineReadRequest, names: FieldNames, project: Buffer): ReadPlan {
  const fields = [...request.features.map((f) => names.of(request.table.name, f)), timestampField(request.table.name)];
  const index = new Map<string, number>();
  const keys: Buffer[] = [];
  const rowKey: number[] = [];
  for (const key of request.entityKeys) {
    const id = key.toString("latin1");
    let at = index.get(id);
    if (at === undefined) {
      at = keys.length;
      index.set(id, at);
      keys.push(redisKey(key, project));
    }
    rowKey.push(at);
  }
  return { request, fields, keys, rowKey };
}

/** Key indexes grouped by cluster slot (a single group on one server), in order. */
export function slotGroups(keys: Buffer[], cluster: boolean): number[][] {
  if (!cluster) return keys.length ? [keys.map((_k, i) => i)] : [];
  const groups = new Map<number, number[]>();
  keys.forEach((key, i) => {
    const slot = keySlot(key);
    const group = groups.get(slot);
    if (group) group.push(i);
    else groups.set(slot, [i]);
  });
  return [...groups.values()];
}

/**
 * A plan's result being filled in, reply by reply: each key's values go to the first entity row
 * that uses it, and {@link ReadAssembly.result} copies them to rows repeating the key.
 */
export class ReadAssembly {
  private readonly grid: ValueGrid;
  private readonly eventTimes: (number | undefined)[];
  private readonly firstRow: Int32Array;
  private readonly nFeatures: number;
  /** Feature fields (4 bytes each) as little-endian signed integers (small integers to V8: no allocation), to their feature index. */
  private readonly fieldIndex = new Map<number, number>();
  private readonly tsField: Buffer;
  /** Features asked for more than once: [later, first] (HGETALL's pairs fill only the first). */
  private readonly repeats: [number, number][];

  constructor(private readonly plan: ReadPlan) {
    const rows = plan.rowKey.length;
    this.nFeatures = plan.fields.length - 1;
    this.grid = new ValueGrid(rows, this.nFeatures);
    this.eventTimes = new Array(rows).fill(undefined);
    this.firstRow = new Int32Array(plan.keys.length).fill(-1);
    plan.rowKey.forEach((k, row) => {
      if (this.firstRow[k] < 0) this.firstRow[k] = row;
    });
    const { first, repeats } = featureSlots(plan.request.features);
    for (const f of first.values()) {
      const field = plan.fields[f];
      if (field.length === 4) this.fieldIndex.set(field.readInt32LE(0), f);
    }
    this.repeats = repeats;
    this.tsField = plan.fields[this.nFeatures];
  }

  /**
   * Key `k`'s values from one HMGET-shaped reply: per field of the plan (features, then `_ts`),
   * the value's bytes or null.
   */
  addFields(k: number, reply: readonly (Buffer | null)[]): void {
    const row = this.firstRow[k];
    const present = reply.map((v) => v ?? Buffer.alloc(0));
    const buffer = Buffer.concat(present);
    this.grid.setBuffer(row, buffer);
    let offset = 0;
    let any = false;
    for (let f = 0; f < this.nFeatures; f++) {
      const v = reply[f];
      if (v === null || v === undefined) continue;
      this.grid.set(row, f, offset, offset + v.length);
      offset += v.length;
      any = true;
    }
    this.setTime(row, reply[this.nFeatures] ?? undefined, any);
  }

  /**
   * Key `k`'s values from a reply `buffer` (READ_SCRIPT's msgpack, or RESP), read by `reader`
   * (positioned at the key's entry): field values in plan order (`positional`, HMGET's shape), or
   * field-value pairs of the whole hash (HGETALL's shape). Returns how many fields the reply held.
   */
  addEntry(k: number, buffer: Buffer, reader: ReplyReader, positional: boolean): number {
    const row = this.firstRow[k];
    this.grid.setBuffer(row, buffer);
    const n = reader.arrayHeader();
    let any = false;
    let ts: Buffer | undefined;
    if (positional) {
      for (let f = 0; f < n; f++) {
        if (reader.skipFalse()) continue;
        const length = reader.strHeader();
        const start = reader.pos;
        reader.skipString(length);
        if (f < this.nFeatures) {
          this.grid.set(row, f, start, start + length);
          any = true;
        } else ts = buffer.subarray(start, start + length);
      }
    } else {
      for (let p = 0; p < n; p += 2) {
        const nameLength = reader.strHeader();
        const nameAt = reader.pos;
        reader.skipString(nameLength);
        const valueLength = reader.strHeader();
        const start = reader.pos;
        reader.skipString(valueLength);
        if (nameLength === 4) {
          const f = this.fieldIndex.get(buffer.readInt32LE(nameAt));
          if (f !== undefined) {
            this.grid.set(row, f, start, start + valueLength);
            any = true;
          }
        } else if (nameLength === this.tsField.length && buffer.compare(this.tsField, 0, nameLength, nameAt, nameAt + nameLength) === 0) {
          ts = buffer.subarray(start, start + valueLength);
        }
      }
      for (const [later, first] of this.repeats) this.grid.copyValue(row, first, later);
    }
    this.setTime(row, ts, any);
    return positional ? n : n / 2;
  }

  /** Per entity row, aligned with the request's entity keys. */
  result(): OnlineReadResult {
    this.plan.rowKey.forEach((k, row) => {
      const first = this.firstRow[k];
      if (first !== row) {
        this.grid.copyRow(first, row);
        this.eventTimes[row] = this.eventTimes[first];
      }
    });
    return { eventTimes: this.eventTimes, values: this.grid };
  }

  /** A row exists when it has a timestamp or any feature; a missing timestamp reads as epoch 0. */
  private setTime(row: number, ts: Uint8Array | undefined, anyFeature: boolean): void {
    if (ts === undefined && !anyFeature) return;
    const [s, ns] = ts ? decodeTimestamp(ts) : [0, 0];
    this.eventTimes[row] = s * 1000 + Math.floor(ns / 1_000_000);
  }
}

/** Reads a reply by offset: strings are positions in the reply's buffer, never copies. */
export interface ReplyReader {
  pos: number;
  arrayHeader(): number;
  /** A string's length; its bytes start at `pos`. */
  strHeader(): number;
  /** Moves past the string whose bytes start at `pos`. */
  skipString(length: number): void;
  /** True (and consumed) when the next item is an absent value. */
  skipFalse(): boolean;
}

/**
 * Reads what Redis's `cmsgpack.pack` makes of READ_SCRIPT's tables: strings (fixstr, str8/16/32),
 * arrays (fixarray, array16/32) and `false` (a field HMGET did not find). Strings are not copied:
 * callers take their offsets.
 */
export class MsgpackReader implements ReplyReader {
  pos = 0;

  constructor(private readonly bytes: Buffer) {}

  skipString(length: number): void {
    this.pos += length;
  }

  arrayHeader(): number {
    const b = this.byte();
    if ((b & 0xf0) === 0x90) return b & 0x0f;
    if (b === 0xdc) return this.uint(2);
    if (b === 0xdd) return this.uint(4);
    return this.unexpected(b, "an array");
  }

  strHeader(): number {
    const b = this.byte();
    let length: number;
    if ((b & 0xe0) === 0xa0) length = b & 0x1f;
    else if (b === 0xd9 || b === 0xc4) length = this.uint(1);
    else if (b === 0xda || b === 0xc5) length = this.uint(2);
    else if (b === 0xdb || b === 0xc6) length = this.uint(4);
    else return this.unexpected(b, "a string");
    if (this.pos + length > this.bytes.length) throw new Error(`the read script's reply ends inside a string at byte ${this.pos}`);
    return length;
  }

  /** True (and consumed) when the next item is `false` or nil. */
  skipFalse(): boolean {
    const b = this.bytes[this.pos];
    if (b !== 0xc2 && b !== 0xc0) return false;
    this.pos++;
    return true;
  }

  private byte(): number {
    if (this.pos >= this.bytes.length) throw new Error(`the read script's reply ends early at byte ${this.pos}`);
    return this.bytes[this.pos++];
  }

  private uint(size: 1 | 2 | 4): number {
    if (this.pos + size > this.bytes.length) throw new Error(`the read script's reply ends early at byte ${this.pos}`);
    const v = this.bytes.readUIntBE(this.pos, size);
    this.pos += size;
    return v;
  }

  private unexpected(b: number, wanted: string): never {
    throw new Error(`the read script's reply has byte 0x${b.toString(16)} at ${this.pos - 1} where ${wanted} should start`);
  }
}
