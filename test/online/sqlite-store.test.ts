import * as path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { ValueType } from "../../runtime/src/definitions/dtypes";
import { EntityKeyEncoder } from "../../runtime/src/online/entity-key";
import { SqliteOnlineStore } from "../../runtime/src/online/sqlite/sqlite-online-store";
import { packValues, ValueWriter } from "../../runtime/src/online/value-encoder";
import { tempDir } from "../helpers/tmp";
import { onlineStoreContract } from "./contract";

const dir = tempDir();
const dbPath = path.join(dir, "data", "online.db");

onlineStoreContract("SQLite", { timePrecisionMs: 1000, equalTimeKeeps: "incoming", bulkWrite: true }, async (project) => new SqliteOnlineStore(dbPath, project));

describe("SQLite layout", () => {
  const keys = new EntityKeyEncoder([{ name: "driver_id", valueType: ValueType.INT64 }], 3);
  const writer = new ValueWriter();
  const table = { name: "driver_stats", joinKeys: ["driver_id"], features: ["conv_rate", "trips", "city"] };

  it("creates Feast 0.66's table and index", async () => {
    const file = path.join(dir, "layout.db");
    const store = new SqliteOnlineStore(file, "my_project");
    await store.update({ keep: [table], remove: [] });
    await store.close();
    const db = new Database(file, { readonly: true });
    const columns = db.prepare(`PRAGMA table_info("my_project_driver_stats")`).all() as { name: string; type: string; pk: number }[];
    expect(columns.map((c) => [c.name, c.type, c.pk])).toEqual([
      ["entity_key", "BLOB", 1], ["feature_name", "TEXT", 2], ["value", "BLOB", 0], ["value_text", "TEXT", 0],
      ["vector_value", "BLOB", 0], ["event_ts", "timestamp", 0], ["created_ts", "timestamp", 0],
    ]);
    const index = db.prepare(`SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`).all();
    expect(index).toEqual([{ name: "my_project_driver_stats_ek", tbl_name: "my_project_driver_stats" }]);
    db.close();
  });

  it("writes one row per feature: key without project, Value bytes, value_text, epoch-second integers", async () => {
    const file = path.join(dir, "rows.db");
    const store = new SqliteOnlineStore(file, "my_project");
    await store.write(table, [{
      entityKey: keys.encode([1001]),
      packedValues: packValues([writer.encode(ValueType.FLOAT, 0.5), writer.encode(ValueType.INT64, 308), writer.encode(ValueType.STRING, null)]),
      eventTime: new Date("2021-12-31T23:00:00.900Z"),
      createdTime: null,
    }]);
    await store.close();
    const db = new Database(file, { readonly: true });
    const rows = db.prepare(`SELECT hex(entity_key) AS k, feature_name AS f, hex(value) AS v, value_text AS t, event_ts AS e, typeof(event_ts) AS et, created_ts AS c FROM "my_project_driver_stats" ORDER BY feature_name`).all();
    const key = "010000000200000009000000" + "6472697665725f6964" + "04000000" + "08000000" + "e903000000000000";
    expect(rows).toEqual([
      { k: key.toUpperCase(), f: "city", v: "", t: null, e: 1640991600, et: "integer", c: null },
      { k: key.toUpperCase(), f: "conv_rate", v: "350000003F", t: "0.5", e: 1640991600, et: "integer", c: null },
      { k: key.toUpperCase(), f: "trips", v: "20B402", t: "308", e: 1640991600, et: "integer", c: null },
    ]);
    db.close();
  });

  it("adds value_text to a table an older Feast created, and keeps its rows", async () => {
    const file = path.join(dir, "old.db");
    const db = new Database(file);
    db.exec(`CREATE TABLE "p_driver_stats" (entity_key BLOB, feature_name TEXT, value BLOB, vector_value BLOB, event_ts timestamp, created_ts timestamp, PRIMARY KEY(entity_key, feature_name))`);
    db.prepare(`INSERT INTO "p_driver_stats" VALUES (?, 'trips', ?, NULL, 1640991600, NULL)`).run(keys.encode([7]), writer.encode(ValueType.INT64, 3));
    db.close();
    const store = new SqliteOnlineStore(file, "p");
    const [before] = await store.read([{ table, features: ["trips"], entityKeys: [keys.encode([7])] }]);
    expect(before.eventTimes).toEqual([1640991600000]);
    await store.write(table, [{ entityKey: keys.encode([8]), packedValues: packValues(table.features.map(() => writer.encode(ValueType.INT64, 1))), eventTime: new Date(0) }]);
    await store.close();
    const check = new Database(file, { readonly: true });
    expect((check.prepare(`SELECT count(*) AS n FROM "p_driver_stats" WHERE value_text = '1'`).get() as { n: number }).n).toBe(3);
    check.close();
  });

  it("reads values another writer left as text or NULL without shifting the values after them", async () => {
    const file = path.join(dir, "mixed.db");
    const store = new SqliteOnlineStore(file, "p");
    await store.update({ keep: [table], remove: [] });
    const db = new Database(file);
    const insert = db.prepare(`INSERT INTO "p_driver_stats" (entity_key, feature_name, value, event_ts) VALUES (?, ?, ?, 1640991600)`);
    const key = keys.encode([7]);
    insert.run(key, "city", "Zürich");            // text: its UTF-8 bytes, 7 of them for 6 characters
    insert.run(key, "conv_rate", null);           // NULL: no value
    insert.run(key, "trips", writer.encode(ValueType.INT64, 308));
    db.close();
    const [result] = await store.read([{ table, features: ["trips", "city", "conv_rate"], entityKeys: [key] }]);
    expect(result.values.row(0).map((v) => v && Buffer.from(v).toString("hex"))).toEqual([
      writer.encode(ValueType.INT64, 308).toString("hex"), Buffer.from("Zürich").toString("hex"), undefined,
    ]);
    await store.close();
  });

  it("names the table and the statement when SQLite fails", async () => {
    const file = path.join(dir, "readonly.db");
    const store = new SqliteOnlineStore(file, "p");
    await store.update({ keep: [table], remove: [] });
    await store.close();
    const ro = new SqliteOnlineStore(file, "p");
    // a table whose name clashes with an index makes CREATE fail
    const db = new Database(file);
    db.exec(`CREATE TABLE "p_broken_ek" (x)`);
    db.close();
    await expect(ro.update({ keep: [{ name: "broken", joinKeys: ["driver_id"], features: ["a"] }], remove: [] })).rejects.toThrow(/SQLite: CREATE INDEX IF NOT EXISTS "p_broken_ek"/);
    await ro.close();
  });
});

