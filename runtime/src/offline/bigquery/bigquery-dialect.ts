import type { Dtype, ScalarDtype } from "../../definitions/dtypes";
import { InvalidArgumentError } from "../../errors";
import type { SourceLocation } from "../source-relation";
import type { SqlDialect } from "../sql/dialect";
import { formatUtc } from "../sql/timestamps";

const SCALAR_TYPES: Record<ScalarDtype, string> = {
  Int32: "INT64", Int64: "INT64", Float32: "FLOAT64", Float64: "FLOAT64", String: "STRING",
  Bool: "BOOL", Bytes: "BYTES", UnixTimestamp: "TIMESTAMP",
};

/**
 * BigQuery's spelling (GoogleSQL). It renders SQL text only: Skewless has no BigQuery client yet.
 * BigQuery has no ASOF join, so point-in-time plans use the portable window-function form.
 */
export class BigQueryDialect implements SqlDialect {
  readonly name = "bigquery";

  quoteIdentifier(name: string): string {
    return `\`${name.replace(/\\/g, "\\\\").replace(/`/g, "\\`")}\``;
  }

  stringLiteral(value: string): string {
    return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  }

  timestampLiteral(value: Date): string {
    return `TIMESTAMP '${formatUtc(value)}'`;
  }

  subtractSeconds(expr: string, seconds: number): string {
    return `TIMESTAMP_SUB(${expr}, INTERVAL ${Math.trunc(seconds)} SECOND)`;
  }

  toTimestamp(expr: string): string {
    return `CAST(${expr} AS TIMESTAMP)`;
  }

  castTo(expr: string, dtype: Dtype): string {
    const array = /^Array\((\w+)\)$/.exec(dtype);
    return `CAST(${expr} AS ${array ? `ARRAY<${SCALAR_TYPES[array[1] as ScalarDtype]}>` : SCALAR_TYPES[dtype as ScalarDtype]})`;
  }

  epochMicros(expr: string): string {
    return `UNIX_MICROS(${expr})`;
  }

  floorDiv(dividend: string, divisor: string): string {
    return `DIV(${dividend}, ${divisor})`;
  }

  lastValue(value: string, order: readonly string[], condition: string): string {
    return `ARRAY_AGG(IF(${condition}, ${value}, NULL) IGNORE NULLS ORDER BY ${order.join(", ")} LIMIT 1)[SAFE_OFFSET(0)]`;
  }

  nanAsNull(expr: string): string {
    return `IF(IS_NAN(${expr}), NULL, ${expr})`;
  }

  /** FARM_FINGERPRINT (INT64, fixed) of the values as JSON: every type has a JSON form. */
  rowHash(columns: readonly string[]): string {
    return columns.length ? `FARM_FINGERPRINT(TO_JSON_STRING(STRUCT(${columns.join(", ")})))` : "0";
  }

  relation(location: SourceLocation): string {
    switch (location.kind) {
      case "table":
        return this.quoteIdentifier(location.table);
      case "query":
        return `(${location.query})`;
      case "file":
        throw new InvalidArgumentError(`BigQuery cannot read the file ${location.path}`, "load it into a table, or use the DuckDB offline store");
    }
  }
}
