import { formatDuration, parseDuration } from "../duration";
import { InvalidArgumentError } from "../errors";
import { lastMaterializedEnd } from "../materialize/intervals";
import type { RegistryCatalog } from "../registry/catalog";

/** The view tag that states how often a view is materialized (e.g. `"1h"`), when `--interval` is not given. */
export const INTERVAL_TAG = "materialization_interval";

export interface ViewFreshness {
  view: string;
  /** End of the last materialized interval; undefined when never materialized. */
  lastEnd?: Date;
  /** `now - lastEnd`, in seconds. */
  lagSeconds?: number;
  /** The schedule interval the lag is held to, in seconds (undefined: not known). */
  intervalSeconds?: number;
  /** True when never materialized, or lagging more than the interval. */
  stale: boolean;
}

export interface FreshnessOptions {
  featureViews?: readonly string[];
  /** The schedule interval for every view; otherwise each view's `materialization_interval` tag. */
  interval?: string | number;
  now?: Date;
}

/** Per online view: when it was last materialized up to, how far behind that is, and whether that is too far. */
export function checkFreshness(catalog: RegistryCatalog, options: FreshnessOptions = {}): ViewFreshness[] {
  const now = (options.now ?? new Date()).getTime();
  const shared = options.interval !== undefined ? parseDuration(options.interval, "--interval") : undefined;
  const views = options.featureViews?.length ? options.featureViews.map((n) => catalog.featureView(n)) : catalog.featureViews().filter((v) => v.online);
  return views.map((view) => {
    const tag = view.tags[INTERVAL_TAG];
    let interval = shared;
    if (interval === undefined && tag !== undefined) {
      try {
        interval = parseDuration(tag, `feature view ${view.name}: tag ${INTERVAL_TAG}`);
      } catch (e) {
        throw new InvalidArgumentError((e as Error).message, `write the tag as a duration, e.g. ${INTERVAL_TAG}: "1h"`);
      }
    }
    const lastEnd = lastMaterializedEnd(view);
    const lagSeconds = lastEnd ? Math.max(0, (now - lastEnd.getTime()) / 1000) : undefined;
    const stale = lagSeconds === undefined || (interval !== undefined && lagSeconds > interval);
    return { view: view.name, lastEnd, lagSeconds, intervalSeconds: interval, stale };
  });
}

/** A table of the results, one view a line. */
export function renderFreshness(rows: readonly ViewFreshness[]): string {
  const table = [["feature view", "materialized up to", "lag", "interval", "status"]];
  for (const r of rows) {
    table.push([
      r.view,
      r.lastEnd ? r.lastEnd.toISOString().replace(".000Z", "Z") : "never",
      r.lagSeconds !== undefined ? formatDuration(Math.round(r.lagSeconds)) : "-",
      r.intervalSeconds !== undefined ? formatDuration(r.intervalSeconds) : "unknown",
      r.lastEnd === undefined ? "NEVER MATERIALIZED" : r.stale ? "STALE" : r.intervalSeconds === undefined ? "ok (no interval to check)" : "ok",
    ]);
  }
  const widths = table[0].map((_h, c) => Math.max(...table.map((row) => row[c].length)));
  return table.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ")).join("\n");
}
