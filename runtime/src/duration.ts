import { InvalidArgumentError } from "./errors";

/** A duration as written in definitions: `"90s" "15m" "2h" "1d" "1w"`, combinations (`"1d12h"`), or seconds. */
export type DurationInput = string | number;

const UNIT_SECONDS: Record<string, number> = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 };
const PART = /(\d+(?:\.\d+)?)(w|d|h|m|s)/y;

/** The longest duration a protobuf `Duration` holds (10,000 years), which is how the registry stores it. */
export const MAX_DURATION_SECONDS = 315_576_000_000;

/** Parses a duration into whole seconds; throws on anything else (negative or too long values included). */
export function parseDuration(input: DurationInput, what = "duration"): number {
  const seconds = parseSeconds(input, what);
  if (seconds > MAX_DURATION_SECONDS) {
    throw new InvalidArgumentError(
      `${what} ${typeof input === "number" ? input : JSON.stringify(input)} is longer than the registry can store (at most ${MAX_DURATION_SECONDS.toLocaleString("en-US")} seconds, 10,000 years)`,
      "use 0 for no limit",
    );
  }
  return seconds;
}

function parseSeconds(input: DurationInput, what: string): number {
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input < 0) {
      throw new InvalidArgumentError(`${what} must be a non-negative number of seconds, got ${input}`);
    }
    return Math.round(input);
  }
  const text = String(input).trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (text.startsWith("-")) throw new InvalidArgumentError(`${what} must not be negative, got "${text}"`);
  let seconds = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (!match || match.index !== start) {
      throw new InvalidArgumentError(
        `${what} "${text}" is not a duration`,
        'write it as "90s", "15m", "2h", "1d", "1w", a combination such as "1d12h", or a number of seconds',
      );
    }
    seconds += Number(match[1]) * UNIT_SECONDS[match[2]];
  }
  if (text.length === 0) throw new InvalidArgumentError(`${what} is empty`);
  return Math.round(seconds);
}

/** Formats seconds in the largest exact units: 86400 → "1d", 93600 → "1d2h", 0 → "0s". */
export function formatDuration(totalSeconds: number): string {
  if (totalSeconds === 0) return "0s";
  let rest = Math.round(totalSeconds);
  let out = "";
  for (const [unit, size] of Object.entries(UNIT_SECONDS)) {
    if (unit === "w" && rest % size !== 0) continue;   // "1w" reads well; "1w2d" less than "9d"
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
