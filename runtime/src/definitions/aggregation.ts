import { parseDuration, type DurationInput } from "../duration";
import { DefinitionError, SkewlessError } from "../errors";
import { checkName } from "./definition";

/** The functions a windowed aggregation can apply (Tecton's and Feast's names). */
export const AGGREGATION_FUNCTIONS = ["sum", "count", "mean", "min", "max", "last"] as const;
export type AggregationFunction = (typeof AGGREGATION_FUNCTIONS)[number];

export interface AggregationOptions {
  /** The event column aggregated (a field of the view's schema). */
  column: string;
  function: AggregationFunction;
  /** The window: `"1h"`, `"1d"`, `"7d"`, seconds. */
  timeWindow: DurationInput;
  /**
   * The tile size: online state is kept per slide interval, and a window ends at the end of the
   * tile holding the point in time. Default: the window / 60 (a minute for 1h). Must divide the window.
   */
  slideInterval?: DurationInput;
  /** The feature's name; default `<column>_<function>_<window>`, e.g. `amount_sum_1h`. */
  name?: string;
}

/** One windowed aggregation of a stream feature view. */
export class Aggregation {
  readonly column: string;
  readonly function: AggregationFunction;
  readonly windowSeconds: number;
  readonly slideSeconds: number;
  readonly name: string;

  constructor(options: AggregationOptions, owner: string) {
    const what = `${owner}: aggregation`;
    this.column = checkName(`${what} column`, options?.column);
    if (!AGGREGATION_FUNCTIONS.includes(options.function)) {
      throw new DefinitionError(`${what} of ${this.column} has function ${JSON.stringify(options.function)}`, `use one of ${AGGREGATION_FUNCTIONS.join(", ")}`);
    }
    this.function = options.function;
    try {
      this.windowSeconds = parseDuration(options.timeWindow, `${what} of ${this.column}: timeWindow`);
      this.slideSeconds = options.slideInterval === undefined
        ? Math.max(1, Math.floor(this.windowSeconds / 60))
        : parseDuration(options.slideInterval, `${what} of ${this.column}: slideInterval`);
    } catch (e) {
      throw e instanceof SkewlessError ? new DefinitionError(e.message, e.hint) : e;
    }
    if (this.windowSeconds <= 0) throw new DefinitionError(`${what} of ${this.column}: timeWindow must be positive`);
    if (this.slideSeconds <= 0 || this.windowSeconds % this.slideSeconds !== 0) {
      throw new DefinitionError(`${what} of ${this.column}: slideInterval ${this.slideSeconds}s does not divide timeWindow ${this.windowSeconds}s`, "pick a slide that divides the window (1h: 1m, 5m, 15m)");
    }
    this.name = checkName(`${what} name`, options.name ?? `${this.column}_${this.function}_${windowLabel(this.windowSeconds)}`);
  }
}

/** `1h`, `1d`, `7d`, `90s`: the window in the default feature name. */
export function windowLabel(seconds: number): string {
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60]] as const) if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}
