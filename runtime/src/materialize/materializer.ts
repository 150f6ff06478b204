import type { RepoConfig } from "../config";
import { InvalidArgumentError } from "../errors";
import type { OfflineStore, PulledBatch } from "../offline/offline-store";
import { rebuildTiles, tileAlignedStart } from "../online/aggregation/tile-store";
import { onlineTable } from "../online/open-online-store";
import type { OnlineRow, OnlineStore, WriteResult } from "../online/online-store";
import type { FeatureViewInfo, RegistryCatalog } from "../registry/catalog";
import type { Registry } from "../registry/registry";
import { BatchEncoder } from "./batch-encoder";
import { incrementalStart } from "./intervals";
import { silentProgress, type MaterializeProgress } from "./progress";

export interface MaterializeOptions {
  /** View names (default: every online view of the project). */
  featureViews?: readonly string[];
  progress?: MaterializeProgress;
  /** Rows per batch pulled from the offline store (default: what the online store prefers, else 10,000): bounds memory. */
  batchRows?: number;
  /**
   * `materializeIncremental` refuses an end later than now plus this many seconds (default 300,
   * for clocks that disagree a little): the end is recorded, and every later run starts from it.
   */
  maxFutureSeconds?: number;
}

/** How far past now an incremental run may end, by default. */
export const DEFAULT_MAX_FUTURE_SECONDS = 300;

export interface ViewMaterialization {
  view: string;
  start: Date;
  end: Date;
  /** Rows pulled from the offline store (the latest row per entity in the window). */
  rows: number;
  written: number;
  /** Rows the online store kept its newer value for (it never replaces a row with an older one). */
  skipped: number;
  seconds: number;
}

export interface MaterializeResult {
  views: ViewMaterialization[];
}

/** What a run needs: where to read, where to write, where to record. */
export interface MaterializeContext {
  config: RepoConfig;
  registry: Registry;
  catalog: RegistryCatalog;
  offline: OfflineStore;
  online: OnlineStore;
}

interface Job {
  view: FeatureViewInfo;
  start: Date;
  end: Date;
}

const DEFAULT_BATCH_ROWS = 10_000;
const MAX_WRITES_IN_FLIGHT = 2;

/** Feast's `materialize(start, end)`: every chosen view over the same window. */
export async function materialize(ctx: MaterializeContext, start: Date, end: Date, options: MaterializeOptions = {}): Promise<MaterializeResult> {
  checkDate(start, "start");
  checkDate(end, "end");
  if (start.getTime() >= end.getTime()) {
    throw new InvalidArgumentError(`materialize: start ${start.toISOString()} is not before end ${end.toISOString()}`);
  }
  const jobs = selectViews(ctx.catalog, options.featureViews, options.progress ?? silentProgress).map((view) => ({ view, start, end }));
  return run(ctx, jobs, options);
}

/**
 * Feast's `materialize_incremental(end)`: each view from where its last run ended (or `now - ttl`,
 * or 52 weeks back without a ttl) to `end`. Views already materialized past `end` are skipped.
 * An `end` in the future is refused: recorded, it would make every later run "nothing to do" and
 * hide the lag from `freshness` until that time.
 */
export async function materializeIncremental(ctx: MaterializeContext, end: Date, options: MaterializeOptions = {}, now = new Date()): Promise<MaterializeResult> {
  checkDate(end, "end");
  checkNotFuture(end, now, options.maxFutureSeconds ?? DEFAULT_MAX_FUTURE_SECONDS);
  const progress = options.progress ?? silentProgress;
  const jobs: Job[] = [];
  for (const view of selectViews(ctx.catalog, options.featureViews, progress)) {
    const start = incrementalStart(view, now);
    if (start.getTime() >= end.getTime()) {
      progress.viewSkipped(view.name, `already materialized up to ${start.toISOString()}, nothing to do before ${end.toISOString()}`);
      continue;
    }
    jobs.push({ view, start, end });
  }
  return run(ctx, jobs, options);
}

async function run(ctx: MaterializeContext, jobs: Job[], options: MaterializeOptions): Promise<MaterializeResult> {
  const progress = options.progress ?? silentProgress;
  progress.begin({ views: jobs.map((j) => ({ name: j.view.name, start: j.start, end: j.end })), onlineStore: ctx.online.type });
  const done: ViewMaterialization[] = [];
  for (const job of jobs) done.push(await materializeView(ctx, job, options.batchRows ?? ctx.online.preferredBatchRows ?? DEFAULT_BATCH_ROWS, progress));
  // Record only once every view is written: a failed or killed run records nothing, and since
  // writes are idempotent, running it again is always safe.
  if (done.length > 0) {
    await ctx.registry.update((model) => {
      for (const d of done) model.recordMaterialization(ctx.config.project, d.view, d.start, d.end);
    });
  }
  progress.end();
  return { views: done };
}

