import { mkdirSync } from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { BackendError } from "../../errors";
import type {
  OnlineInfraUpdate, OnlineReadRequest, OnlineReadResult, OnlineRow, OnlineStore, OnlineTable, WriteResult,
} from "../online-store";
import { decodeValue } from "../value-decoder";
import { valueTextOf } from "../value-text";
import {
  addValueTextSql, createIndexSql, createTableSql, deleteAllSql, dropTableSql, selectSql, tableColumnsSql, tableName,
  upsertSql, WRITE_COLUMNS,
} from "./sqlite-sql";

type Statement = Database.Statement<unknown[], unknown>;

/** Entity-feature rows per INSERT statement: fewer, larger statements cut per-call overhead. */
const ROWS_PER_STATEMENT = 128;
/** Keys per SELECT, well under SQLite's bound-parameter limit. */
const KEYS_PER_SELECT = 500;
const MAX_CACHED_SELECTS = 256;

/**
 * Feast's SQLite online store, byte for byte: table `{project}_{view}`, one row per entity and
 * feature, `entity_key` the serialized key (no project), `value` the Value proto, `value_text`
 * (Feast 0.66), `event_ts`/`created_ts` integer epoch seconds. Writes overwrite, as Feast's do.
 */
export class SqliteOnlineStore implements OnlineStore {
  readonly type = "sqlite";
  readonly skipsStaleWrites = false;
  private db: Database.Database | undefined;
  /** Tables created (or checked) through this connection, with 0.66's columns. */
  private readonly ready = new Set<string>();
  /** Tables known to exist (perhaps written by an older Feast). */
  private readonly existing = new Set<string>();
  private readonly upserts = new Map<string, Statement>();
  private readonly selects = new Map<string, Statement>();

  constructor(readonly path: string, readonly project: string) {}

  /** The table a view's rows live in. */
  tableOf(view: string): string {
    return tableName(this.project, view);
  }

  async update(change: OnlineInfraUpdate): Promise<void> {
    for (const t of change.keep) this.ensureTable(this.tableOf(t.name));
    for (const t of change.remove) this.drop(this.tableOf(t.name));
  }

  async write(table: OnlineTable, rows: readonly OnlineRow[]): Promise<WriteResult> {
    const name = this.tableOf(table.name);
    this.ensureTable(name);
    const features = table.features;
    const perRow = WRITE_COLUMNS.length;
    const full = this.upsert(name, ROWS_PER_STATEMENT);
    const params: unknown[] = new Array(ROWS_PER_STATEMENT * perRow);
    let filled = 0;
    const run = (statement: Statement, values: unknown[]) => {
      try {
        statement.run(values);
      } catch (e) {
        throw new BackendError("SQLite", `writing to table ${name} (${statement.source.slice(0, 120)}...)`, e);
      }
    };
    const insertAll = this.connection().transaction(() => {
      for (const row of rows) {
        const eventTs = Math.trunc(row.eventTime.getTime() / 1000);
        const createdTs = row.createdTime ? Math.trunc(row.createdTime.getTime() / 1000) : null;
        const packed = row.packedValues;
        let at = 0;
        for (let f = 0; f < features.length; f++) {
          const length = packed.readUInt32LE(at);
          const value = packed.subarray(at + 4, at + 4 + length);
          at += 4 + length;
          const base = filled * perRow;
          params[base] = row.entityKey;
          params[base + 1] = features[f];
          params[base + 2] = value;
          params[base + 3] = length === 0 ? null : valueTextOf(value, decodeValue(value));
          params[base + 4] = eventTs;
          params[base + 5] = createdTs;
          if (++filled === ROWS_PER_STATEMENT) {
            run(full, params);
            filled = 0;
          }
        }
      }
      if (filled > 0) run(this.upsert(name, filled), params.slice(0, filled * perRow));
    });
    insertAll.immediate();
    return { written: rows.length, skipped: 0 };
  }

  async read(requests: readonly OnlineReadRequest[]): Promise<OnlineReadResult[]> {
    return requests.map((r) => this.readOne(r));
  }

  async teardown(tables: readonly OnlineTable[]): Promise<void> {
    for (const t of tables) this.drop(this.tableOf(t.name));
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = undefined;
    this.upserts.clear();
    this.selects.clear();
    this.ready.clear();
    this.existing.clear();
  }

