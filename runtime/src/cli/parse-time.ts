import { InvalidArgumentError } from "../errors";

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An ISO 8601 time with `Z` or an offset (`2024-05-01T00:00:00Z`, `2024-05-01T02:00:00+02:00`).
 * A time without a zone is refused rather than guessed.
 */
export function parseTime(text: string, what: string): Date {
  const match = ISO.exec(text.trim());
  if (!match) {
    const hint = /^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$/.test(text.trim())
      ? `add a zone: ${text.includes("T") ? text : `${text}T00:00:00`}Z for UTC, or an offset such as +02:00`
      : "write it as 2024-05-01T00:00:00Z or 2024-05-01T02:00:00+02:00";
    throw new InvalidArgumentError(`${what} ${JSON.stringify(text)} is not an ISO 8601 time with a zone`, hint);
  }
  const date = new Date(text.trim().replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  const [, , mo, d, h, mi, s] = match.map(Number);
  if (Number.isNaN(date.getTime()) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || (s || 0) > 59) {
    throw new InvalidArgumentError(`${what} ${JSON.stringify(text)} is not a valid time`);
  }
  return date;
}

/** `a,b` → ["a", "b"]; undefined stays undefined. */
export function parseList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  return items.length ? items : undefined;
}

/** A whole, non-negative number of seconds given to a flag. */
export function parseSeconds(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError(`${what} ${JSON.stringify(text)} is not a whole number of seconds`);
  return Number(text.trim());
}
