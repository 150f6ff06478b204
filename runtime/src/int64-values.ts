import { Int64PrecisionError } from "./errors";

/**
 * Int64 values as JavaScript numbers, for callers who opt in with `int64: "number"`. Retrieval
 * decodes Int64 as bigint by default, so a column has one type whatever its values; asking for
 * numbers gives numbers or an Int64PrecisionError naming the column and row, never a rounded value
 * nor a column that mixes numbers and bigints.
 */

const MAX_EXACT = 2n ** 53n - 1n;

/** `value` with every bigint in it (lists included) as a number; throws when one is not exact. */
export function int64AsNumber(value: unknown, column: string, row: number): unknown {
  if (typeof value === "bigint") {
    if (value > MAX_EXACT || value < -MAX_EXACT) throw new Int64PrecisionError(column, row, value);
    return Number(value);
  }
  if (Array.isArray(value)) return value.some(holdsBigint) ? value.map((v) => int64AsNumber(v, column, row)) : value;
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, int64AsNumber(v, column, row)]));
  }
  return value;
}

/** Offline rows with every bigint as a number (in place); throws naming the column and row when one is not exact. */
export function rowsWithInt64Numbers(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  rows.forEach((row, i) => {
    for (const column of Object.keys(row)) row[column] = int64AsNumber(row[column], column, i);
  });
  return rows;
}

function holdsBigint(value: unknown): boolean {
  return typeof value === "bigint" || Array.isArray(value) || isPlainObject(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
