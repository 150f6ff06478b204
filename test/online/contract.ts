import { afterAll, describe, expect, it } from "vitest";
import { ValueType } from "../../runtime/src/definitions/dtypes";
import { EntityKeyEncoder } from "../../runtime/src/online/entity-key";
import type { OnlineRow, OnlineStore, OnlineTable } from "../../runtime/src/online/online-store";
import { packValues, unpackValues, ValueWriter } from "../../runtime/src/online/value-encoder";

/** What differs between backends, stated once (drizzle's "known gaps" list). */
export interface StoreTraits {
  /** Event times are stored to this precision (SQLite: whole seconds). */
  timePrecisionMs: number;
  /** On an equal event time, which row stays: the stored one (Redis) or the incoming one (SQLite). */
  equalTimeKeeps: "stored" | "incoming";
  /** Offers `bulkWrite` (SQLite: staged, visible at commit). */
  bulkWrite: boolean;
}

/** Makes a store whose data is isolated by `project`. */
export type StoreFactory = (project: string) => Promise<OnlineStore>;

const keys = new EntityKeyEncoder([{ name: "user_id", valueType: ValueType.INT64 }], 3);
const writer = new ValueWriter();
const stats: OnlineTable = { name: "user_stats", joinKeys: ["user_id"], features: ["clicks", "ctr", "name"] };
const profile: OnlineTable = { name: "user_profile", joinKeys: ["user_id"], features: ["age"] };
const T0 = Date.UTC(2024, 0, 2, 3, 4, 5);

function statsRow(user: number, clicks: number | null, at: number, name = `user ${user}`): OnlineRow {
  return {
    entityKey: keys.encode([user]),
    packedValues: packValues([writer.encode(ValueType.INT64, clicks), writer.encode(ValueType.FLOAT, 0.25), writer.encode(ValueType.STRING, name)]),
    eventTime: new Date(at),
    createdTime: new Date(at + 1000),
  };
}

const hex = (v: Uint8Array | undefined) => (v === undefined ? undefined : Buffer.from(v).toString("hex"));

