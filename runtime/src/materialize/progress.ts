/** What a materialization run reports while it works. */
export interface MaterializeProgress {
  /** Before anything is read. */
  begin(plan: { views: { name: string; start: Date; end: Date }[]; onlineStore: string }): void;
  viewStart(view: string, start: Date, end: Date): void;
  /** After each written batch: rows so far, and the total when the offline store knows it. */
  rows(view: string, done: number, total?: number): void;
  viewDone(view: string, summary: { rows: number; written: number; skipped: number; seconds: number }): void;
  /** A view that had nothing to do (incremental run already past `end`). */
  viewSkipped(view: string, reason: string): void;
  end(): void;
}

/** Where progress goes: a stream-like writer and whether it is a terminal. */
export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const iso = (d: Date) => d.toISOString().replace(".000Z", "Z");

function seconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/**
 * A progress bar on a terminal (rows, rate, ETA per view), redrawn at most 10 times a second;
 * plain log lines otherwise (at most one every 5 seconds per view, and one when a view is done).
 */
export function progressReporter(sink: ProgressSink, now: () => number = Date.now): MaterializeProgress {
  let viewStarted = 0;
  let lastDraw = 0;
  let drawn = false;
  const line = (done: number, total: number | undefined) => {
    const elapsed = (now() - viewStarted) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = total !== undefined && rate > 0 ? ` ETA ${seconds((total - done) / rate)}` : "";
    const count = total !== undefined ? `${fmt(done)}/${fmt(total)} rows` : `${fmt(done)} rows`;
    return { count, rate: `${fmt(rate)} rows/s`, eta };
  };
  return {
    begin(plan) {
      const n = plan.views.length;
      sink.write(`Materializing ${n} feature view${n === 1 ? "" : "s"} into the ${plan.onlineStore} online store.\n`);
    },
    viewStart(view, start, end) {
      viewStarted = now();
      lastDraw = sink.isTTY ? 0 : viewStarted;
      drawn = false;
      sink.write(`${view} from ${iso(start)} to ${iso(end)}:\n`);
    },
    rows(view, done, total) {
      const t = now();
      if (sink.isTTY) {
        if (t - lastDraw < 100 && !(total !== undefined && done >= total)) return;
        lastDraw = t;
        const { count, rate, eta } = line(done, total);
        const width = 30;
        const filled = total ? Math.min(width, Math.round((done / total) * width)) : 0;
        const bar = total ? `[${"#".repeat(filled)}${".".repeat(width - filled)}] ` : "";
        sink.write(`\r\u001b[2K  ${bar}${count}  ${rate}${eta}`);
        drawn = true;
      } else if (t - lastDraw >= 5000) {
        const { count, rate, eta } = line(done, total);
        sink.write(`  ${view}: ${count} (${rate}${eta})\n`);
        lastDraw = t;
      }
    },
    viewDone(view, s) {
      if (sink.isTTY && drawn) sink.write("\r\u001b[2K");
      const skipped = s.skipped ? `, ${fmt(s.skipped)} skipped as not newer than the stored rows` : "";
      const rate = s.seconds > 0 ? `, ${fmt(s.rows / s.seconds)} rows/s` : "";
      sink.write(`  ${view}: ${fmt(s.written)} rows written in ${s.seconds.toFixed(1)}s${rate}${skipped}\n`);
    },
    viewSkipped(view, reason) {
      sink.write(`${view}: ${reason}\n`);
    },
    end() {
      // each view already printed its summary
    },
  };
}

/** Reports nothing (library calls without a progress option). */
export const silentProgress: MaterializeProgress = {
  begin() {}, viewStart() {}, rows() {}, viewDone() {}, viewSkipped() {}, end() {},
};
