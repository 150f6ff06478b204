import { DuckDBTypeId, JSDuckDBValueConverter, type DuckDBDataChunk, type DuckDBType } from "@duckdb/node-api";
import * as arrow from "apache-arrow";
import { InvalidArgumentError } from "../../errors";

/** The Arrow type of a DuckDB column: Int32 stays Int32, TIMESTAMPTZ is microseconds in UTC. */
export function arrowType(type: DuckDBType, column: string): arrow.DataType {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN: return new arrow.Bool();
    case DuckDBTypeId.TINYINT: return new arrow.Int8();
    case DuckDBTypeId.SMALLINT: return new arrow.Int16();
    case DuckDBTypeId.INTEGER: return new arrow.Int32();
    case DuckDBTypeId.BIGINT: return new arrow.Int64();
    case DuckDBTypeId.UTINYINT: return new arrow.Uint8();
    case DuckDBTypeId.USMALLINT: return new arrow.Uint16();
    case DuckDBTypeId.UINTEGER: return new arrow.Uint32();
    case DuckDBTypeId.UBIGINT: return new arrow.Uint64();
    case DuckDBTypeId.FLOAT: return new arrow.Float32();
    case DuckDBTypeId.DOUBLE: return new arrow.Float64();
    case DuckDBTypeId.VARCHAR: return new arrow.Utf8();
    case DuckDBTypeId.BLOB: return new arrow.Binary();
    case DuckDBTypeId.DATE: return new arrow.DateDay();
    case DuckDBTypeId.TIMESTAMP: return new arrow.TimestampMicrosecond();
    case DuckDBTypeId.TIMESTAMP_TZ: return new arrow.TimestampMicrosecond("UTC");
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_NS: return new arrow.TimestampMillisecond();
    case DuckDBTypeId.LIST:
      return new arrow.List(new arrow.Field("item", arrowType(type.valueType, column), true));
    default:
      throw new InvalidArgumentError(`column ${column} has type ${type.toString()}, which has no Arrow conversion in Skewless`,
        "select it as a supported type (integers, floats, strings, booleans, bytes, timestamps, dates, lists)");
  }
}

/** The Arrow schema for a result's columns. */
export function arrowSchema(names: readonly string[], types: readonly DuckDBType[]): arrow.Schema {
  return new arrow.Schema(names.map((name, i) => new arrow.Field(name, arrowType(types[i], name), true)));
}

/** One DuckDB chunk as an Arrow record batch (fixed-width columns are copied as typed arrays). */
export function chunkToRecordBatch(chunk: DuckDBDataChunk, schema: arrow.Schema): arrow.RecordBatch {
  const length = chunk.rowCount;
  const children = schema.fields.map((field, i) => columnData(chunk, i, field.type, length));
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length, nullCount: 0, children });
  return new arrow.RecordBatch(schema, data);
}

type Fixed = { array: Int8ArrayConstructor | Int16ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor | Float32ArrayConstructor | Float64ArrayConstructor; read: (v: unknown) => number }
  | { array: BigInt64ArrayConstructor | BigUint64ArrayConstructor; read: (v: unknown) => bigint };

function fixedLayout(type: arrow.DataType): Fixed | undefined {
  const n = (v: unknown) => v as number;
  const b = (v: unknown) => v as bigint;
  if (arrow.DataType.isTimestamp(type) && type.unit === arrow.TimeUnit.MICROSECOND) return { array: BigInt64Array, read: (v) => (v as { micros: bigint }).micros };
  if (arrow.DataType.isDate(type)) return { array: Int32Array, read: (v) => (v as { days: number }).days };
  if (type instanceof arrow.Int8) return { array: Int8Array, read: n };
  if (type instanceof arrow.Int16) return { array: Int16Array, read: n };
  if (type instanceof arrow.Int32) return { array: Int32Array, read: n };
  if (type instanceof arrow.Int64) return { array: BigInt64Array, read: b };
  if (type instanceof arrow.Uint8) return { array: Uint8Array, read: n };
  if (type instanceof arrow.Uint16) return { array: Uint16Array, read: n };
  if (type instanceof arrow.Uint32) return { array: Uint32Array, read: n };
  if (type instanceof arrow.Uint64) return { array: BigUint64Array, read: b };
  if (type instanceof arrow.Float32) return { array: Float32Array, read: n };
  if (type instanceof arrow.Float64) return { array: Float64Array, read: n };
  return undefined;
}

function columnData(chunk: DuckDBDataChunk, index: number, type: arrow.DataType, length: number): arrow.Data {
  const layout = fixedLayout(type);
  if (!layout) {
    // Variable-width and nested columns go through Arrow's builders from JS values.
    return arrow.vectorFromArray(chunk.convertColumnValues(index, JSDuckDBValueConverter), type).data[0];
  }
  const vector = chunk.getColumnVector(index);
  const values = new layout.array(length);
  const validity = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    const item = vector.getItem(i);
    if (item === null) {
      nullCount++;
      continue;
    }
    (values as unknown as (number | bigint)[])[i] = layout.read(item);
    validity[i >> 3] |= 1 << (i & 7);
  }
  return arrow.makeData({ type, length, nullCount, data: values, nullBitmap: nullCount ? validity : undefined } as Parameters<typeof arrow.makeData>[0]);
}

/**
 * The table of `batches`, built with this module's own Arrow: a caller's `new Table` could come from
 * another copy of apache-arrow (its CommonJS and ES builds are distinct classes), whose schema
 * check refuses these batches.
 */
export function arrowTable(schema: arrow.Schema, batches: arrow.RecordBatch[]): arrow.Table {
  return new arrow.Table(schema, batches);
}
