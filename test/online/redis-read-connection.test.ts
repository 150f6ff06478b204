import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RedisOnlineStoreConfig } from "../../runtime/src/config";
import { ValueType } from "../../runtime/src/definitions/dtypes";
import { BackendError } from "../../runtime/src/errors";
import { EntityKeyEncoder } from "../../runtime/src/online/entity-key";
import { RedisOnlineStore } from "../../runtime/src/online/redis/redis-online-store";
import { packValues, ValueWriter } from "../../runtime/src/online/value-encoder";
import { startRedis, type RedisServer } from "../helpers/redis-server";

// The read path's own connection (redis_type: redis) against a real redis-server: replies larger
// than a socket chunk, concurrent reads sharing it, a dropped connection, server error replies,
// and an ACL user allowed only Feast's HMGET.

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis({ args: ["--user", ..."feastlike on >fl-pw ~* &* +ping +hmget +hset +evalsha +script".split(" ")] });
});
afterAll(async () => {
  await server.stop();
});

const config = (extra = ""): RedisOnlineStoreConfig => ({
  type: "redis", redisType: "redis", connectionString: `127.0.0.1:${server.port}${extra}`, fullScanForDeletion: true, skipDedup: false,
});
const keys = new EntityKeyEncoder([{ name: "id", valueType: ValueType.INT64 }], 3);
const writer = new ValueWriter();
const table = { name: "wide", joinKeys: ["id"], features: Array.from({ length: 50 }, (_, f) => `f${f}`) };
const value = (id: number, f: number) => writer.encode(ValueType.STRING, `${id}:${f}:${"x".repeat(40)}`);
const rowOf = (id: number) => ({ entityKey: keys.encode([id]), packedValues: packValues(table.features.map((_n, f) => value(id, f))), eventTime: new Date(1_700_000_000_000 + id) });
const hexRows = (values: { toArrays(): (Uint8Array | undefined)[][] }) => values.toArrays().map((r) => r.map((v) => (v ? Buffer.from(v).toString("hex") : null)));
const expected = (ids: number[], fs: number[]) => ids.map((id) => fs.map((f) => value(id, f).toString("hex")));

describe("Redis read connection", () => {
  const ids = Array.from({ length: 1000 }, (_, i) => i);
  beforeAll(async () => {
    const store = new RedisOnlineStore(config(), "rc", 3);
    await store.write(table, ids.map(rowOf));
    await store.close();
  });

  it("reads 1,000 entities x 50 features (a reply of many socket chunks) and concurrent reads each get their own rows", async () => {
    const store = new RedisOnlineStore(config(), "rc", 3);
    const all = table.features.map((_n, f) => f);
    const [big] = await store.read([{ table, features: table.features, entityKeys: ids.map((id) => keys.encode([id])) }]);
    expect(hexRows(big.values)).toEqual(expected(ids, all));
    expect(big.eventTimes).toEqual(ids.map((id) => 1_700_000_000_000 + id));
    const picks = Array.from({ length: 40 }, (_, i) => [(i * 37) % 1000, (i * 11 + 5) % 1000]);
    const results = await Promise.all(picks.map((p, i) => store.read([{ table, features: i % 2 ? table.features : ["f3", "f1"], entityKeys: p.map((id) => keys.encode([id])) }])));
    results.forEach(([r], i) => expect(hexRows(r.values)).toEqual(expected(picks[i], i % 2 ? all : [3, 1])));
    await store.close();
  });

  it("reads again after the server dropped its connection", async () => {
    const store = new RedisOnlineStore(config(",client_name=skewless-reader"), "rc", 3);
    const read = async () => (await store.read([{ table, features: ["f7"], entityKeys: [keys.encode([7])] }]))[0];
    expect(hexRows((await read()).values)).toEqual(expected([7], [7]));
    expect(await server.cli("CLIENT", "KILL", "TYPE", "normal")).not.toBe("0");
    expect(hexRows((await read()).values)).toEqual(expected([7], [7]));
    expect(await server.cli("CLIENT", "LIST")).toContain("name=skewless-reader");
    await store.close();
  });

  it("reports a server error reply as a BackendError naming the command, and keeps reading", async () => {
    const raw = new Redis({ port: server.port });
    const bad = keys.encode([999_999]);
    await raw.set(Buffer.concat([bad, Buffer.from("rc")]), "not a hash");
    await raw.quit();
    const store = new RedisOnlineStore(config(), "rc", 3);
    const error = await store.read([{ table, features: table.features, entityKeys: [keys.encode([1]), bad] }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(/HGETALL x 2 on redis at 127\.0\.0\.1:\d+ failed: WRONGTYPE/);
    const [ok] = await store.read([{ table, features: ["f0"], entityKeys: [keys.encode([2])] }]);
    expect(hexRows(ok.values)).toEqual(expected([2], [0]));
    await store.close();
  });

  it("reads with HMGET, as Feast does, for an ACL user who may not run HGETALL", async () => {
    const store = new RedisOnlineStore(config(",username=feastlike,password=fl-pw"), "rc", 3);
    for (let round = 0; round < 2; round++) {
      const [r] = await store.read([{ table, features: table.features, entityKeys: [keys.encode([4]), keys.encode([5])] }]);
      expect(hexRows(r.values)).toEqual(expected([4, 5], table.features.map((_n, f) => f)));
    }
    await store.close();
  });
});
