import type { Dtype } from "../../definitions/dtypes";
import type { SourceLocation } from "../source-relation";

/** What an ASOF join clause needs: the right side, and which columns pair up. */
export interface AsofJoinParts {
  /** The right relation (a CTE name, already quoted) and its alias (quoted). */
  right: string;
  rightAlias: string;
  leftAlias: string;
  /** Equality conditions: [left column, right column] expressions, already qualified. */
  keys: [string, string][];
  leftTimestamp: string;
  rightTimestamp: string;
  /** The right side's created timestamp, when ties between equal event timestamps must be broken. */
  rightCreated?: string;
  /** The right side's tie-break hash: the last key of the total order (see `latestFirst`). */
  rightTie: string;
}

/**
 * How one SQL engine spells what the point-in-time and latest-row plans need. The plans are
 * compiled once (`compile-*.ts`); a dialect only answers spelling questions, so adding an engine
 * means adding a folder with a dialect, not editing the compiler.
 */
export interface SqlDialect {
  readonly name: string;
  quoteIdentifier(name: string): string;
  stringLiteral(value: string): string;
  /** A literal of the dialect's UTC timestamp type. */
  timestampLiteral(value: Date): string;
  /** `expr` minus a whole number of seconds. */
  subtractSeconds(expr: string, seconds: number): string;
  /** Converts a stored timestamp (naive = UTC, date, other unit) to the dialect's UTC timestamp type. */
  toTimestamp(expr: string): string;
  /** Casts a stored value to the type a dtype declares (used when the stored type is narrower). */
  castTo(expr: string, dtype: Dtype): string;
  /**
   * `expr` with NaN as null. Feast stores a NaN float as null online (pandas' isnull) and its
   * offline results hold them as null too, so training data gets null where serving does.
   */
  nanAsNull(expr: string): string;
  /**
   * A deterministic hash of these (quoted) columns' values, comparable with `>`: the row's
   * tie-break, the same for the same values in every query and every run (0 for no columns).
   */
  rowHash(columns: readonly string[]): string;
  /** A UTC timestamp as whole microseconds since the epoch (an integer). */
  epochMicros(expr: string): string;
  /** Integer division rounding down, of non-negative integers. */
  floorDiv(dividend: string, divisor: string): string;
  /**
   * The aggregate: `value` of the row first in `order` (already-spelled `expr DESC` terms) among
   * rows where `condition` holds and `value` is not null; null when there is none.
   */
  lastValue(value: string, order: readonly string[], condition: string): string;
  /** The FROM-clause spelling of a source. */
  relation(location: SourceLocation): string;
  /**
   * The (inner) ASOF join clause matching, per left row, the right row with the greatest event timestamp
   * at or before the left timestamp, in `latestFirst`'s total order. Absent when the engine
   * has no ASOF join; plans then use the portable window-function form.
   */
  asofJoin?(parts: AsofJoinParts): string;
}

/** Joins quoted names with dots: `"a"."b"`. */
export function qualified(dialect: SqlDialect, ...names: string[]): string {
  return names.map((n) => dialect.quoteIdentifier(n)).join(".");
}
