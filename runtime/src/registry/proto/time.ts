import type { DurationProto, TimestampProto } from "./types";

/** A `google.protobuf.Timestamp` for a Date (millisecond precision). */
export function timestampFromDate(date: Date): TimestampProto {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

/** The Date of a Timestamp; undefined for an unset one. */
export function timestampToDate(ts: TimestampProto | undefined): Date | undefined {
  if (!ts) return undefined;
  return new Date(Number(ts.seconds ?? 0n) * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000));
}

/** A `google.protobuf.Duration` of whole seconds. */
export function durationFromSeconds(seconds: number): DurationProto {
  return seconds === 0 ? {} : { seconds: BigInt(Math.round(seconds)) };
}

/** Seconds of a Duration (0 for an unset one: Feast's "no ttl"). */
export function durationToSeconds(duration: DurationProto | undefined): number {
  if (!duration) return 0;
  return Number(duration.seconds ?? 0n) + (duration.nanos ?? 0) / 1e9;
}
