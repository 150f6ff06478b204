import { EntityKeyEncoder } from "../online/entity-key";
import { combine, type TileState } from "../online/aggregation/tile-state";
import { tileTable, TILES_FIELD } from "../online/aggregation/tile-store";
import { decodeValueAt, type OnlineValue } from "../online/value-decoder";
import type { FeatureViewInfo } from "../registry/catalog";
import { DUMMY_ENTITY_ID } from "../registry/to-proto";
import type { Discrepancy, ValidateContext, ValidateOptions, ViewValidation } from "./validate";

/**
 * A stream view's aggregations: for the entities with events in its longest window (sampled as
 * asked), the training-set values at `now` against the values the tiles give for the window
 * ending at the same `now`, value by value.
 */
export async function validateAggregated(
  ctx: ValidateContext, view: FeatureViewInfo, options: ValidateOptions, examples: Discrepancy[], now = new Date(),
): Promise<ViewValidation> {
  const result: ViewValidation = { view: view.name, asOf: now, entities: 0, values: 0, mismatches: 0, missing: 0 };
  const aggregations = view.aggregations!;
  const longest = Math.max(...aggregations.map((a) => a.windowSeconds));
  const keys = view.joinKeys.filter((k) => k.name !== DUMMY_ENTITY_ID);
  // The entities with an event in reach: the latest event row of each, from the raw log
  const log: FeatureViewInfo = { ...view, features: view.inputColumns ?? [], aggregations: undefined };
  let entities: Record<string, unknown>[] = [];
  for await (const batch of ctx.offline.pullLatest(log, new Date(now.getTime() - longest * 1000), now, { batchRows: options.batchRows })) {
    for (let i = 0; i < batch.rowCount; i++) entities.push(Object.fromEntries(keys.map((k, j) => [k.name, batch.joinKeyColumns[j][i]])));
  }
  if (options.sample !== undefined && entities.length > options.sample) {
    const random = options.random ?? Math.random;
    entities = entities.map((e) => ({ e, r: random() })).sort((a, b) => a.r - b.r).slice(0, options.sample).map((x) => x.e);
  }
  if (entities.length === 0) return result;
  const job = await ctx.offline.getHistoricalFeatures({
    entityDf: entities.map((e) => ({ ...e, event_timestamp: now })),
    views: [{ view, prefix: view.name, features: view.features, outputNames: view.features.map((f) => f.name), entityColumns: {} }],
  });
  const offline = await job.toRows().finally(() => job.close());
  const encoder = new EntityKeyEncoder(view.joinKeys, ctx.config.entityKeySerializationVersion);
  const [read] = await ctx.online.read([{
    table: tileTable(view), features: [TILES_FIELD],
    entityKeys: entities.map((e) => encoder.encode(view.joinKeys.map((k) => (k.name === DUMMY_ENTITY_ID ? "" : e[k.name])))),
  }]);
  entities.forEach((entity, i) => {
    result.entities++;
    const text = read.values.has(i, 0) ? decodeValueAt(read.values.buffer(i)!, read.values.start(i, 0), read.values.end(i, 0)) : null;
    if (typeof text !== "string") result.missing++;
    const state: TileState = typeof text === "string" ? (JSON.parse(text) as TileState) : { tiles: {} };
    const online = aggregations.map((a) => combine(state, a, now.getTime()));
    const found = online.some((o) => o.events > 0);
    aggregations.forEach((a, f) => {
      result.values++;
      const expected = offline[i][a.name];
      const actual = found ? online[f].value : null;
      if (same(expected, actual)) return;
      result.mismatches++;
      if (examples.length < (options.maxExamples ?? 10)) {
        examples.push({ view: view.name, entity: entity as Record<string, OnlineValue>, feature: a.name, offline: expected as OnlineValue, online: actual as OnlineValue });
      }
    });
  });
  return result;
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return Object.is(a, b) || (a === null && b === undefined);
}
