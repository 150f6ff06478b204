import { DescribeTableCommand, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRepoConfig } from "../../runtime/src/config";
import { ValueType } from "../../runtime/src/definitions/dtypes";
import { ConfigError } from "../../runtime/src/errors";
import type { DynamoDbOnlineStoreConfig } from "../../runtime/src/online/dynamodb/dynamodb-config";
import { entityId, parseEventTs, pythonUtcString } from "../../runtime/src/online/dynamodb/dynamodb-layout";
import { DynamoDbOnlineStore } from "../../runtime/src/online/dynamodb/dynamodb-online-store";
import { EntityKeyEncoder } from "../../runtime/src/online/entity-key";
import { murmur3x64Bytes } from "../../runtime/src/online/murmur3";
import { packValues, ValueWriter } from "../../runtime/src/online/value-encoder";
import { ensureEmulators, startS3Server, type LocalServer } from "../helpers/emulators";
import { Entity, FeatureView, FileSource } from "../../runtime/src/index";
import { renderPlan } from "../../runtime/src/registry/render-plan";
import { definitions, openStore, scratchDir } from "../helpers/online-repo";
import { onlineStoreContract } from "./contract";

// moto's server dispatches by the request's signing service, so the launcher the S3 tests use
// serves DynamoDB as well.
let moto: LocalServer;
beforeAll(async () => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "AKIATESTSKEWLESS", AWS_SECRET_ACCESS_KEY: "test-secret" });
  await ensureEmulators();
  moto = await startS3Server();
}, 15 * 60_000);
afterAll(async () => { await moto?.stop(); });

function config(overrides: Partial<DynamoDbOnlineStoreConfig> = {}): DynamoDbOnlineStoreConfig {
  return { type: "dynamodb", region: "us-west-2", endpointUrl: moto.endpoint, batchSize: 100, tableNameTemplate: "{project}.{table_name}", consistentReads: true, ...overrides };
}

onlineStoreContract("DynamoDB", { timePrecisionMs: 1, equalTimeKeeps: "incoming", bulkWrite: false }, async (project) => new DynamoDbOnlineStore(config(), project));

