import type { RepoConfig } from "../config";
import { BatchEncoder } from "../materialize/batch-encoder";
import { lastMaterializedEnd } from "../materialize/intervals";
import type { OfflineStore, PulledBatch } from "../offline/offline-store";
import { onlineTable } from "../online/open-online-store";
import type { OnlineStore, OnlineTable } from "../online/online-store";
import { decodeValue, type OnlineValue } from "../online/value-decoder";
import { unpackValues } from "../online/value-encoder";
import type { FeatureViewInfo, RegistryCatalog } from "../registry/catalog";
import { DUMMY_ENTITY_ID } from "../registry/to-proto";
import { validateAggregated } from "./validate-aggregated";

export interface ValidateOptions {
  featureViews?: readonly string[];
  /** Entities to check per view, sampled uniformly; undefined checks every entity. */
  sample?: number;
  /** Examples of discrepancies to keep (default 10). */
  maxExamples?: number;
  batchRows?: number;
  /** For reproducible samples in tests. */
  random?: () => number;
}

export interface Discrepancy {
  view: string;
  entity: Record<string, OnlineValue>;
  feature: string;
  offline: OnlineValue;
  /** What the online store holds; "missing" when it has no row for the entity. */
  online: OnlineValue | "missing";
}

export interface ViewValidation {
  view: string;
  /** The end of the last materialization: offline values are taken as of then (aggregations: the time of the check). */
  asOf?: Date;
  entities: number;
  values: number;
  mismatches: number;
  /** Entities the online store has no row for. */
  missing: number;
  /** Why the view was not checked (never materialized). */
  skipped?: string;
}

export interface ValidationReport {
  views: ViewValidation[];
  values: number;
  mismatches: number;
  /** mismatches / values (0 when nothing was compared). */
  rate: number;
  examples: Discrepancy[];
}

export interface ValidateContext {
  config: RepoConfig;
  catalog: RegistryCatalog;
  offline: OfflineStore;
  online: OnlineStore;
}

interface Sampled {
  key: Buffer;
  values: readonly Uint8Array[];
  entity: Record<string, OnlineValue>;
}

const READ_CHUNK = 1000;

/**
 * Compares, per online view, what the online store serves with the latest offline row per entity
 * as of the view's last materialization, value by value (as encoded bytes: Int32 vs Int64 or a
 * float's last bit counts). Serving and training agree exactly when the rate is 0.
 */
export async function validateOnline(ctx: ValidateContext, options: ValidateOptions = {}): Promise<ValidationReport> {
  const views = options.featureViews?.length ? options.featureViews.map((n) => ctx.catalog.featureView(n)) : ctx.catalog.featureViews().filter((v) => v.online);
  const examples: Discrepancy[] = [];
  const results: ViewValidation[] = [];
  for (const view of views) results.push(await validateView(ctx, view, options, examples));
  const values = results.reduce((s, r) => s + r.values, 0);
  const mismatches = results.reduce((s, r) => s + r.mismatches, 0);
  return { views: results, values, mismatches, rate: values === 0 ? 0 : mismatches / values, examples };
}

async function validateView(ctx: ValidateContext, view: FeatureViewInfo, options: ValidateOptions, examples: Discrepancy[]): Promise<ViewValidation> {
  if (view.aggregations) return validateAggregated(ctx, view, options, examples);
  const asOf = lastMaterializedEnd(view);
  const result: ViewValidation = { view: view.name, asOf, entities: 0, values: 0, mismatches: 0, missing: 0 };
  if (!asOf) return { ...result, skipped: "never materialized" };
  const from = new Date(Math.min(...view.materializationIntervals.map((i) => i.start.getTime())));
  const encoder = new BatchEncoder(view, ctx.config.entityKeySerializationVersion);
  const table = onlineTable(view);
  const random = options.random ?? Math.random;
  const reservoir: Sampled[] = [];
  let seen = 0;
  for await (const batch of ctx.offline.pullLatest(view, from, asOf, { batchRows: options.batchRows })) {
    const rows = encoder.encode(batch);
    const sampled = rows.map((r, i) => ({ key: r.entityKey, values: unpackValues(r.packedValues), entity: entityOf(view, batch, i) }));
    if (options.sample === undefined) {
      await compare(ctx.online, table, sampled, result, examples, options.maxExamples ?? 10);
      continue;
    }
    for (const s of sampled) {
      seen++;
      if (reservoir.length < options.sample) reservoir.push(s);
      else {
        const j = Math.floor(random() * seen);
        if (j < options.sample) reservoir[j] = s;
      }
    }
  }
  for (let i = 0; i < reservoir.length; i += READ_CHUNK) {
    await compare(ctx.online, table, reservoir.slice(i, i + READ_CHUNK), result, examples, options.maxExamples ?? 10);
  }
  return result;
}

async function compare(online: OnlineStore, table: OnlineTable, rows: Sampled[], result: ViewValidation, examples: Discrepancy[], maxExamples: number): Promise<void> {
  if (rows.length === 0) return;
  const [read] = await online.read([{ table, features: table.features, entityKeys: rows.map((r) => r.key) }]);
  rows.forEach((row, i) => {
    result.entities++;
    const found = read.eventTimes[i] !== undefined;
    if (!found) result.missing++;
    table.features.forEach((feature, f) => {
      result.values++;
      const expected = row.values[f];
      const actual = read.values.get(i, f);
      if (actual !== undefined && Buffer.compare(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength), Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength)) === 0) return;
      result.mismatches++;
      if (examples.length < maxExamples) {
        examples.push({
          view: table.name, entity: row.entity, feature,
          offline: decodeValue(expected), online: actual === undefined ? "missing" : decodeValue(actual),
        });
      }
    });
  });
}

function entityOf(view: FeatureViewInfo, batch: PulledBatch, i: number): Record<string, OnlineValue> {
  // Stores send a column per real join key, or one per key including Feast's dummy.
  const withDummy = batch.joinKeyColumns.length === view.joinKeys.length;
  const out: Record<string, OnlineValue> = {};
  let real = 0;
  view.joinKeys.forEach((k, j) => {
    if (k.name === DUMMY_ENTITY_ID) return;
    out[k.name] = batch.joinKeyColumns[withDummy ? j : real++][i] as OnlineValue;
  });
  return out;
}

/** The report as the CLI prints it. */
export function renderValidation(report: ValidationReport): string {
  const lines: string[] = [];
  for (const v of report.views) {
    if (v.skipped) {
      lines.push(`${v.view}: not checked (${v.skipped})`);
      continue;
    }
    const asOf = v.asOf!.toISOString().replace(".000Z", "Z");
    const missing = v.missing ? `, ${v.missing.toLocaleString("en-US")} entities missing online` : "";
    lines.push(`${v.view} (as of ${asOf}): ${v.entities.toLocaleString("en-US")} entities, ${v.values.toLocaleString("en-US")} values, ${v.mismatches.toLocaleString("en-US")} differ${missing}`);
  }
  for (const e of report.examples) {
    const entity = Object.entries(e.entity).map(([k, v]) => `${k}=${show(v)}`).join(", ");
    lines.push(`  ${e.view}[${entity}].${e.feature}: offline ${show(e.offline)}, online ${e.online === "missing" ? "missing" : show(e.online)}`);
  }
  lines.push(`Discrepancy rate: ${(report.rate * 100).toFixed(report.rate === 0 ? 0 : 4)}% (${report.mismatches.toLocaleString("en-US")} of ${report.values.toLocaleString("en-US")} values)`);
  return lines.join("\n");
}

function show(v: OnlineValue): string {
  if (typeof v === "bigint") return `${v}`;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `${x}` : x));
}
