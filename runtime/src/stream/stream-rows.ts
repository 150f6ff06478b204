import type { FeatureViewInfo, SourceInfo } from "../registry/catalog";
import { DUMMY_ENTITY_ID } from "../registry/to-proto";
import type { PushRows } from "../push/push-batch";

/**
 * Where each batch-source column of a Kafka-fed view comes from in a message: the Kafka source's
 * field mapping renames message fields to feature names and its timestamp field is the event
 * time; the batch source's mapping then gives the column names pushes use.
 */
export function messageColumns(view: FeatureViewInfo, stream: SourceInfo): Map<string, string> {
  const batch = view.batchSource;
  const fromMessage = new Map<string, string>();   // feature (or key, or timestamp) name -> message field
  for (const [field, name] of Object.entries(stream.fieldMapping)) fromMessage.set(name, field);
  const toBatch = new Map(Object.entries(batch.fieldMapping).map(([column, name]) => [name, column]));
  const columns = new Map<string, string>();       // batch column -> message field
  const add = (name: string, field = fromMessage.get(name) ?? name) => columns.set(toBatch.get(name) ?? name, field);
  for (const key of view.joinKeys) if (key.name !== DUMMY_ENTITY_ID) add(key.name);
  // a stream view with aggregations reads its event columns (its features are the aggregates)
  for (const feature of view.inputColumns ?? view.features) add(feature.name);
  add(batch.timestampField, stream.timestampField);
  if (batch.createdTimestampColumn) add(batch.createdTimestampColumn, stream.createdTimestampColumn || fromMessage.get(batch.createdTimestampColumn) || batch.createdTimestampColumn);
  return columns;
}

/** Decoded messages as pushed rows in batch-source columns (a missing field is null). */
export function rowsFromMessages(columns: Map<string, string>, records: readonly Record<string, unknown>[]): PushRows {
  const rows: PushRows = {};
  for (const [column, field] of columns) {
    const values = new Array<unknown>(records.length);
    for (let i = 0; i < records.length; i++) values[i] = records[i]![field] ?? null;
    rows[column] = values;
  }
  return rows;
}