describe("SQLite bulk write (materialization)", () => {
  const keys = new EntityKeyEncoder([{ name: "id", valueType: ValueType.INT64 }], 3);
  const writer = new ValueWriter();
  const dump = (file: string, tableName: string) => {
    const db = new Database(file, { readonly: true });
    const rows = db.prepare(`SELECT hex(entity_key) k, feature_name, hex(value) v, value_text, event_ts, created_ts FROM "${tableName}" ORDER BY rowid`).all() as { k: string; feature_name: string }[];
    db.close();
    return rows;
  };
  // names whose byte order differs from their declared order (f10 < f2), values of several types
  const rowsFor = (features: string[], ids: number[], at: number) => ids.map((id, n) => ({
    entityKey: keys.encode([id]),
    packedValues: packValues(features.map((_f, i) => (i % 3 === 0 ? writer.encode(ValueType.STRING, `s${id}-${i}-${n}`) : i % 3 === 1 ? writer.encode(ValueType.DOUBLE, id / 7 + i) : writer.encode(ValueType.INT64, id * 100 + i)))),
    eventTime: new Date(at), createdTime: n % 2 ? new Date(at + 5000) : undefined,
  }));

  for (const width of [12, 1000]) {
    it(`stores exactly the rows, bytes and order of row-by-row writes (${width} features${width > 990 ? ": staged per feature" : ""})`, async () => {
      const features = Array.from({ length: width }, (_, i) => `f${(i * 7) % width}`);
      const table = { name: "bulk", joinKeys: ["id"], features };
      const ids = [5, 3, 9, 3, 1];   // 3 twice with the same time: the later one wins, as with writes
      const byRows = path.join(dir, `bulk-rows-${width}.db`);
      const bulk = path.join(dir, `bulk-staged-${width}.db`);
      const a = new SqliteOnlineStore(byRows, "p");
      for (const row of rowsFor(features, ids, 1_700_000_000_000)) await a.write(table, [row]);
      await a.close();
      const b = new SqliteOnlineStore(bulk, "p");
      const writing = await b.bulkWrite(table);
      await writing.write(rowsFor(features, ids.slice(0, 2), 1_700_000_000_000));
      await writing.write(rowsFor(features, ids, 1_700_000_000_000).slice(2));
      expect(await writing.commit()).toBe(ids.length);
      await b.close();
      const expected = dump(byRows, "p_bulk").sort((x, y) => `${x.k}${x.feature_name}`.localeCompare(`${y.k}${y.feature_name}`));
      const got = dump(bulk, "p_bulk");
      expect(got).toHaveLength(4 * width);
      // same content; the staged table is written in key order, front to back
      expect([...got].sort((x, y) => `${x.k}${x.feature_name}`.localeCompare(`${y.k}${y.feature_name}`))).toEqual(expected);
      expect(got.map((r) => `${r.k}|${r.feature_name}`)).toEqual([...got].map((r) => `${r.k}|${r.feature_name}`).sort((x, y) => (Buffer.compare(Buffer.from(x), Buffer.from(y)))));
    }, 60_000);
  }
});
