import { formatDuration } from "../duration";
import type { FeatureViewInfo } from "../registry/catalog";

type Row = Record<string, unknown>;

/** A value as a person reads it: times in UTC to the minute (seconds when present), floats to 3 places. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof Date) {
    const iso = value.toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, iso.slice(17, 19) === "00" && value.getUTCMilliseconds() === 0 ? 16 : 19)}Z`;
  }
  if (typeof value === "number" && !Number.isInteger(value)) return String(Math.round(value * 1000) / 1000);
  return String(value);
}

/** A plain text table with a header row. */
export function renderTable(rows: readonly Row[], columns: readonly string[]): string {
  const cells = [columns.slice(), ...rows.map((r) => columns.map((c) => formatValue(r[c])))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd();
  return [line(cells[0]), line(widths.map((w) => "-".repeat(w))), ...cells.slice(1).map(line)].join("\n");
}

/**
 * One line per entity row and view saying which source row the values came from (its event and
 * created timestamps, how long before the entity time) or why there is none (nothing in the TTL
 * window). Rows need the `<view>__event_timestamp` columns of `includeSourceTimestamps`.
 */
export function explainTrainingSet(rows: readonly Row[], views: readonly FeatureViewInfo[]): string[] {
  const lines: string[] = [];
  rows.forEach((row, i) => {
    const at = row.event_timestamp as Date;
    const keys = Object.keys(row).filter((k) => views.some((v) => v.joinKeys.some((j) => j.name === k)));
    const note = typeof row.note === "string" ? ` (${row.note})` : "";
    lines.push(`row ${i + 1}: ${keys.map((k) => `${k}=${formatValue(row[k])}`).join(", ")} at ${formatValue(at)}${note}`);
    for (const view of views) {
      const features = view.features.filter((f) => f.name in row);
      if (features.length === 0) continue;
      const values = features.map((f) => `${f.name}=${formatValue(row[f.name])}`).join(", ");
      const ttl = view.ttlSeconds > 0 ? `ttl ${formatDuration(view.ttlSeconds)}` : "no ttl";
      const chosen = row[`${view.name}__event_timestamp`];
      if (chosen instanceof Date) {
        const created = row[`${view.name}__created_timestamp`];
        const createdText = created instanceof Date ? `, created ${formatValue(created)}` : "";
        lines.push(`  ${view.name}: ${values}\n    <- its row at ${formatValue(chosen)}${createdText}: ${ago(at.getTime() - chosen.getTime())} before, inside the ${ttl}`);
      } else {
        const window = view.ttlSeconds > 0
          ? `between ${formatValue(new Date(at.getTime() - view.ttlSeconds * 1000))} and ${formatValue(at)} (${ttl})`
          : `at or before ${formatValue(at)}`;
        lines.push(`  ${view.name}: ${values}\n    <- no row for this key ${window}`);
      }
    }
  });
  return lines;
}

function ago(ms: number): string {
  if (ms === 0) return "0s (exactly at the entity time)";
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h ? `${h}h` : "", m ? `${m}m` : "", s ? `${s}s` : ""].join("") || "0s";
}