  private readOne(request: OnlineReadRequest): OnlineReadResult {
    const n = request.entityKeys.length;
    const eventTimes: (number | undefined)[] = new Array(n).fill(undefined);
    const values: (Uint8Array | undefined)[][] = Array.from({ length: n }, () => new Array(request.features.length).fill(undefined));
    const name = this.tableOf(request.table.name);
    if (n === 0 || !this.tableExists(name)) return { eventTimes, values };
    const featureIndex = new Map(request.features.map((f, i) => [f, i]));
    const slot = new Map<string, number[]>();
    request.entityKeys.forEach((k, i) => {
      const id = k.toString("latin1");
      const at = slot.get(id);
      if (at) at.push(i);
      else slot.set(id, [i]);
    });
    const unique = [...slot.keys()];
    for (let start = 0; start < unique.length; start += KEYS_PER_SELECT) {
      const chunk = unique.slice(start, start + KEYS_PER_SELECT);
      const statement = this.select(name, chunk.length);
      let rows: [Buffer, string, Buffer, number | null][];
      try {
        rows = statement.all(chunk.map((id) => Buffer.from(id, "latin1"))) as [Buffer, string, Buffer, number | null][];
      } catch (e) {
        throw new BackendError("SQLite", `reading table ${name} (${statement.source.slice(0, 120)}...)`, e);
      }
      for (const [key, feature, value, ts] of rows) {
        const targets = slot.get(key.toString("latin1"));
        if (!targets) continue;
        const f = featureIndex.get(feature);
        const ms = ts === null ? 0 : ts * 1000;
        for (const i of targets) {
          if (eventTimes[i] === undefined || ms > eventTimes[i]!) eventTimes[i] = ms;
          if (f !== undefined) values[i][f] = value;
        }
      }
    }
    return { eventTimes, values };
  }

  private connection(): Database.Database {
    if (this.db) return this.db;
    try {
      mkdirSync(path.dirname(this.path), { recursive: true });
      const db = new Database(this.path);
      // WAL lets requests read while materialization writes; Feast's Python reads WAL files as usual.
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      this.db = db;
      return db;
    } catch (e) {
      throw new BackendError("SQLite", `opening ${this.path}`, e, "check that the folder is writable and the file is a SQLite database");
    }
  }

  private exec(sql: string): void {
    try {
      this.connection().exec(sql);
    } catch (e) {
      throw new BackendError("SQLite", sql, e);
    }
  }

  /** Creates the table and index as Feast does, and adds 0.66's `value_text` to older tables. */
  private ensureTable(name: string): void {
    if (this.ready.has(name)) return;
    this.exec(createTableSql(name));
    this.exec(createIndexSql(name));
    const columns = this.connection().prepare(tableColumnsSql(name)).all() as { name: string }[];
    if (!columns.some((c) => c.name === "value_text")) this.exec(addValueTextSql(name));
    this.ready.add(name);
    this.existing.add(name);
  }

  private drop(name: string): void {
    this.exec(dropTableSql(name));
    this.ready.delete(name);
    this.existing.delete(name);
    for (const cache of [this.upserts, this.selects]) {
      for (const key of cache.keys()) if (key.startsWith(`${name}\u0000`)) cache.delete(key);
    }
  }

  /** Empties a table without dropping it (tests, re-materialization from scratch). */
  clear(view: string): void {
    const name = this.tableOf(view);
    if (this.tableExists(name)) this.exec(deleteAllSql(name));
  }

  private tableExists(name: string): boolean {
    if (this.existing.has(name)) return true;
    const found = this.connection().prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
    if (found) this.existing.add(name);
    return found !== undefined;
  }

  private upsert(name: string, rows: number): Statement {
    const key = `${name}\u0000${rows}`;
    let statement = this.upserts.get(key);
    if (!statement) {
      statement = this.prepare(upsertSql(name, rows));
      if (rows === ROWS_PER_STATEMENT) this.upserts.set(key, statement);
    }
    return statement;
  }

  private select(name: string, keys: number): Statement {
    const key = `${name}\u0000${keys}`;
    let statement = this.selects.get(key);
    if (!statement) {
      statement = this.prepare(selectSql(name, keys)).raw(true);
      if (this.selects.size >= MAX_CACHED_SELECTS) this.selects.delete(this.selects.keys().next().value!);
      this.selects.set(key, statement);
    }
    return statement;
  }

  private prepare(sql: string): Statement {
    try {
      return this.connection().prepare(sql);
    } catch (e) {
      throw new BackendError("SQLite", sql, e);
    }
  }
}