/** Every online store must pass this suite; a new backend runs it from its own test file. */
export function onlineStoreContract(name: string, traits: StoreTraits, factory: StoreFactory): void {
  describe(`${name} online store contract`, () => {
    let n = 0;
    const opened: OnlineStore[] = [];
    const fresh = async () => {
      const store = await factory(`contract_${process.pid}_${++n}`);
      opened.push(store);
      await store.update({ keep: [stats, profile], remove: [] });
      return store;
    };
    afterAll(async () => {
      for (const s of opened) await s.close();
    });

    it("reads back exactly the bytes and event time it wrote", async () => {
      const store = await fresh();
      const row = statsRow(1, 7, T0 + 123);
      expect(await store.write(stats, [row])).toEqual({ written: 1, skipped: 0 });
      const [result] = await store.read([{ table: stats, features: stats.features, entityKeys: [row.entityKey] }]);
      expect(result.values.row(0).map(hex)).toEqual(unpackValues(row.packedValues).map(hex));
      expect(result.eventTimes[0]).toBe(Math.floor((T0 + 123) / traits.timePrecisionMs) * traits.timePrecisionMs);
    });

    it("reports an entity it has never seen as not found", async () => {
      const store = await fresh();
      await store.write(stats, [statsRow(1, 7, T0)]);
      const [result] = await store.read([{ table: stats, features: ["clicks"], entityKeys: [keys.encode([2])] }]);
      expect(result.eventTimes).toEqual([undefined]);
      expect(result.values.toArrays()).toEqual([[undefined]]);
    });

    it("returns the requested features in the requested order, per entity, duplicates included", async () => {
      const store = await fresh();
      await store.write(stats, [statsRow(1, 10, T0), statsRow(2, 20, T0)]);
      const entityKeys = [keys.encode([2]), keys.encode([3]), keys.encode([1]), keys.encode([2])];
      const [result] = await store.read([{ table: stats, features: ["name", "clicks"], entityKeys }]);
      const decoded = result.values.toArrays().map((v) => v.map(hex));
      expect(decoded[0]).toEqual([hex(writer.encode(ValueType.STRING, "user 2")), hex(writer.encode(ValueType.INT64, 20))]);
      expect(decoded[1]).toEqual([undefined, undefined]);
      expect(decoded[2]).toEqual([hex(writer.encode(ValueType.STRING, "user 1")), hex(writer.encode(ValueType.INT64, 10))]);
      expect(decoded[3]).toEqual(decoded[0]);
      const [twice] = await store.read([{ table: stats, features: ["clicks", "name", "clicks"], entityKeys: [keys.encode([1])] }]);
      expect(twice.values.row(0).map(hex)).toEqual([decoded[2][1], decoded[2][0], decoded[2][1]]);
      expect(result.eventTimes.map((t) => t !== undefined)).toEqual([true, false, true, true]);
    });

    it("reads wide views whose values have any length and any bytes, whole or a few features", async () => {
      const store = await fresh();
      // 60 features: a small Redis hash read whole; 140: a large one read field by field
      for (const width of [60, 140]) {
        const wide: OnlineTable = { name: `wide_${width}`, joinKeys: ["user_id"], features: Array.from({ length: width }, (_, f) => `f${f}`) };
        await store.update({ keep: [stats, profile, wide], remove: [] });
        const value = (user: number, f: number) => {
          if ((user + f) % 11 === 0) return writer.encode(ValueType.BYTES, null);
          const bytes = Buffer.alloc((user * 37 + f * 7) % 300, 0);
          for (let j = 0; j < bytes.length; j++) bytes[j] = (user + f + j) % 256;
          return writer.encode(ValueType.BYTES, bytes);
        };
        const rows = Array.from({ length: 40 }, (_, user) => ({ entityKey: keys.encode([user]), packedValues: packValues(wide.features.map((_f, f) => value(user, f))), eventTime: new Date(T0) }));
        await store.write(wide, rows);
        const entityKeys = [...rows.map((r) => r.entityKey), keys.encode([999]), rows[3].entityKey];
        const [whole] = await store.read([{ table: wide, features: wide.features, entityKeys }]);
        const expected = rows.map((_r, user) => wide.features.map((_f, f) => hex(value(user, f))));
        expect(whole.values.toArrays().map((v) => v.map(hex))).toEqual([...expected, wide.features.map(() => undefined), expected[3]]);
        const picked = [width - 1, 0, 17];
        const [few] = await store.read([{ table: wide, features: picked.map((f) => `f${f}`), entityKeys }]);
        expect(few.values.toArrays().map((v) => v.map(hex))).toEqual([...expected.map((e) => picked.map((f) => e[f])), [undefined, undefined, undefined], picked.map((f) => expected[3][f])]);
        expect(few.eventTimes.map((t) => t !== undefined)).toEqual([...rows.map(() => true), false, true]);
      }
    });

    it("stores null as the empty Value", async () => {
      const store = await fresh();
      const row = statsRow(1, null, T0);
      await store.write(stats, [row]);
      const [result] = await store.read([{ table: stats, features: ["clicks"], entityKeys: [row.entityKey] }]);
      expect(result.values.get(0, 0)?.length).toBe(0);
      expect(result.eventTimes[0]).toBe(T0);
    });

    it("keeps views that share join keys apart, and reads several views in one call", async () => {
      const store = await fresh();
      await store.write(stats, [statsRow(1, 5, T0)]);
      await store.write(profile, [{ entityKey: keys.encode([1]), packedValues: packValues([writer.encode(ValueType.INT32, 33)]), eventTime: new Date(T0 + 60_000) }]);
      const [s, p] = await store.read([
        { table: stats, features: ["clicks"], entityKeys: [keys.encode([1])] },
        { table: profile, features: ["age"], entityKeys: [keys.encode([1]), keys.encode([9])] },
      ]);
      expect(hex(s.values.get(0, 0))).toBe(hex(writer.encode(ValueType.INT64, 5)));
      expect(s.eventTimes[0]).toBe(T0);
      expect(hex(p.values.get(0, 0))).toBe(hex(writer.encode(ValueType.INT32, 33)));
      expect(p.eventTimes).toEqual([T0 + 60_000, undefined]);
    });

    it("replaces a row with a newer one", async () => {
      const store = await fresh();
      await store.write(stats, [statsRow(1, 5, T0)]);
      await store.write(stats, [statsRow(1, 6, T0 + 3_600_000)]);
      const [result] = await store.read([{ table: stats, features: ["clicks"], entityKeys: [keys.encode([1])] }]);
      expect(hex(result.values.get(0, 0))).toBe(hex(writer.encode(ValueType.INT64, 6)));
      expect(result.eventTimes[0]).toBe(T0 + 3_600_000);
    });

    it("never replaces a row with an older one: a backfill keeps the newest event time", async () => {
      const store = await fresh();
      await store.write(stats, [statsRow(1, 5, T0), statsRow(2, 7, T0)]);
      const older = await store.write(stats, [statsRow(1, 4, T0 - 3_600_000), statsRow(2, 8, T0 + 3_600_000)]);
      expect(older).toEqual({ written: 1, skipped: 1 });
      const [result] = await store.read([{ table: stats, features: stats.features, entityKeys: [keys.encode([1]), keys.encode([2])] }]);
      expect(result.values.row(0).map(hex)).toEqual(unpackValues(statsRow(1, 5, T0).packedValues).map(hex));
      expect(hex(result.values.get(1, 0))).toBe(hex(writer.encode(ValueType.INT64, 8)));
      expect(result.eventTimes).toEqual([T0, T0 + 3_600_000]);
      if (store.bulkWrite) {
        const bulk = await store.bulkWrite(stats);
        await bulk.write([statsRow(1, 3, T0 - 7_200_000), statsRow(2, 9, T0 + 7_200_000)]);
        expect(await bulk.commit()).toBe(1);
        const [after] = await store.read([{ table: stats, features: ["clicks"], entityKeys: [keys.encode([1]), keys.encode([2])] }]);
        expect(after.values.toArrays().map((v) => hex(v[0]))).toEqual([5, 9].map((n) => hex(writer.encode(ValueType.INT64, n))));
      }
    });

    it(`on an equal event time keeps the ${traits.equalTimeKeeps} row`, async () => {
      const store = await fresh();
      await store.write(stats, [statsRow(1, 5, T0)]);
      const same = await store.write(stats, [statsRow(1, 3, T0)]);
      const [result] = await store.read([{ table: stats, features: ["clicks"], entityKeys: [keys.encode([1])] }]);
      const kept = traits.equalTimeKeeps === "stored" ? 5 : 3;
      expect(same).toEqual(traits.equalTimeKeeps === "stored" ? { written: 0, skipped: 1 } : { written: 1, skipped: 0 });
      expect(hex(result.values.get(0, 0))).toBe(hex(writer.encode(ValueType.INT64, kept)));
    });

    it("keeps the newest of several rows for one entity in a batch", async () => {
      const store = await fresh();
      await store.write(stats, [statsRow(1, 1, T0), statsRow(1, 3, T0 + 7_200_000), statsRow(1, 2, T0 + 3_600_000)]);
      const [read] = await store.read([{ table: stats, features: ["clicks"], entityKeys: [keys.encode([1])] }]);
      expect(hex(read.values.get(0, 0))).toBe(hex(writer.encode(ValueType.INT64, 3)));
    });

    it("is idempotent: writing the same batch twice changes nothing", async () => {
      const store = await fresh();
      const rows = Array.from({ length: 300 }, (_, i) => statsRow(i, i * 2, T0 + i * 1000));
      await store.write(stats, rows);
      await store.write(stats, rows);
      const [result] = await store.read([{ table: stats, features: stats.features, entityKeys: rows.map((r) => r.entityKey) }]);
      expect(result.values.toArrays().map((v) => v.map(hex))).toEqual(rows.map((r) => unpackValues(r.packedValues).map(hex)));
    });

    it("reads many entities in one request", async () => {
      const store = await fresh();
      const rows = Array.from({ length: 1200 }, (_, i) => statsRow(i, i, T0));
      await store.write(stats, rows);
      const [result] = await store.read([{ table: stats, features: ["clicks"], entityKeys: rows.map((r) => r.entityKey) }]);
      expect(result.values.toArrays().map((v) => hex(v[0]))).toEqual(rows.map((r) => hex(unpackValues(r.packedValues)[0])));
    });

    it("removes a view's data on teardown, leaving other views of the same entities", async () => {
      const store = await fresh();
      await store.write(stats, [statsRow(1, 5, T0), statsRow(2, 6, T0)]);
      await store.write(profile, [{ entityKey: keys.encode([1]), packedValues: packValues([writer.encode(ValueType.INT32, 33)]), eventTime: new Date(T0) }]);
      await store.update({ keep: [profile], remove: [stats] });
      const [s, p] = await store.read([
        { table: stats, features: ["clicks"], entityKeys: [keys.encode([1]), keys.encode([2])] },
        { table: profile, features: ["age"], entityKeys: [keys.encode([1])] },
      ]);
      expect(s.eventTimes).toEqual([undefined, undefined]);
      expect(s.values.toArrays()).toEqual([[undefined], [undefined]]);
      expect(hex(p.values.get(0, 0))).toBe(hex(writer.encode(ValueType.INT32, 33)));
    });

    it("answers empty requests without failing", async () => {
      const store = await fresh();
      expect(await store.read([])).toEqual([]);
      const [empty] = await store.read([{ table: stats, features: ["clicks"], entityKeys: [] }]);
      expect(empty.eventTimes).toEqual([]);
      expect(empty.values.rows).toBe(0);
      expect(await store.write(stats, [])).toEqual({ written: 0, skipped: 0 });
    });

    it(traits.bulkWrite ? "makes a bulk write visible at commit, and discards it on abort" : "has no bulk write path", async () => {
      const store = await fresh();
      if (!traits.bulkWrite) {
        expect(store.bulkWrite).toBeUndefined();
        return;
      }
      await store.write(stats, [statsRow(1, 1, T0), statsRow(2, 2, T0)]);
      const bulk = await store.bulkWrite!(stats);
      await bulk.write([statsRow(1, 10, T0 + 1000), statsRow(3, 30, T0)]);
      await bulk.write([statsRow(1, 11, T0 + 2000)]);
      const read = async () => (await store.read([{ table: stats, features: ["clicks"], entityKeys: [1, 2, 3].map((i) => keys.encode([i])) }]))[0];
      expect((await read()).values.toArrays().map((v) => hex(v[0]))).toEqual([hex(writer.encode(ValueType.INT64, 1)), hex(writer.encode(ValueType.INT64, 2)), undefined]);
      expect(await bulk.commit()).toBe(3);
      expect((await read()).values.toArrays().map((v) => hex(v[0]))).toEqual([11, 2, 30].map((n) => hex(writer.encode(ValueType.INT64, n))));
      const discarded = await store.bulkWrite!(stats);
      await discarded.write([statsRow(2, 99, T0 + 5000)]);
      await discarded.abort();
      expect(hex((await read()).values.get(1, 0))).toBe(hex(writer.encode(ValueType.INT64, 2)));
    });

    it("keeps projects apart", async () => {
      const a = await fresh();
      const b = await fresh();
      await a.write(stats, [statsRow(1, 5, T0)]);
      const [result] = await b.read([{ table: stats, features: ["clicks"], entityKeys: [keys.encode([1])] }]);
      expect(result.eventTimes).toEqual([undefined]);
    });
  });
}
