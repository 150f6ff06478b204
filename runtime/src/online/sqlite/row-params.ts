import type { OnlineRow } from "../online-store";
import { decodeValue } from "../value-decoder";
import { valueTextOf } from "../value-text";
import { WRITE_COLUMNS } from "./sqlite-sql";

/**
 * Feeds online rows to multi-row INSERT statements, `rowsPerStatement` (entity, feature) rows at a
 * time, in entity-key order: one row per feature with the key, name, Value bytes, Feast's
 * `value_text` and epoch-second timestamps. `run(params, rows)` executes one statement.
 */
export function forEachStatement(
  features: readonly string[], rows: readonly OnlineRow[], rowsPerStatement: number, run: (params: unknown[], rows: number) => void,
): void {
  const perRow = WRITE_COLUMNS.length;
  const params: unknown[] = new Array(rowsPerStatement * perRow);
  let filled = 0;
  // Inserting in key order touches each B-tree page once per batch instead of at random.
  const order = rows.map((_r, i) => i).sort((a, b) => Buffer.compare(rows[a].entityKey, rows[b].entityKey) || a - b);
  for (const index of order) {
    const row = rows[index];
    const [eventTs, createdTs] = rowTimes(row);
    const packed = row.packedValues;
    let at = 0;
    for (let f = 0; f < features.length; f++) {
      const length = packed.readUInt32LE(at);
      const value = packed.subarray(at + 4, at + 4 + length);
      at += 4 + length;
      const base = filled * perRow;
      params[base] = row.entityKey;
      params[base + 1] = features[f];
      params[base + 2] = value;
      params[base + 3] = valueTextOf(value, decodeValue);
      params[base + 4] = eventTs;
      params[base + 5] = createdTs;
      if (++filled === rowsPerStatement) {
        run(params, filled);
        filled = 0;
      }
    }
  }
  if (filled > 0) run(params.slice(0, filled * perRow), filled);
}

/** Event and created time as Feast's SQLite store keeps them: integer epoch seconds (created may be null). */
function rowTimes(row: OnlineRow): [number, number | null] {
  return [Math.trunc(row.eventTime.getTime() / 1000), row.createdTime ? Math.trunc(row.createdTime.getTime() / 1000) : null];
}

/**
 * Feeds online rows to multi-row INSERTs into an entity staging table (see
 * `createEntityStagingSql`), `rowsPerStatement` entities at a time, in the order given: per
 * entity its key, event and created seconds, then per feature the Value bytes and value_text.
 */
export function forEachEntityStatement(
  features: number, rows: readonly OnlineRow[], rowsPerStatement: number, run: (params: unknown[], rows: number) => void,
): void {
  const perRow = 3 + 2 * features;
  const params: unknown[] = new Array(rowsPerStatement * perRow);
  let filled = 0;
  for (const row of rows) {
    let o = filled * perRow;
    params[o++] = row.entityKey;
    [params[o], params[o + 1]] = rowTimes(row);
    o += 2;
    const packed = row.packedValues;
    let at = 0;
    for (let f = 0; f < features; f++) {
      const length = packed.readUInt32LE(at);
      const value = packed.subarray(at + 4, at + 4 + length);
      at += 4 + length;
      params[o++] = value;
      params[o++] = valueTextOf(value, decodeValue);
    }
    if (++filled === rowsPerStatement) {
      run(params, filled);
      filled = 0;
    }
  }
  if (filled > 0) run(params.slice(0, filled * perRow), filled);
}
