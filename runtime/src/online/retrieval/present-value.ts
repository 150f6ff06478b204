import { ValueType } from "../../definitions/dtypes";
import type { DecodeOptions, OnlineValue } from "../value-decoder";

/** A canonical output as the caller asked values back (numbers while exact, epoch seconds for the HTTP server). */
export function presentValue(value: unknown, valueType: number, decode: DecodeOptions): OnlineValue {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map((v) => presentValue(v, valueType === ValueType.INT64_LIST ? ValueType.INT64 : valueType === ValueType.UNIX_TIMESTAMP_LIST ? ValueType.UNIX_TIMESTAMP : 0, decode)) as OnlineValue;
  if (typeof value === "bigint" && decode.int64 !== "bigint" && value >= -(2n ** 53n) + 1n && value <= 2n ** 53n - 1n) return Number(value);
  if (value instanceof Date && decode.timestamps === "seconds") return Math.floor(value.getTime() / 1000);
  return value as OnlineValue;
}
