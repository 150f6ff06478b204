import type { Dtype, ScalarDtype } from "../../definitions/dtypes";
import type { SourceLocation } from "../source-relation";
import type { AsofJoinParts, SqlDialect } from "../sql/dialect";
import { formatUtc } from "../sql/timestamps";

const SCALAR_TYPES: Record<ScalarDtype, string> = {
  Int32: "INTEGER", Int64: "BIGINT", Float32: "FLOAT", Float64: "DOUBLE", String: "VARCHAR",
  Bool: "BOOLEAN", Bytes: "BLOB", UnixTimestamp: "TIMESTAMPTZ",
};

/** The DuckDB type a dtype is stored as: `Int32` → `INTEGER`, `Array(Int64)` → `BIGINT[]`. */
export function duckdbType(dtype: Dtype): string {
  const array = /^Array\((\w+)\)$/.exec(dtype);
  return array ? `${SCALAR_TYPES[array[1] as ScalarDtype]}[]` : SCALAR_TYPES[dtype as ScalarDtype];
}

const MAX_UBIGINT = "18446744073709551615::UBIGINT";

/** DuckDB's spelling: parquet files through `read_parquet`, ASOF joins, `TIMESTAMPTZ` (sessions run in UTC). */
export class DuckDBDialect implements SqlDialect {
  readonly name = "duckdb";

  quoteIdentifier(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  stringLiteral(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
  }

  timestampLiteral(value: Date): string {
    return `TIMESTAMPTZ '${formatUtc(value)}'`;
  }

  subtractSeconds(expr: string, seconds: number): string {
    return `(${expr} - INTERVAL ${Math.trunc(seconds)} SECOND)`;
  }

  toTimestamp(expr: string): string {
    return `CAST(${expr} AS TIMESTAMPTZ)`;
  }

  castTo(expr: string, dtype: Dtype): string {
    return `CAST(${expr} AS ${duckdbType(dtype)})`;
  }

  epochMicros(expr: string): string {
    return `epoch_us(${expr})`;
  }

  floorDiv(dividend: string, divisor: string): string {
    return `(${dividend} // ${divisor})`;
  }

  lastValue(value: string, order: readonly string[], condition: string): string {
    return `first(${value} ORDER BY ${order.join(", ")}) FILTER (WHERE ${condition} AND ${value} IS NOT NULL)`;
  }

  nanAsNull(expr: string): string {
    return `CASE WHEN isnan(${expr}) THEN NULL ELSE ${expr} END`;
  }

  /** DuckDB's `hash` (UBIGINT): fixed, unseeded, so the same values hash the same in every session. */
  rowHash(columns: readonly string[]): string {
    return columns.length ? `hash(${columns.join(", ")})` : "0::UBIGINT";
  }

  relation(location: SourceLocation): string {
    switch (location.kind) {
      case "file":
        return `read_parquet(${this.stringLiteral(location.path)})`;
      case "table":
        return location.table.split(".").map((part) => this.quoteIdentifier(part)).join(".");
      case "query":
        return `(${location.query})`;
    }
  }

  asofJoin(parts: AsofJoinParts): string {
    const on = parts.keys.map(([left, right]) => `${left} = ${right}`);
    // Structs compare field by field, so this picks the greatest (event ts, created ts, tie) at or
    // before (entity ts, +infinity, max): the total order rides inside the ASOF join's single inequality.
    const created = parts.rightCreated
      ? { left: ", 'created': 'infinity'::TIMESTAMPTZ", right: `, 'created': coalesce(${parts.rightCreated}, '-infinity'::TIMESTAMPTZ)` }
      : { left: "", right: "" };
    on.push(
      `{'ts': ${parts.leftTimestamp}${created.left}, 'tie': ${MAX_UBIGINT}} >= ` +
        `{'ts': ${parts.rightTimestamp}${created.right}, 'tie': ${parts.rightTie}}`,
    );
    return `ASOF JOIN ${parts.right} AS ${parts.rightAlias} ON ${on.join(" AND ")}`;
  }
}
