import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

export interface DemoDataOptions {
  users: number;
  days: number;
  now: Date;
}

/**
 * Generates the demo's hourly history with DuckDB, deterministically (values are hashes of user
 * and hour, not random draws), and writes one parquet file per source. Returns rows per file.
 */
export async function writeDemoData(dataDir: string, options: DemoDataOptions): Promise<Record<string, number>> {
  const end = new Date(Math.floor(options.now.getTime() / 3_600_000) * 3_600_000);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const files: Record<string, string> = {
    "user_transactions.parquet": transactionsSql(options, end),
    "user_credit.parquet": creditSql(options, end),
  };
  const rows: Record<string, number> = {};
  try {
    for (const [file, select] of Object.entries(files)) {
      const target = path.join(dataDir, file).replace(/'/g, "''");
      await connection.run(`COPY (${select}) TO '${target}' (FORMAT parquet, COMPRESSION zstd)`);
      const count = await connection.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${target}')`);
      rows[file] = Number(count.getRowObjects()[0].n);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return rows;
}

/** user × hour grid; `u` (a hash in [0,1)) varies per user, hour and salt. */
function grid(options: DemoDataOptions, end: Date): string {
  const users = Math.max(1, Math.floor(options.users));
  const hours = Math.max(1, Math.floor(options.days * 24));
  return `WITH grid AS (
      SELECT u.range AS user_id, h.range AS h,
             TIMESTAMPTZ '${end.toISOString()}' - to_hours(h.range) AS event_timestamp
      FROM range(1001, ${1001 + users}) u, range(0, ${hours}) h)`;
}

const unit = (salt: string) => `((hash(user_id, h, '${salt}') % 1000000)::DOUBLE / 1000000.0)`;

function transactionsSql(options: DemoDataOptions, end: Date): string {
  // About a third of users transact in a given hour; heavier spenders are stable per user.
  return `${grid(options, end)}
    SELECT user_id::BIGINT AS user_id,
           event_timestamp,
           event_timestamp + to_minutes((hash(user_id, h, 'lag') % 20)::BIGINT + 1) AS created,
           (1 + floor(${unit("count")} * 4))::INTEGER AS txn_count_1h,
           round((1 + floor(${unit("count")} * 4)) * (8 + (user_id % 40) * 2.5 + ${unit("amount")} * 60), 2)::DOUBLE AS txn_amount_1h,
           round(${unit("foreign")} * 0.3, 3)::FLOAT AS foreign_txn_ratio_24h
    FROM grid
    WHERE ${unit("active")} < 0.35
    ORDER BY event_timestamp, user_id`;
}

function creditSql(options: DemoDataOptions, end: Date): string {
  // A bureau refresh every six hours per user (staggered), with occasional missing utilization.
  return `${grid(options, end)}
    SELECT user_id::BIGINT AS user_id,
           event_timestamp,
           event_timestamp + to_minutes(5) AS created,
           (560 + (user_id * 7919) % 260 + (h // 24) % 7 - 3)::INTEGER AS credit_score,
           CASE WHEN ${unit("missing")} < 0.03 THEN NULL
                ELSE round(0.05 + ((user_id * 31) % 70) / 100.0 + ${unit("util")} * 0.1, 3) END::FLOAT AS credit_utilization,
           (1 + (user_id % 9))::INTEGER AS open_accounts,
           (CASE WHEN (user_id % 11) = 0 THEN 1 + (h // 48) % 3 ELSE 0 END)::BIGINT AS late_payments_90d
    FROM grid
    WHERE (h + user_id) % 6 = 0
    ORDER BY event_timestamp, user_id`;
}
