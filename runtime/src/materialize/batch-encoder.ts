import { describeValueType, ValueType } from "../definitions/dtypes";
import { SchemaMismatchError, SkewlessError } from "../errors";
import { EntityKeyEncoder, type EntityKeyVersion } from "../online/entity-key";
import type { OnlineRow } from "../online/online-store";
import { NULL_TIMESTAMP_SECONDS } from "../online/value-decoder";
import { ValueWriter } from "../online/value-encoder";
import type { PulledBatch } from "../offline/offline-store";
import type { ColumnInfo, FeatureViewInfo } from "../registry/catalog";
import { DUMMY_ENTITY_ID } from "../registry/to-proto";

/**
 * Turns batches pulled from the offline store into online rows: entity keys as Feast serializes
 * them, each feature as a Value of its declared type. Nothing is cast: a value that does not fit
 * the declared type (an Int32 overflow, 64-bit integers in an Int32 column, a double in a Float32
 * column, text in a number column) stops the run with a SchemaMismatchError naming the view, the
 * column and an example row.
 */
export class BatchEncoder {
  private readonly keys: EntityKeyEncoder;
  private readonly writer = new ValueWriter();
  /** Per join key, its column in `PulledBatch.joinKeyColumns`; undefined for Feast's dummy key. */
  private readonly keyColumns: (number | undefined)[];

  constructor(readonly view: FeatureViewInfo, version: EntityKeyVersion, readonly features: readonly ColumnInfo[] = view.features) {
    this.keys = new EntityKeyEncoder(view.joinKeys, version);
    let next = 0;
    // Entityless views carry Feast's dummy key, which has no source column.
    this.keyColumns = view.joinKeys.map((k) => (k.name === DUMMY_ENTITY_ID ? undefined : next++));
  }

  encode(batch: PulledBatch): OnlineRow[] {
    if (batch.joinKeyColumns.length === this.view.joinKeys.length) {
      // the store sent a column for every key, the dummy included: index them directly
      this.keyColumns.forEach((_c, k) => {
        this.keyColumns[k] = this.view.joinKeys[k].name === DUMMY_ENTITY_ID ? undefined : k;
      });
    }
    const rows: OnlineRow[] = new Array(batch.rowCount);
    const keyValues: unknown[] = new Array(this.keyColumns.length);
    const nFeatures = this.features.length;
    for (let i = 0; i < batch.rowCount; i++) {
      for (let k = 0; k < keyValues.length; k++) {
        const column = this.keyColumns[k];
        keyValues[k] = column === undefined ? "" : batch.joinKeyColumns[column][i];
      }
      let entityKey: Buffer;
      try {
        entityKey = this.keys.encode(keyValues);
      } catch (e) {
        throw this.mismatch(batch, i, this.view.joinKeys[this.badKey(keyValues)], e);
      }
      const writer = this.writer;
      writer.beginRow();
      for (let f = 0; f < nFeatures; f++) {
        const column = this.features[f];
        let value = batch.featureColumns[f][i];
        // Write what Feast's materialization writes, so both hold the same bytes: NaN floats as null
        // (pandas' isnull), and a null UnixTimestamp as Feast's NaT sentinel (-2^63 seconds).
        if (typeof value === "number" && Number.isNaN(value) && (column.valueType === ValueType.FLOAT || column.valueType === ValueType.DOUBLE)) value = null;
        if ((value === null || value === undefined) && column.valueType === ValueType.UNIX_TIMESTAMP) value = NULL_TIMESTAMP_SECONDS;
        try {
          if (column.valueType === ValueType.FLOAT && typeof value === "number" && Math.fround(value) !== value && Number.isFinite(value)) {
            throw new SchemaMismatchError(`${value} is not a 32-bit float (the source column holds doubles)`);
          }
          writer.appendField(column.valueType, value);
        } catch (e) {
          throw this.mismatch(batch, i, column, e);
        }
      }
      rows[i] = {
        entityKey,
        packedValues: writer.endRow(),
        eventTime: batch.eventTimestamps[i],
        createdTime: batch.createdTimestamps?.[i] ?? null,
      };
    }
    return rows;
  }

  /** The first join key whose value the key encoder rejects (for the error message). */
  private badKey(values: unknown[]): number {
    for (let k = 0; k < values.length; k++) {
      try {
        new EntityKeyEncoder([this.view.joinKeys[k]], 3).encode([values[k]]);
      } catch {
        return k;
      }
    }
    return 0;
  }

  private mismatch(batch: PulledBatch, row: number, column: ColumnInfo, cause: unknown): SchemaMismatchError {
    const detail = cause instanceof SkewlessError || cause instanceof Error ? cause.message : String(cause);
    return new SchemaMismatchError(
      `feature view ${this.view.name}: column ${column.name} is declared ${describeValueType(column.valueType)}, but ${detail}; example row: ${this.describeRow(batch, row)}`,
      "nothing is cast: make the source column's type match the declared dtype (or change the dtype and apply), then materialize again",
    );
  }

  private describeRow(batch: PulledBatch, i: number): string {
    const parts: string[] = [];
    this.view.joinKeys.forEach((k, j) => {
      const column = this.keyColumns[j];
      if (column !== undefined) parts.push(`${k.name}=${show(batch.joinKeyColumns[column][i])}`);
    });
    parts.push(`event_timestamp=${show(batch.eventTimestamps[i])}`);
    this.features.forEach((f, j) => parts.push(`${f.name}=${show(batch.featureColumns[j][i])}`));
    const text = `{${parts.join(", ")}}`;
    return text.length > 400 ? `${text.slice(0, 400)}...}` : text;
  }
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return `[${value.slice(0, 5).map(show).join(", ")}${value.length > 5 ? ", ..." : ""}]`;
  return String(value);
}
