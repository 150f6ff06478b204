import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Entity, FeatureView, FileSource, PushSource, type FeatureStore } from "../../runtime/src/index";
import { FeatureServer } from "../../runtime/src/server/feature-server";
import { pushOnline } from "../../runtime/src/server/push";
import { definitions, openStore, scratchDir } from "../helpers/online-repo";
import { startRedis, type RedisServer } from "../helpers/redis-server";

// A pushed row dated in the future would win on Redis until that date (writes keep the newest
// event time), so /push refuses event times beyond now + an allowance. Real redis-server.

const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const source = new FileSource({ name: "events_source", path: "data/events.parquet", timestampField: "ts", fieldMapping: { event_ts: "ts" } });
const push = new PushSource({ name: "events_push", batchSource: source });
const events = new FeatureView({ name: "events", entities: [user], ttl: 0, source: push, schema: [{ name: "clicks", dtype: "Int64" }] });

const MINUTE = 60_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

describe("push refuses event times in the future", () => {
  let redis: RedisServer;
  let store: FeatureStore;
  const servers: FeatureServer[] = [];

  const serve = async (options: ConstructorParameters<typeof FeatureServer>[1] = {}) => {
    const server = new FeatureServer(store, options);
    servers.push(server);
    const { port } = await server.listen(0, "127.0.0.1");
    return (df: Record<string, unknown[]>) => fetch(`http://127.0.0.1:${port}/push`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ push_source_name: "events_push", df, to: "online" }),
    });
  };
  const clicks = async (...ids: number[]) => (await store.getOnlineFeatures({ features: ["events:clicks"], entityRows: ids.map((user_id) => ({ user_id })) })).toObject().clicks;

  beforeAll(async () => {
    redis = await startRedis();
    store = await openStore(scratchDir(), "push_future", { type: "redis", connection_string: `127.0.0.1:${redis.port}` });
    await store.apply(definitions(user, source, push, events));
  }, 60_000);

  afterAll(async () => {
    for (const server of servers) await server.close();
    await store?.close();
  });

  it("answers 422 naming the view, the column and the row, and writes nothing of the push", async () => {
    const send = await serve();
    expect((await send({ user_id: [1], event_ts: [iso(-MINUTE)], clicks: [10] })).status).toBe(200);
    const refused = await send({ user_id: [2, 1], event_ts: [iso(-MINUTE), iso(365 * 24 * 60 * MINUTE)], clicks: [20, 99] });
    expect(refused.status).toBe(422);
    const detail = JSON.parse((await refused.json()) as string) as { message: string };
    expect(detail.message).toContain("push to events: event_ts[1]");
    expect(detail.message).toContain("ahead of the server's clock (allowed: 5m)");
    // Neither row was written: user 1 keeps its value, user 2 (valid on its own) is not there.
    expect(await clicks(1, 2)).toEqual([10n, null]);
    // A later, honest write still lands (it would be skipped behind a row dated next year).
    expect((await send({ user_id: [1], event_ts: [iso(0)], clicks: [11] })).status).toBe(200);
    expect(await clicks(1)).toEqual([11n]);
  });

  it("allows clock skew within the allowance, which is configurable", async () => {
    const lenient = await serve();
    expect((await lenient({ user_id: [3], event_ts: [iso(2 * MINUTE)], clicks: [30] })).status).toBe(200);
    const strict = await serve({ pushFutureSkewSeconds: 0 });
    const res = await strict({ user_id: [4], event_ts: [iso(2 * MINUTE)], clicks: [40] });
    expect(res.status).toBe(422);
    expect(JSON.parse((await res.json()) as string).message).toContain("allowed: 0s");
    expect(await clicks(3, 4)).toEqual([30n, null]);
  });

  it("is enforced by the push API itself, not only over HTTP", async () => {
    await expect(pushOnline(store, "events_push", { user_id: [5], event_ts: [iso(10 * MINUTE)], clicks: [50] }))
      .rejects.toThrow(/event_ts\[0\] .* ahead of the server's clock/);
    await expect(pushOnline(store, "events_push", { user_id: [5], event_ts: [iso(10 * MINUTE)], clicks: [50] }, { futureSkewSeconds: 3600 }))
      .resolves.toMatchObject({ views: [{ view: "events", written: 1 }] });
    expect(await clicks(5)).toEqual([50n]);
  });
});
