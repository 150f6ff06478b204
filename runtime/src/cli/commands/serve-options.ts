import type { Command } from "commander";
import { formatDuration, parseDuration } from "../../duration";
import { InvalidArgumentError } from "../../errors";
import { DEFAULT_FUTURE_SKEW_SECONDS } from "../../server/future-events";
import { DEFAULT_LIMITS, type ServerLimits } from "../../server/limits";

/** `skewless serve`'s limit flags, as commander hands them over. */
export interface ServeLimitFlags {
  maxBodyBytes: string;
  maxEntities: string;
  maxFeatureValues: string;
  requestTimeout: string;
  maxConnections: string;
  pushTimeSkew: string;
}

/** Adds the limit flags, each defaulting to the server's default. */
export function addLimitOptions(command: Command): Command {
  return command
    .option("--max-body-bytes <bytes>", "largest request body (413 past it)", String(DEFAULT_LIMITS.maxBodyBytes))
    .option("--max-entities <n>", "most entity rows per /get-online-features, rows per /push (413 past it)", String(DEFAULT_LIMITS.maxEntities))
    .option("--max-feature-values <n>", "most features x entities per /get-online-features (413 past it)", String(DEFAULT_LIMITS.maxFeatureValues))
    .option("--request-timeout <duration>", "time to receive and answer a request (408 / 503 past it; /materialize is exempt)", formatDuration(DEFAULT_LIMITS.requestTimeoutSeconds))
    .option("--max-connections <n>", "most open connections (more are answered 503)", String(DEFAULT_LIMITS.maxConnections))
    .option("--push-time-skew <duration>", "how far past the server's clock a pushed event time may be; later rows are refused with 422", formatDuration(DEFAULT_FUTURE_SKEW_SECONDS));
}

/** The flags as server options; a value that is not a positive number names its flag. */
export function limitsFrom(flags: ServeLimitFlags): { limits: ServerLimits; pushFutureSkewSeconds: number } {
  const count = (value: string, flag: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive whole number, got ${JSON.stringify(value)}`);
    return n;
  };
  const timeout = parseDuration(flags.requestTimeout, "--request-timeout");
  if (timeout <= 0) throw new InvalidArgumentError("--request-timeout must be longer than 0s");
  return {
    limits: {
      maxBodyBytes: count(flags.maxBodyBytes, "--max-body-bytes"),
      maxEntities: count(flags.maxEntities, "--max-entities"),
      maxFeatureValues: count(flags.maxFeatureValues, "--max-feature-values"),
      requestTimeoutSeconds: timeout,
      maxConnections: count(flags.maxConnections, "--max-connections"),
    },
    pushFutureSkewSeconds: parseDuration(flags.pushTimeSkew, "--push-time-skew"),
  };
}