describe("DynamoDB layout", () => {
  it("names items with mmh3.hash_bytes, bit for bit (values printed by Python's mmh3 5.3.1)", () => {
    const cases: [string, string][] = [
      ["", "00000000000000000000000000000000"],
      ["61", "897859f6655555855a890e51483ab5e6"],
      ["6162636465666768", "028cef37b00a8acca14069eb600d8948"],
      ["616263646566676869", "64793cf1cfc0470533e041b7f53db579"],
      ["30313233343536373839616263646566", "a7d14acf946de04bda08a7635c5bc387"],
      [Buffer.from(Array.from({ length: 40 }, (_, i) => i)).toString("hex"), "64808c41d854a0c3ad124c9730ca01a0"],
    ];
    for (const [input, hash] of cases) expect(murmur3x64Bytes(Buffer.from(input, "hex")).toString("hex")).toBe(hash);
  });

  it("writes event_ts as Python's str(datetime) and reads what fromisoformat accepts", () => {
    expect(pythonUtcString(new Date("2024-01-02T03:04:05Z"))).toBe("2024-01-02 03:04:05+00:00");
    expect(pythonUtcString(new Date("2024-01-02T03:04:05.123Z"))).toBe("2024-01-02 03:04:05.123000+00:00");
    expect(parseEventTs("2024-01-02 03:04:05.123456+00:00")).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 123));
    expect(parseEventTs("2024-01-02 05:04:05+02:00")).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
  });

  it("creates {project}.{view} keyed by entity_id and stores Feast's item", async () => {
    const store = new DynamoDbOnlineStore(config(), "layout_project");
    const table = { name: "driver_hourly_stats", joinKeys: ["driver_id"], features: ["conv_rate", "trips"] };
    await store.update({ keep: [table], remove: [] });
    const keys = new EntityKeyEncoder([{ name: "driver_id", valueType: ValueType.INT64 }], 3);
    const writer = new ValueWriter();
    const key = keys.encode([1001]);
    await store.write(table, [{ entityKey: key, packedValues: packValues([writer.encode(ValueType.FLOAT, 0.5), writer.encode(ValueType.INT64, 308)]), eventTime: new Date("2021-12-31T23:00:00Z") }]);
    const raw = new DynamoDBClient({ region: "us-west-2", endpoint: moto.endpoint });
    const described = await raw.send(new DescribeTableCommand({ TableName: "layout_project.driver_hourly_stats" }));
    expect(described.Table?.KeySchema).toEqual([{ AttributeName: "entity_id", KeyType: "HASH" }]);
    const got = await raw.send(new GetItemCommand({ TableName: "layout_project.driver_hourly_stats", Key: { entity_id: { S: entityId(key) } } }));
    expect(got.Item?.event_ts).toEqual({ S: "2021-12-31 23:00:00+00:00" });
    expect(Buffer.from(got.Item!.values!.M!.conv_rate!.B!).toString("hex")).toBe("350000003f");
    expect(Buffer.from(got.Item!.values!.M!.trips!.B!).toString("hex")).toBe("20b402");
    await store.update({ keep: [], remove: [table] });
    await expect(raw.send(new DescribeTableCommand({ TableName: "layout_project.driver_hourly_stats" }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    raw.destroy();
    await store.close();
  });

  it("reads more entities than one BatchGetItem takes", async () => {
    const store = new DynamoDbOnlineStore(config({ batchSize: 7 }), "batch_project");
    const table = { name: "wide", joinKeys: ["id"], features: ["n"] };
    await store.update({ keep: [table], remove: [] });
    const keys = new EntityKeyEncoder([{ name: "id", valueType: ValueType.INT64 }], 3);
    const writer = new ValueWriter();
    const rows = Array.from({ length: 60 }, (_, i) => ({ entityKey: keys.encode([i]), packedValues: packValues([writer.encode(ValueType.INT64, i * 3)]), eventTime: new Date(1_000_000 + i) }));
    expect(await store.write(table, rows)).toEqual({ written: 60, skipped: 0 });
    const [result] = await store.read([{ table, features: ["n"], entityKeys: rows.map((r) => r.entityKey) }]);
    expect(result.values.toArrays().map((v) => Buffer.from(v[0]!).toString("hex"))).toEqual(rows.map((_, i) => Buffer.from(writer.encode(ValueType.INT64, i * 3)).toString("hex")));
    expect(result.eventTimes).toEqual(rows.map((_, i) => 1_000_000 + i));
    await store.close();
  });
});

describe("apply with a DynamoDB online store", () => {
  const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
  const source = new FileSource({ name: "events", path: "data/events.parquet", timestampField: "event_timestamp" });
  const view = (name: string) => new FeatureView({ name, entities: [user], source, schema: [{ name: "clicks", dtype: "Int64" }] });
  const exists = async (raw: DynamoDBClient, name: string) =>
    raw.send(new DescribeTableCommand({ TableName: name })).then(() => true, (e: Error) => (e.name === "ResourceNotFoundException" ? false : Promise.reject(e)));

  it("creates a table per view, records Feast's DynamoDBTable objects, deletes the tables of removed views", async () => {
    const online = { type: "dynamodb", region: "us-west-2", endpoint_url: moto.endpoint };
    const store = await openStore(scratchDir(), "dyn_apply", online);
    const raw = new DynamoDBClient({ region: "us-west-2", endpoint: moto.endpoint });
    const first = await store.apply(definitions(user, source, view("clicks_a"), view("clicks_b")));
    expect(renderPlan(first)).toMatch(/\n\nCreated DynamoDB table dyn_apply\.clicks_a\nCreated DynamoDB table dyn_apply\.clicks_b$/);
    expect(await exists(raw, "dyn_apply.clicks_a")).toBe(true);
    const objects = (await store.registry.load()).proto.infra?.infra_objects ?? [];
    expect(objects.map((o) => [o.infra_object_class_type, Buffer.from(o.custom_infra!.field!).toString("utf8")])).toEqual(["a", "b"].map((v) => [
      "feast.infra.online_stores.dynamodb.DynamoDBTable",
      `{"name": "dyn_apply.clicks_${v}", "region": "us-west-2", "endpoint_url": "${moto.endpoint}"}`,
    ]));
    expect(renderPlan(await store.apply(definitions(user, source, view("clicks_a"), view("clicks_b"))))).toBe("No changes to registry\n\nNo changes to infrastructure");
    const removal = await store.apply(definitions(user, source, view("clicks_a")));
    expect(renderPlan(removal, { tense: "future" })).toMatch(/\n\nWill delete DynamoDB table dyn_apply\.clicks_b$/);
    expect(await exists(raw, "dyn_apply.clicks_b")).toBe(false);
    expect(await exists(raw, "dyn_apply.clicks_a")).toBe(true);
    raw.destroy();
    await store.close();
  });
});

describe("DynamoDB config", () => {
  const parse = (online: unknown) => parseRepoConfig({ project: "p", registry: "data/registry.db", provider: "aws", online_store: online }, "/repo").onlineStore;
  it("takes Feast's keys with Feast's defaults", () => {
    expect(parse({ type: "dynamodb", region: "eu-west-1", max_pool_connections: 20 })).toEqual({
      type: "dynamodb", region: "eu-west-1", endpointUrl: undefined, batchSize: 100, tableNameTemplate: "{project}.{table_name}", consistentReads: false, tags: undefined,
    });
  });
  it("names the key that is wrong", () => {
    expect(() => parse({ type: "dynamodb" })).toThrow(/online_store\.region is required/);
    expect(() => parse({ type: "dynamodb", region: "x", batch_size: 500 })).toThrow(ConfigError);
    expect(() => parse({ type: "dynamodb", region: "x", regoin: "y" })).toThrow(/online_store\.regoin is not a known key/);
  });
});
