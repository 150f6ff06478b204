// What SQLite itself allows with Feast's table layout, with no Skewless code in the way: the best
// case for materialization (an empty table, keys inserted in sorted order, 100-row INSERT
// statements, one transaction per 10,000 entities, WAL). Prints a JSON summary.
//   node sqlite-ceiling.js <entities> <features>
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Database from "better-sqlite3";

const ROWS_PER_STATEMENT = 100;

function main(): void {
  const entities = Number(process.argv[2]);
  const features = Number(process.argv[3]);
  if ((entities * features) % ROWS_PER_STATEMENT !== 0) throw new Error(`entities x features must be a multiple of ${ROWS_PER_STATEMENT}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "skewless-sqlite-ceiling-"));
  const db = new Database(path.join(dir, "online.db"));
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("cache_size = -65536");
    // Feast 0.66's DDL for one view's table.
    db.exec(`CREATE TABLE t (entity_key BLOB, feature_name TEXT, value BLOB, value_text TEXT, vector_value BLOB, event_ts timestamp, created_ts timestamp, PRIMARY KEY(entity_key, feature_name))`);
    db.exec("CREATE INDEX t_ek ON t (entity_key)");
    const insert = db.prepare(
      `INSERT INTO t (entity_key, feature_name, value, value_text, event_ts, created_ts) VALUES ${Array(ROWS_PER_STATEMENT).fill("(?, ?, ?, ?, ?, ?)").join(", ")} ` +
      "ON CONFLICT(entity_key, feature_name) DO UPDATE SET value = excluded.value, value_text = excluded.value_text, event_ts = excluded.event_ts, created_ts = excluded.created_ts",
    );
    const names = Array.from({ length: features }, (_, f) => `f${f}`);
    const params: unknown[] = new Array(ROWS_PER_STATEMENT * 6);
    let pending = 0;
    const write = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        // a v3 entity key for an Int64 join key, big-endian id so keys arrive in sorted order
        const key = Buffer.alloc(37);
        key.writeUInt32LE(1, 0);
        key.writeBigInt64BE(BigInt(i), 29);
        for (let f = 0; f < features; f++) {
          const o = pending * 6;
          params[o] = key;
          params[o + 1] = names[f];
          params[o + 2] = Buffer.from([0x20, (i + f) & 0x7f]);
          params[o + 3] = String((i + f) & 0x7f);
          params[o + 4] = 1_714_521_600;
          params[o + 5] = null;
          if (++pending === ROWS_PER_STATEMENT) {
            insert.run(params);
            pending = 0;
          }
        }
      }
    });
    const started = process.hrtime.bigint();
    for (let from = 0; from < entities; from += 10_000) write(from, Math.min(entities, from + 10_000));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage();
    process.stdout.write(JSON.stringify({ rows: entities, seconds, rowsPerSecond: entities / seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