async function materializeView(ctx: MaterializeContext, job: Job, batchRows: number, progress: MaterializeProgress): Promise<ViewMaterialization> {
  const { view, start, end } = job;
  const began = Date.now();
  progress.viewStart(view.name, start, end);
  if (view.aggregations) {
    const result = await backfillTiles(ctx, job, batchRows);
    const summary = { ...result, seconds: (Date.now() - began) / 1000 };
    progress.viewDone(view.name, summary);
    return { view: view.name, start, end, ...summary };
  }
  const encoder = new BatchEncoder(view, ctx.config.entityKeySerializationVersion);
  const table = onlineTable(view);
  let rows = 0;
  let written = 0;
  let skipped = 0;
  // Up to two batches are being written while the next is read and encoded: the server works on
  // one while the client sends the other, and memory stays bounded by a few batches.
  const inFlight: Promise<WriteResult>[] = [];
  const bulk = ctx.online.bulkWrite ? await ctx.online.bulkWrite(table) : undefined;
  const write = (rows: OnlineRow[]) => (bulk ? bulk.write(rows) : ctx.online.write(table, rows));
  const settleOldest = async () => {
    const result = await inFlight.shift()!;
    written += result.written;
    skipped += result.skipped;
  };
  try {
    for await (const batch of ctx.offline.pullLatest(view, start, end, { batchRows })) {
      const encoded = encoder.encode(batch);
      while (inFlight.length >= MAX_WRITES_IN_FLIGHT) await settleOldest();
      rows += batch.rowCount;
      const pending = write(encoded);
      // Handled from the start: a later write can fail while an earlier one is awaited, and an
      // unobserved rejection would end the process with the error dumped raw.
      pending.catch(() => undefined);
      inFlight.push(pending);
      progress.rows(view.name, rows, totalOf(batch));
    }
    while (inFlight.length > 0) await settleOldest();
    if (bulk) {
      const stored = await bulk.commit();
      skipped += written - stored;
      written = stored;
    }
  } catch (e) {
    // a failed read or write must not leave other writes unobserved (an unhandled rejection)
    await Promise.allSettled(inFlight);
    await bulk?.abort().catch(() => undefined);
    throw e;
  }
  const summary = { rows, written, skipped, seconds: (Date.now() - began) / 1000 };
  progress.viewDone(view.name, summary);
  return { view: view.name, start, end, ...summary };
}

/**
 * A stream view's aggregations are kept online as tiles, not as latest rows: its materialization
 * reads every event of the interval from the batch source (from the start of the tile holding
 * `start`) and sets the tiles the interval reaches to what those events give.
 */
async function backfillTiles(ctx: MaterializeContext, { view, start, end }: Job, batchRows: number): Promise<{ rows: number; written: number; skipped: number }> {
  const log: FeatureViewInfo = { ...view, features: view.inputColumns ?? [], aggregations: undefined };
  const events = ctx.offline.pullLatest(log, tileAlignedStart(view, start), end, { batchRows, allRows: true });
  return rebuildTiles(ctx.online, view, events, start, end, ctx.config.entityKeySerializationVersion);
}

/**
 * The views a run covers: the named ones (each must exist and be online), or every online view
 * but those with aggregations: a backfill replaces the interval's tiles with the batch source's
 * events, dropping streamed events the batch source lacks, so it runs only when asked for by name.
 */
function selectViews(catalog: RegistryCatalog, names: readonly string[] | undefined, progress: MaterializeProgress): FeatureViewInfo[] {
  if (!names || names.length === 0) {
    const views = catalog.featureViews().filter((v) => v.online);
    for (const v of views.filter((v) => v.aggregations)) {
      progress.viewSkipped(v.name, `windowed aggregations: its tiles are built from the batch source only when the view is named (--views ${v.name})`);
    }
    return views.filter((v) => !v.aggregations);
  }
  return names.map((name) => {
    const view = catalog.featureView(name);
    if (!view.online) {
      throw new InvalidArgumentError(`feature view ${name} is not online, so it cannot be materialized`, "set online: true on the view and apply");
    }
    return view;
  });
}

/** Offline stores may say how many rows the whole pull has (for the ETA). */
function totalOf(batch: PulledBatch): number | undefined {
  return batch.totalRows;
}

function checkDate(date: Date, what: string): void {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(`materialize: ${what} is not a valid date`, "pass a Date, or an ISO 8601 time such as 2024-05-01T00:00:00Z");
  }
}

function checkNotFuture(end: Date, now: Date, allowanceSeconds: number): void {
  if (!Number.isFinite(allowanceSeconds) || allowanceSeconds < 0) {
    throw new InvalidArgumentError(`materialize-incremental: maxFutureSeconds must be a number of seconds >= 0, not ${allowanceSeconds}`);
  }
  const ahead = (end.getTime() - now.getTime()) / 1000;
  if (ahead <= allowanceSeconds) return;
  throw new InvalidArgumentError(
    `materialize-incremental: end ${end.toISOString()} is ${describeSeconds(ahead)} in the future (now is ${now.toISOString()}); ` +
      "it would be recorded as materialized, so later runs would skip data that arrives until then",
    `pass an end no later than now (+${allowanceSeconds}s allowed for clock differences), or raise the allowance (--max-future SECONDS, maxFutureSeconds)`,
  );
}

function describeSeconds(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} minutes`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} hours`;
  return `${Math.round(seconds / 86_400)} days`;
}
