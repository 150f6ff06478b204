import { formatDuration } from "../duration";
import { InvalidArgumentError } from "../errors";

/**
 * How far ahead of this machine's clock a pushed event time may be (5 minutes): room for clock
 * skew between producers, not for dates in the future. Online stores keep the newest event time
 * per entity, so a row dated next year would win over every write until next year.
 */
export const DEFAULT_FUTURE_SKEW_SECONDS = 300;

/**
 * Refuses the first event time later than `now + allowanceSeconds`, naming the view, the column
 * and the row, before anything is written.
 */
export function rejectFutureEventTimes(view: string, column: string, times: readonly Date[], allowanceSeconds: number, now = new Date()): void {
  const limit = now.getTime() + allowanceSeconds * 1000;
  const row = times.findIndex((t) => t.getTime() > limit);
  if (row < 0) return;
  const ahead = formatDuration(Math.ceil((times[row].getTime() - now.getTime()) / 1000));
  throw new InvalidArgumentError(
    `push to ${view}: ${column}[${row}] ${times[row].toISOString()} is ${ahead} ahead of the server's clock (allowed: ${formatDuration(allowanceSeconds)}); `
      + "an online store keeps the newest event time, so this row would hide every later write for the entity",
    "send the time the event happened (check the producer's clock and time zone), or raise the allowance (skewless serve --push-time-skew)",
  );
}
