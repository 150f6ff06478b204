import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { murmur3x64Bytes } from "../murmur3";
import type { OnlineRow, OnlineTable } from "../online-store";
import { unpackValues } from "../value-encoder";

/*
 * Feast 0.66's DynamoDB layout: one table per feature view, named by `table_name_template`
 * (default `{project}.{table_name}`), hash key `entity_id` (S). An item is
 *   entity_id: hex of mmh3.hash_bytes(serialized entity key)   (Feast's compute_entity_id)
 *   event_ts:  str(datetime) in UTC, e.g. "2024-01-02 03:04:05.123000+00:00"
 *   values:    M of feature name -> B (the serialized feast.types.Value)
 * The project is in the table name, not the key.
 */

export function dynamoTableName(template: string, project: string, table: OnlineTable): string {
  return template.replaceAll("{project}", project).replaceAll("{table_name}", table.name);
}

export function entityId(entityKey: Uint8Array): string {
  return murmur3x64Bytes(entityKey).toString("hex");
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Python's `str()` of a UTC datetime: microseconds only when non-zero. */
export function pythonUtcString(at: Date): string {
  const base = `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`;
  const ms = at.getUTCMilliseconds();
  return `${base}${ms === 0 ? "" : `.${pad(ms, 3)}000`}+00:00`;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})?$/;

/** Epoch milliseconds of what `datetime.fromisoformat` accepts for `event_ts` (no offset means UTC, as Feast writes tz-aware times). */
export function parseEventTs(text: string): number | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const ms = m[7] ? Math.floor(Number(m[7].padEnd(6, "0")) / 1000) : 0;
  let at = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms);
  const zone = m[8];
  if (zone && zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    at -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return at;
}

export function toItem(table: OnlineTable, row: OnlineRow): Record<string, AttributeValue> {
  const values = unpackValues(row.packedValues);
  const map: Record<string, AttributeValue> = {};
  table.features.forEach((feature, f) => { map[feature] = { B: values[f]! }; });
  return { entity_id: { S: entityId(row.entityKey) }, event_ts: { S: pythonUtcString(row.eventTime) }, values: { M: map } };
}
