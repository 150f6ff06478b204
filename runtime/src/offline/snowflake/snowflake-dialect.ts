import type { Dtype, ScalarDtype } from "../../definitions/dtypes";
import { InvalidArgumentError } from "../../errors";
import type { SourceLocation } from "../source-relation";
import type { SqlDialect } from "../sql/dialect";

const SCALAR_TYPES: Record<ScalarDtype, string> = {
  Int32: "NUMBER(38, 0)", Int64: "NUMBER(38, 0)", Float32: "FLOAT", Float64: "FLOAT", String: "VARCHAR",
  Bool: "BOOLEAN", Bytes: "BINARY", UnixTimestamp: "TIMESTAMP_TZ",
};

/** The Snowflake type a dtype is stored as (arrays are semi-structured `ARRAY`). */
export function snowflakeType(dtype: Dtype): string {
  return dtype.startsWith("Array(") ? "ARRAY" : SCALAR_TYPES[dtype as ScalarDtype];
}

const HEX = "'0123456789abcdef'";

/**
 * Snowflake's spelling, run by `SnowflakeOfflineStore`. Timestamps are `TIMESTAMP_TZ` (sessions run
 * in UTC, so naive `TIMESTAMP_NTZ` columns read as UTC). Snowflake has an ASOF join, but its
 * `MATCH_CONDITION` takes one comparison of one column, not the (event, created, tie) order the
 * plans need, so point-in-time plans use the portable window-function form.
 */
export class SnowflakeDialect implements SqlDialect {
  readonly name = "snowflake";

  quoteIdentifier(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  /** Snowflake reads backslash escapes in single-quoted strings, so both are escaped. */
  stringLiteral(value: string): string {
    return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
  }

  timestampLiteral(value: Date): string {
    return `TO_TIMESTAMP_TZ(${BigInt(value.getTime()) * 1000n}, 6)`;
  }

  subtractSeconds(expr: string, seconds: number): string {
    return `DATEADD(second, ${-Math.trunc(seconds)}, ${expr})`;
  }

  toTimestamp(expr: string): string {
    return `CAST(${expr} AS TIMESTAMP_TZ)`;
  }

  castTo(expr: string, dtype: Dtype): string {
    return `CAST(${expr} AS ${snowflakeType(dtype)})`;
  }

  epochMicros(expr: string): string {
    return `DATE_PART(epoch_microsecond, ${expr})`;
  }

  floorDiv(dividend: string, divisor: string): string {
    return `FLOOR(${dividend} / ${divisor})`;
  }

  lastValue(value: string, order: readonly string[], condition: string): string {
    // ARRAY_AGG skips nulls; element 0 is a VARIANT, cast back by the caller's column type.
    return `(ARRAY_AGG(IFF(${condition}, ${value}, NULL)) WITHIN GROUP (ORDER BY ${order.join(", ")}))[0]`;
  }

  nanAsNull(expr: string): string {
    // Snowflake (unlike IEEE) has NaN equal to itself.
    return `IFF(${expr} = 'NaN'::FLOAT, NULL, ${expr})`;
  }

  portableText(expr: string, dtype: Dtype): string {
    if (dtype.startsWith("Array(")) return `TO_JSON(${expr})`;
    switch (dtype) {
      case "Float32":
      case "Float64":
        return printf17g(this.nanAsNull(expr));
      case "Bool":
        return `CASE WHEN ${expr} THEN '1' WHEN NOT ${expr} THEN '0' END`;
      case "Bytes":
        return `LOWER(HEX_ENCODE(${expr}))`;
      case "UnixTimestamp":
        return `CAST(DATE_PART(epoch_microsecond, CAST(${expr} AS TIMESTAMP_TZ)) AS VARCHAR)`;
      default:
        return `CAST(${expr} AS VARCHAR)`;
    }
  }

  /** Whole-number arithmetic on the hex digits: exact, where a float or a 64-bit cast would not be. */
  md5Prefix(expr: string): string {
    const digits = Array.from({ length: 15 }, (_, i) => {
      const weight = 16n ** BigInt(14 - i);
      return `(POSITION(SUBSTR(MD5(${expr}), ${i + 1}, 1) IN ${HEX}) - 1) * ${weight}`;
    });
    return `CAST(${digits.join(" + ")} AS NUMBER(38, 0))`;
  }

  relation(location: SourceLocation): string {
    switch (location.kind) {
      case "table":
        return location.parts ? location.parts.map((p) => this.quoteIdentifier(p)).join(".") : location.table;
      case "query":
        return `(${location.query})`;
      case "file":
        throw new InvalidArgumentError(`Snowflake cannot read the file ${location.path}`, "load it into a table, or use the DuckDB offline store");
    }
  }
}

/**
 * C's `%.17g` of a FLOAT, which the other engines spell with printf: 17 significant digits,
 * trailing zeros dropped, fixed notation for exponents -4 to 16, else `d.ddde+XX`. Snowflake has no
 * printf; the digits are `ROUND(|x| * 10^(16 - e))`, computed in floating point, which equals
 * printf's digits when that product is exact (values with up to 15 or so significant digits, such
 * as 0.25 or 1234.5) and may differ in the last digit otherwise (0.1 gives `0.1` where printf
 * gives `0.10000000000000001`). Only the tie-break among exact ties reads it.
 */
function printf17g(x: string): string {
  const e = `CAST(FLOOR(LOG(10, ABS(${x}))) AS INTEGER)`;
  const scaled = `IFF(${e} <= 16, ABS(${x}) * POWER(10, 16 - ${e}), ABS(${x}) / POWER(10, ${e} - 16))`;
  const digits = `CAST(CAST(ROUND(${scaled}) AS NUMBER(38, 0)) AS VARCHAR)`;
  const stripped = `REGEXP_REPLACE(${digits}, '0+$', '')`;
  const fraction = (from: string) => `IFF(LENGTH(${stripped}) >= ${from}, '.' || SUBSTR(${stripped}, ${from}), '')`;
  const fixed = `CASE WHEN ${e} >= 0 THEN SUBSTR(${digits}, 1, ${e} + 1) || ${fraction(`${e} + 2`)}` +
    ` ELSE '0.' || REPEAT('0', -${e} - 1) || ${stripped} END`;
  const exponent = `SUBSTR(${stripped}, 1, 1) || ${fraction("2")} || 'e' || IFF(${e} < 0, '-', '+') || IFF(ABS(${e}) < 10, '0', '') || CAST(ABS(${e}) AS VARCHAR)`;
  return `CASE WHEN ${x} IS NULL THEN NULL WHEN ${x} = 0 THEN '0' ELSE IFF(${x} < 0, '-', '') || ` +
    `CASE WHEN ${e} BETWEEN -4 AND 16 THEN ${fixed} ELSE ${exponent} END END`;
}
