import { inspect } from "node:util";
import Redis from "ioredis";
import { beforeAll, describe, expect, it } from "vitest";
import type { RedisOnlineStoreConfig } from "../../runtime/src/config";
import { ValueType } from "../../runtime/src/definitions/dtypes";
import { BackendError } from "../../runtime/src/errors";
import { EntityKeyEncoder } from "../../runtime/src/online/entity-key";
import { murmur3Field } from "../../runtime/src/online/murmur3";
import { RedisOnlineStore } from "../../runtime/src/online/redis/redis-online-store";
import { packValues, ValueWriter } from "../../runtime/src/online/value-encoder";
import { startRedis, startSentinel, type RedisServer } from "../helpers/redis-server";
import { onlineStoreContract } from "./contract";

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis();
});

function config(overrides: Partial<RedisOnlineStoreConfig> = {}): RedisOnlineStoreConfig {
  return {
    type: "redis", redisType: "redis", connectionString: `127.0.0.1:${server.port}`,
    fullScanForDeletion: true, skipDedup: false, ...overrides,
  };
}

onlineStoreContract("Redis", { timePrecisionMs: 1, equalTimeKeeps: "stored", bulkWrite: false }, async (project) => new RedisOnlineStore(config(), project, 3));

describe("Redis layout", () => {
  const keys = new EntityKeyEncoder([{ name: "driver_id", valueType: ValueType.INT64 }], 3);
  const writer = new ValueWriter();
  const table = { name: "driver_hourly_stats", joinKeys: ["driver_id"], features: ["conv_rate", "trips"] };
  const row = (id: number, at: string) => ({
    entityKey: keys.encode([id]),
    packedValues: packValues([writer.encode(ValueType.FLOAT, 0.5), writer.encode(ValueType.INT64, 308)]),
    eventTime: new Date(at),
  });

  it("writes Feast's hash: key = entity key ‖ project, murmur3 fields, _ts Timestamp", async () => {
    const store = new RedisOnlineStore(config(), "my_project", 3);
    await store.write(table, [row(1001, "2021-12-31T23:00:00Z")]);
    await store.close();
    const raw = new Redis({ port: server.port, lazyConnect: true });
    await raw.connect();
    const key = Buffer.from("010000000200000009000000" + "6472697665725f6964" + "04000000" + "08000000" + "e903000000000000" + "6d795f70726f6a656374", "hex");
    const flat = (await raw.callBuffer("HGETALL", [key])) as Buffer[];
    await raw.quit();
    const fields: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) fields[flat[i].toString("hex")] = flat[i + 1].toString("hex");
    expect(fields).toEqual({
      [Buffer.from("_ts:driver_hourly_stats").toString("hex")]: "08f096be8e06",   // 2021-12-31T23:00Z (an example of Feast's Redis layout)
      "6160e3da": "350000003f",                                                    // murmur3("driver_hourly_stats:conv_rate"): float 0.5
      [murmur3Field("driver_hourly_stats:trips").toString("hex")]: "20b402",        // int64 308
    });
  });

  it("reads a small hash mostly asked for with HGETALL, and picks fields out of a large one with HMGET", async () => {
    const store = new RedisOnlineStore(config(), "mode_project", 3);
    const narrow = { name: "narrow", joinKeys: ["driver_id"], features: Array.from({ length: 30 }, (_, f) => `n${f}`) };
    const broad = { name: "broad", joinKeys: ["driver_id"], features: Array.from({ length: 150 }, (_, f) => `f${f}`) };
    const rowOf = (table: typeof narrow, id: number) => ({ entityKey: keys.encode([id]), packedValues: packValues(table.features.map((_f, f) => writer.encode(ValueType.INT64, id * 1000 + f))), eventTime: new Date(1000) });
    await store.write(narrow, [1, 2, 3].map((id) => rowOf(narrow, id)));
    await store.write(broad, [3].map((id) => rowOf(broad, id)));
    const calls = async () => {
      const stats = await server.cli("INFO", "commandstats");
      const count = (command: string) => Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
      return { hgetall: count("hgetall"), hmget: count("hmget") };
    };
    const expected = (id: number, fs: number[]) => fs.map((f) => writer.encode(ValueType.INT64, id * 1000 + f).toString("hex"));
    expect(await server.cli("CONFIG", "RESETSTAT")).toContain("OK");
    // the view's 31 fields, all asked for: read whole; entity 3's hash turns out to hold 182
    // fields (the broad view's too), so the view is read field by field from then on
    const order = [...narrow.features.map((_f, f) => (f * 7) % 30), 5];   // n5 asked for twice
    const [small] = await store.read([{ table: narrow, features: order.map((f) => `n${f}`), entityKeys: [1, 2, 3].map((id) => keys.encode([id])) }]);
    expect(small.values.toArrays().map((r) => r.map((v) => Buffer.from(v!).toString("hex")))).toEqual([expected(1, order), expected(2, order), expected(3, order)]);
    expect(await calls()).toEqual({ hgetall: 3, hmget: 0 });
    const [again] = await store.read([{ table: narrow, features: order.map((f) => `n${f}`), entityKeys: [1, 2].map((id) => keys.encode([id])) }]);
    expect(again.values.toArrays().map((r) => r.map((v) => Buffer.from(v!).toString("hex")))).toEqual([expected(1, order), expected(2, order)]);
    expect(await calls()).toEqual({ hgetall: 3, hmget: 2 });
    // two fields of 31: picked out
    const [pair] = await store.read([{ table: narrow, features: ["n1", "n0"], entityKeys: [keys.encode([2])] }]);
    expect(pair.values.row(0).map((v) => Buffer.from(v!).toString("hex"))).toEqual(expected(2, [1, 0]));
    expect(await calls()).toEqual({ hgetall: 3, hmget: 3 });
    const [large] = await store.read([{ table: broad, features: broad.features, entityKeys: [keys.encode([3])] }]);
    expect(large.values.row(0).map((v) => Buffer.from(v!).toString("hex"))).toEqual(expected(3, broad.features.map((_f, f) => f)));
    expect(await calls()).toEqual({ hgetall: 3, hmget: 4 });
    // a fresh store, a small view of its own: whole hashes
    const fresh = new RedisOnlineStore(config(), "mode_project", 3);
    const [whole] = await fresh.read([{ table: narrow, features: narrow.features, entityKeys: [keys.encode([1])] }]);
    expect(whole.values.row(0).map((v) => Buffer.from(v!).toString("hex"))).toEqual(expected(1, narrow.features.map((_f, f) => f)));
    expect(await calls()).toEqual({ hgetall: 4, hmget: 4 });
    await fresh.close();
    await store.close();
  });

  it("reloads its write script when the server lost it (restart, SCRIPT FLUSH)", async () => {
    const store = new RedisOnlineStore(config(), "flush_project", 3);
    await store.write(table, [row(1, "2024-01-01T00:00:00Z")]);
    expect(await server.cli("SCRIPT", "FLUSH")).toBe("OK");
    expect(await store.write(table, [row(1, "2024-01-02T00:00:00Z"), row(2, "2024-01-02T00:00:00Z")])).toEqual({ written: 2, skipped: 0 });
    const [result] = await store.read([{ table, features: ["trips"], entityKeys: [keys.encode([1]), keys.encode([2])] }]);
    expect(result.eventTimes).toEqual([Date.parse("2024-01-02T00:00:00Z"), Date.parse("2024-01-02T00:00:00Z")]);
    await store.close();
  });

  it("expires the whole entity hash after key_ttl_seconds", async () => {
    const store = new RedisOnlineStore(config({ keyTtlSeconds: 3600 }), "ttl_project", 3);
    await store.write(table, [row(5, "2024-01-01T00:00:00Z")]);
    await store.close();
    const key = Buffer.concat([keys.encode([5]), Buffer.from("ttl_project")]);
    const raw = new Redis({ port: server.port, lazyConnect: true });
    await raw.connect();
    const ttl = await raw.ttl(key);
    await raw.quit();
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it("with skip_dedup, writes older rows over newer ones (Feast's fast path)", async () => {
    const store = new RedisOnlineStore(config({ skipDedup: true }), "dedup_project", 3);
    await store.write(table, [row(1, "2024-01-02T00:00:00Z")]);
    const older = { ...row(1, "2024-01-01T00:00:00Z"), packedValues: packValues([writer.encode(ValueType.FLOAT, 1), writer.encode(ValueType.INT64, 1)]) };
    expect(await store.write(table, [older])).toEqual({ written: 1, skipped: 0 });
    const [result] = await store.read([{ table, features: ["trips"], entityKeys: [keys.encode([1])] }]);
    await store.close();
    expect(result.eventTimes[0]).toBe(Date.parse("2024-01-01T00:00:00Z"));
  });

  it("compares stored event times to the nanosecond, as Feast does", async () => {
    const store = new RedisOnlineStore(config(), "nanos_project", 3);
    const key = Buffer.concat([keys.encode([1]), Buffer.from("nanos_project")]);
    const raw = new Redis({ port: server.port, lazyConnect: true });
    await raw.connect();
    // Feast wrote 2024-01-01T00:00:00.000500Z (microseconds survive in nanos)
    await raw.hset(key, "_ts:driver_hourly_stats", Buffer.from("088081c8ac0610a0c21e", "hex"));
    await raw.quit();
    expect(await store.write(table, [row(1, "2024-01-01T00:00:00.000Z")])).toEqual({ written: 0, skipped: 1 });
    expect(await store.write(table, [row(1, "2024-01-01T00:00:00.001Z")])).toEqual({ written: 1, skipped: 0 });
    await store.close();
  });

  it("deletes removed views with full_scan_for_deletion, and leaves them with it off", async () => {
    const other = { name: "other_view", joinKeys: ["driver_id"], features: ["x"] };
    const keep = new RedisOnlineStore(config({ fullScanForDeletion: false }), "scan_project", 3);
    await keep.write(table, [row(1, "2024-01-01T00:00:00Z")]);
    await keep.update({ keep: [], remove: [table] });
    const [still] = await keep.read([{ table, features: ["trips"], entityKeys: [keys.encode([1])] }]);
    expect(still.eventTimes[0]).toBeDefined();
    await keep.close();

    const store = new RedisOnlineStore(config(), "scan_project", 3);
    await store.write(other, [{ entityKey: keys.encode([1]), packedValues: packValues([writer.encode(ValueType.INT64, 1)]), eventTime: new Date(0) }]);
    await store.update({ keep: [other], remove: [table] });
    const [gone, kept] = await store.read([
      { table, features: ["trips"], entityKeys: [keys.encode([1])] },
      { table: other, features: ["x"], entityKeys: [keys.encode([1])] },
    ]);
    expect(gone.eventTimes[0]).toBeUndefined();
    expect(kept.values.get(0, 0)).toBeDefined();
    await store.update({ keep: [], remove: [other] });
    expect(await server.cli("DBSIZE")).toMatch(/^\d+$/);
    const raw = new Redis({ port: server.port, lazyConnect: true });
    await raw.connect();
    expect(await raw.exists(Buffer.concat([keys.encode([1]), Buffer.from("scan_project")]))).toBe(0);
    await raw.quit();
    await store.close();
  });
});

describe("Redis AUTH", () => {
  let secured: RedisServer;
  const keys = new EntityKeyEncoder([{ name: "id", valueType: ValueType.STRING }], 3);
  const table = { name: "v", joinKeys: ["id"], features: ["f"] };
  const writer = new ValueWriter();
  beforeAll(async () => {
    secured = await startRedis({
      args: ["--requirepass", "default-pw", "--user", ..."alice on >alice-pw ~* &* +@all".split(" "), "--user", ..."bob on >bob-pw ~other:* +@all".split(" "), "--user", ..."carol on >carol-pw ~* +@all -@scripting".split(" ")],
      cliArgs: ["-a", "default-pw", "--no-auth-warning"],
    });
  });
  const at = (extra: string) => config({ connectionString: `127.0.0.1:${secured.port},${extra}` });

  it("authenticates with a password and with an ACL user and password", async () => {
    for (const extra of ["password=default-pw", "username=alice,password=alice-pw"]) {
      const store = new RedisOnlineStore(at(extra), "auth_project", 3);
      await store.write(table, [{ entityKey: keys.encode(["a"]), packedValues: packValues([writer.encode(ValueType.STRING, extra)]), eventTime: new Date(Date.now() + extra.length) }]);
      const [result] = await store.read([{ table, features: ["f"], entityKeys: [keys.encode(["a"])] }]);
      expect(Buffer.from(result.values.get(0, 0)!).toString()).toContain(extra);
      await store.close();
    }
  });

  it("fails fast with the server's address and a hint, never the password", async () => {
    for (const extra of ["password=hunter2-secret", "username=alice,password=hunter2-secret", ""]) {
      const store = new RedisOnlineStore(at(extra), "p", 3);
      const error = await store.read([{ table, features: ["f"], entityKeys: [keys.encode(["a"])] }]).catch((e: unknown) => e);
      await store.close();
      expect(error).toBeInstanceOf(BackendError);
      expect((error as BackendError).message).toContain(`connecting to redis at 127.0.0.1:${secured.port}`);
      expect((error as BackendError).hint).toMatch(/username and password/);
      expect(inspect(error, { depth: 10, showHidden: true })).not.toContain("hunter2");
    }
  });

  it("writes as Feast does (HMGET, then HSET) for a user who may not run scripts", async () => {
    const store = new RedisOnlineStore(at("username=carol,password=carol-pw"), "carol_project", 3);
    const row = (v: string, at: number) => ({ entityKey: keys.encode(["c"]), packedValues: packValues([writer.encode(ValueType.STRING, v)]), eventTime: new Date(at) });
    expect(await store.write(table, [row("new", 2000)])).toEqual({ written: 1, skipped: 0 });
    expect(await store.write(table, [row("old", 1000)])).toEqual({ written: 0, skipped: 1 });
    const [result] = await store.read([{ table, features: ["f"], entityKeys: [keys.encode(["c"])] }]);
    expect(Buffer.from(result.values.get(0, 0)!).toString()).toContain("new");
    await store.close();
  });

  it("reports a command the ACL user may not run, naming the command", async () => {
    const store = new RedisOnlineStore(at("username=bob,password=bob-pw"), "p", 3);
    const error = await store.read([{ table, features: ["f"], entityKeys: [keys.encode(["a"])] }]).catch((e: unknown) => e);
    await store.close();
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(/(EVALSHA|HMGET|HGETALL) .*NOPERM/s);
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain("bob-pw");
  });
});

describe("Redis behind sentinels", () => {
  it("finds the master through a sentinel (redis_type: redis_sentinel) and reads what it wrote", async () => {
    const sentinel = await startSentinel(server);
    const store = new RedisOnlineStore(config({ redisType: "redis_sentinel", sentinelMaster: "mymaster", connectionString: `127.0.0.1:${sentinel.port}` }), "sentinel_project", 3);
    const keys = new EntityKeyEncoder([{ name: "id", valueType: ValueType.INT64 }], 3);
    const writer = new ValueWriter();
    const table = { name: "v", joinKeys: ["id"], features: ["f"] };
    await store.write(table, [{ entityKey: keys.encode([7]), packedValues: packValues([writer.encode(ValueType.INT64, 42)]), eventTime: new Date(1000) }]);
    const [result] = await store.read([{ table, features: ["f"], entityKeys: [keys.encode([7])] }]);
    expect(Buffer.from(result.values.get(0, 0)!).toString("hex")).toBe("202a");
    await store.close();
    // the data is on the master the sentinel named
    const raw = new Redis({ port: server.port, lazyConnect: true });
    await raw.connect();
    expect(await raw.exists(Buffer.concat([keys.encode([7]), Buffer.from("sentinel_project")]))).toBe(1);
    await raw.quit();
  });

  it("pointed at a plain Redis (no sentinel there), fails within seconds with an error saying so", async () => {
    const store = new RedisOnlineStore(config({ redisType: "redis_sentinel", sentinelMaster: "mymaster", connectionString: `127.0.0.1:${server.port}` }), "p", 3);
    const began = Date.now();
    const error = await store.read([{ table: { name: "v", joinKeys: ["id"], features: ["f"] }, features: ["f"], entityKeys: [Buffer.from("k")] }]).catch((e: unknown) => e);
    await store.close();
    expect(Date.now() - began).toBeLessThan(15_000);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(new RegExp(`Redis: connecting to .*127\\.0\\.0\\.1:${server.port}.* failed: .*sentinel`, "i"));
    expect((error as BackendError).hint).toMatch(/redis_type: redis_sentinel needs the sentinels' addresses .*; for a plain Redis use redis_type: redis/);
  }, 60_000);
});
