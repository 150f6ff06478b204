import Redis from "ioredis";
import { beforeAll, describe, expect, it } from "vitest";
import type { RedisOnlineStoreConfig } from "../../runtime/src/config";
import { ValueType } from "../../runtime/src/definitions/dtypes";
import { EntityKeyEncoder } from "../../runtime/src/online/entity-key";
import { keySlot } from "../../runtime/src/online/redis/key-slot";
import { RedisOnlineStore } from "../../runtime/src/online/redis/redis-online-store";
import { packValues, unpackValues, ValueWriter } from "../../runtime/src/online/value-encoder";
import { startRedisCluster, type RedisServer } from "../helpers/redis-server";
import { onlineStoreContract } from "./contract";

let nodes: RedisServer[];
beforeAll(async () => {
  nodes = await startRedisCluster();
});

const clusterConfig = (): RedisOnlineStoreConfig => ({
  type: "redis", redisType: "redis_cluster",
  connectionString: nodes.map((n) => `127.0.0.1:${n.port}`).join(",") + ",skip_full_coverage_check=true",
  fullScanForDeletion: true, skipDedup: false,
});

onlineStoreContract("Redis Cluster", { timePrecisionMs: 1, equalTimeKeeps: "stored", bulkWrite: false }, async (project) => new RedisOnlineStore(clusterConfig(), project, 3));

describe("Redis Cluster", () => {
  it("computes the server's slot for binary keys, hash tags included", async () => {
    const keys = new EntityKeyEncoder([{ name: "user_id", valueType: ValueType.INT64 }], 3);
    const samples = [
      Buffer.from("foo"), Buffer.from("{user1000}.following"), Buffer.from([0x7b, 0x7d, 0x01]),
      Buffer.from([0x00, 0x7b, 0xff, 0x7d, 0x7b, 0x7d]), Buffer.from([0x7b, 0x00, 0x7d]), Buffer.alloc(0),
      ...[123, 125, 0x7d7b, 31611].map((id) => Buffer.concat([keys.encode([id]), Buffer.from("proj")])),
    ];
    const raw = new Redis({ port: nodes[0].port, lazyConnect: true });
    await raw.connect();
    for (const key of samples) {
      const slot = Number(await raw.callBuffer("CLUSTER", ["KEYSLOT", key]));
      expect(keySlot(key), key.toString("hex")).toBe(slot);
    }
    await raw.quit();
  });

  it("spreads entities over every node and reads them back in one call", async () => {
    const keys = new EntityKeyEncoder([{ name: "user_id", valueType: ValueType.INT64 }], 3);
    const writer = new ValueWriter();
    const table = { name: "spread", joinKeys: ["user_id"], features: ["v"] };
    const store = new RedisOnlineStore(clusterConfig(), "spread_project", 3);
    const rows = Array.from({ length: 500 }, (_, i) => ({ entityKey: keys.encode([i]), packedValues: packValues([writer.encode(ValueType.INT64, i)]), eventTime: new Date(1000) }));
    await store.write(table, rows);
    const counts = await Promise.all(nodes.map(async (n) => Number(await n.cli("DBSIZE"))));
    expect(counts.every((c) => c > 50)).toBe(true);
    const [result] = await store.read([{ table, features: ["v"], entityKeys: rows.map((r) => r.entityKey) }]);
    expect(result.values.toArrays().map((v) => Buffer.from(v[0]!).toString("hex"))).toEqual(rows.map((r) => unpackValues(r.packedValues)[0].toString("hex")));
    await store.close();
  });
});
