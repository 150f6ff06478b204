import { existsSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import type Database from "better-sqlite3";
import { BackendError } from "../../errors";
import { requirePeer } from "../../peer";
import type {
  BulkWrite, OnlineInfraUpdate, OnlineReadRequest, OnlineReadResult, OnlineRow, OnlineStore, OnlineTable, WriteResult,
} from "../online-store";
import { featureSlots, ValueGrid } from "../value-grid";
import { forEachEntityStatement, forEachStatement } from "./row-params";
import {
  addValueTextSql, createEntityStagingSql, createIndexSql, createStagingNamesSql, createStagingSql, createTableSql, deleteAllSql,
  dropStagingSql, dropTableSql, ENTITY_STAGING_MAX_FEATURES, indexEntityStagingSql, insertEntityStagingSql, insertStagingNameSql,
  insertStagingSql, mergeEntityStagingSql, mergeStagingSql, selectEntitySql, tableColumnsSql, tableName, upsertSql,
} from "./sqlite-sql";

type Statement = Database.Statement<unknown[], unknown>;
/** A `selectEntitySql` row: names, comma-separated lengths, the values in hex, latest event time. */
type EntityRow = [string | null, string | null, string | null, number | null];

/** Entity-feature rows per INSERT statement: fewer, larger statements cut per-call overhead. */
const ROWS_PER_STATEMENT = 128;
/** Parameters per staging INSERT (SQLite allows 32,766): a few thousand amortize the call without a huge statement. */
const STAGING_PARAMETERS = 4_600;
/** The separator of feature names in `selectEntitySql`'s result. */
const RECORD = "\u001e";
/** Address space the lookup connection maps (SQLite caps it at its compile-time maximum). */
const READER_MMAP_BYTES = 2 ** 30;

/**
 * Feast's SQLite online store, byte for byte: table `{project}_{view}`, one row per entity and
 * feature, `entity_key` the serialized key (no project), `value` the Value proto, `value_text`
 * (Feast 0.66), `event_ts`/`created_ts` integer epoch seconds. Writes never replace a row with an
 * older one (Feast's SQLite store would; its Redis store does not): see `upsertSql`.
 */
export class SqliteOnlineStore implements OnlineStore {
  readonly type = "sqlite";
  readonly skipsStaleWrites = true;
  /** Larger transactions touch each B-tree page fewer times per row (Feast's layout has three per row). */
  readonly preferredBatchRows = 20_000;
  private db: Database.Database | undefined;
  /** A second, read-only connection for lookups: memory-mapped, so reads skip copying pages. */
  private readerDb: Database.Database | undefined;
  /** Tables created (or checked) through this connection, with 0.66's columns. */
  private readonly ready = new Set<string>();
  /** Tables known to exist (perhaps written by an older Feast). */
  private readonly existing = new Set<string>();
  private readonly upserts = new Map<string, Statement>();
  private readonly selects = new Map<string, Statement>();
  private stagings = 0;

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
    let changed = 0;
    this.connection().transaction(() => {
      forEachStatement(table.features, rows, ROWS_PER_STATEMENT, (params, n) => (changed += this.run(this.upsert(name, n), params, `writing to table ${name}`)));
    }).immediate();
    // An entity's features share one event time, so they are all written or all kept.
    const written = table.features.length === 0 ? rows.length : Math.round(changed / table.features.length);
    return { written, skipped: rows.length - written };
  }

  /**
   * A materialization's rows go to a temporary staging table first and move into the view's table
   * in key order at `commit`, in one transaction: with Feast's layout (three B-trees per entity
   * and feature) that is about twice as fast at a million rows, and readers see the whole new
   * state at once. `abort` drops what was staged. Staged rows are one per entity (see
   * `createEntityStagingSql`); a view too wide for that stages a row per feature.
   */
  async bulkWrite(table: OnlineTable): Promise<BulkWrite> {
    const name = this.tableOf(table.name);
    this.ensureTable(name);
    const staging = `skewless_staging_${process.pid}_${++this.stagings}`;
    const features = table.features.length;
    const perEntity = features > 0 && features <= ENTITY_STAGING_MAX_FEATURES;
    const names = `${staging}_names`;
    let stage: (rows: readonly OnlineRow[]) => void;
    let merge: () => Statement;
    if (perEntity) {
      this.exec(createEntityStagingSql(staging, features));
      this.exec(createStagingNamesSql(names));
      const addName = this.prepare(insertStagingNameSql(names));
      const order = table.features.map((f, i) => [Buffer.from(f, "utf8"), i] as const).sort((a, b) => Buffer.compare(a[0], b[0]));
      for (const [feature, i] of order) this.run(addName, [i, feature.toString("utf8")], `staging feature names for table ${name}`);
      const perStatement = Math.max(1, Math.floor(STAGING_PARAMETERS / (3 + 2 * features)));
      const insert = (n: number) => this.prepare(insertEntityStagingSql(staging, features, n));
      const full = insert(perStatement);
      stage = (rows) => forEachEntityStatement(features, rows, perStatement, (params, n) => this.run(n === perStatement ? full : insert(n), params, `staging rows for table ${name}`));
      merge = () => {
        this.exec(indexEntityStagingSql(staging));
        return this.prepare(mergeEntityStagingSql(name, staging, names, features));
      };
    } else {
      this.exec(createStagingSql(staging));
      const insert = (n: number) => this.prepare(insertStagingSql(staging, n));
      const full = insert(ROWS_PER_STATEMENT);
      stage = (rows) => forEachStatement(table.features, rows, ROWS_PER_STATEMENT, (params, n) => this.run(n === ROWS_PER_STATEMENT ? full : insert(n), params, `staging rows for table ${name}`));
      merge = () => this.prepare(mergeStagingSql(name, staging));
    }
    const drop = () => {
      this.exec(dropStagingSql(staging));
      this.exec(dropStagingSql(names));
    };
    let staged = 0;
    return {
      write: async (rows) => {
        this.connection().transaction(() => stage(rows))();
        staged += rows.length;
        return { written: rows.length, skipped: 0 };
      },
      commit: async () => {
        const statement = merge();
        const changed = this.connection().transaction(() => this.run(statement, [], `merging staged rows into table ${name}`)).immediate();
        drop();
        return features === 0 ? staged : Math.round(changed / features);
      },
      abort: async () => {
        if (this.db) drop();
      },
    };
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
    this.readerDb?.close();
    this.readerDb = undefined;
    this.upserts.clear();
    this.selects.clear();
    this.ready.clear();
    this.existing.clear();
  }

  private readOne(request: OnlineReadRequest): OnlineReadResult {
    const n = request.entityKeys.length;
    const eventTimes: (number | undefined)[] = new Array(n).fill(undefined);
    const values = new ValueGrid(n, request.features.length);
    const name = this.tableOf(request.table.name);
    const reader = n === 0 ? undefined : this.reader();
    if (!reader || !this.tableExists(name, reader)) return { eventTimes, values };
    const statement = this.select(name, reader);
    // One query per distinct entity; `firstOf[i]` is the row that asked for row i's entity first.
    const seen = new Map<string, number>();
    const firstOf = new Array<number>(n);
    const rows: (EntityRow | undefined)[] = new Array(n);
    let hexChars = 0;
    for (let i = 0; i < n; i++) {
      const id = request.entityKeys[i].toString("latin1");
      const first = seen.get(id);
      firstOf[i] = first ?? i;
      if (first !== undefined) continue;
      seen.set(id, i);
      let row: EntityRow;
      try {
        row = statement.get(request.entityKeys[i]) as EntityRow;
      } catch (e) {
        throw new BackendError("SQLite", `reading table ${name} (${statement.source})`, e);
      }
      if (row[0] === null || row[1] === null || row[2] === null) continue;
      rows[i] = row;
      hexChars += row[2].length;
    }
    // Every value goes into one buffer per read, decoded from hex an entity at a time: a blob per
    // entity would be an off-heap allocation each, and freeing thousands of them is what stalled
    // the garbage collector's minor pauses.
    const arena = Buffer.allocUnsafe(hexChars >> 1);
    let used = 0;
    const { first: featureIndex, repeats } = featureSlots(request.features);
    // Entities of one view almost always store the same names in the same order: split once.
    const layouts = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      if (!row) continue;
      const [names, lengths, hex, ts] = row as [string, string, string, number | null];
      eventTimes[i] = ts === null ? 0 : ts * 1000;
      let layout = layouts.get(names);
      if (!layout) {
        layout = names.split(RECORD).map((feature) => featureIndex.get(feature) ?? -1);
        layouts.set(names, layout);
      }
      values.setBuffer(i, arena);
      splitValues(lengths, layout, values, i, used);
      for (const [later, first] of repeats) values.copyValue(i, first, later);
      used += arena.write(hex, used, "hex");
    }
    for (let i = 0; i < n; i++) {
      if (firstOf[i] === i) continue;
      values.copyRow(firstOf[i], i);
      eventTimes[i] = eventTimes[firstOf[i]];
    }
    return { eventTimes, values };
  }

  private connection(): Database.Database {
    if (this.db) return this.db;
    try {
      mkdirSync(path.dirname(this.path), { recursive: true });
      const db = new (sqlite())(this.path);
      // WAL lets requests read while materialization writes; Feast's Python reads WAL files as usual.
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      // Feast's layout puts three B-trees under every (entity, feature) row; a larger page cache
      // and fewer WAL checkpoints keep bulk materialization from re-reading and re-writing pages.
      db.pragma("cache_size = -65536");
      db.pragma("wal_autocheckpoint = 10000");
      this.db = db;
      return db;
    } catch (e) {
      throw new BackendError("SQLite", `opening ${this.path}`, e, "check that the folder is writable and the file is a SQLite database");
    }
  }

  /**
   * The lookup connection, or undefined while the database file does not exist. Lookups go through
   * a memory map (Feast's layout costs one B-tree step per entity and feature, and with the file
   * mapped those steps read memory instead of copying pages); materialization writes through the
   * other connection, whose resident memory the map would otherwise inflate.
   */
  private reader(): Database.Database | undefined {
    if (this.readerDb) return this.readerDb;
    if (!existsSync(this.path)) return undefined;
    try {
      const db = new (sqlite())(this.path, { fileMustExist: true });
      db.pragma("query_only = true");
      db.pragma(`mmap_size = ${READER_MMAP_BYTES}`);
      this.readerDb = db;
      return db;
    } catch (e) {
      throw new BackendError("SQLite", `opening ${this.path} for reading`, e, "check that the file is a SQLite database");
    }
  }

  /** Runs a write; returns how many rows it inserted or changed. */
  private run(statement: Statement, params: unknown[], action: string): number {
    try {
      return statement.run(params).changes;
    } catch (e) {
      throw new BackendError("SQLite", `${action} (${statement.source.slice(0, 120)}...)`, e);
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

  private tableExists(name: string, db = this.connection()): boolean {
    if (this.existing.has(name)) return true;
    const found = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
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

  private select(name: string, reader: Database.Database): Statement {
    const key = `${name}\u0000`;
    let statement = this.selects.get(key);
    if (!statement) {
      try {
        statement = reader.prepare(selectEntitySql(name)).raw(true);
      } catch (e) {
        throw new BackendError("SQLite", selectEntitySql(name), e);
      }
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

/**
 * Places row `row`'s values, which start at `base` in its buffer, by the comma-separated `lengths`
 * (-1: a NULL value, no bytes): the k-th value is feature `layout[k]` (none when -1: a feature not
 * asked for).
 */
function splitValues(lengths: string, layout: readonly number[], values: ValueGrid, row: number, base: number): void {
  let offset = base;
  let k = 0;
  let length = 0;
  let negative = false;
  for (let c = 0; c <= lengths.length; c++) {
    const ch = c < lengths.length ? lengths.charCodeAt(c) : 44;
    if (ch === 44) {   // ','
      const target = k < layout.length ? layout[k] : -1;
      k++;
      if (!negative) {
        if (target >= 0) values.set(row, target, offset, offset + length);
        offset += length;
      }
      length = 0;
      negative = false;
    } else if (ch === 45) negative = true;   // '-'
    else length = length * 10 + ch - 48;
  }
}

/** better-sqlite3, loaded when a SQLite store first opens (a Redis app never installs or loads it). */
function sqlite(): typeof Database {
  return requirePeer<typeof Database>("better-sqlite3", "online_store type sqlite");
}
