import { promises as fs } from "node:fs";
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeatureStore } from "../../runtime/src/index";
import { FeatureServer } from "../../runtime/src/server/feature-server";
import { tempDir } from "../helpers/tmp";

// The HTTP feature server against a real repo: parquet, registry, SQLite online store.

const BIG = "9007199254740993";   // 2^53 + 1: not representable as a double
const DEFINITIONS = `import { Entity, FeatureService, FeatureView, FileSource, PushSource } from "@skewless/runtime";
export const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
export const source = new FileSource({ name: "stats_source", path: "data/stats.parquet", timestampField: "event_timestamp" });
export const push = new PushSource({ name: "stats_push", batchSource: source });
export const stats = new FeatureView({
  name: "stats", entities: [user], ttl: 0, source: push,
  schema: [{ name: "clicks", dtype: "Int64" }, { name: "ctr", dtype: "Float32" }, { name: "label", dtype: "String" }, { name: "raw", dtype: "Bytes" }],
});
export const svc = new FeatureService({ name: "svc", features: [stats.select("clicks", "label")] });
`;

interface FeastBody {
  metadata: { feature_names: string[] };
  results: { values: unknown[]; statuses: string[]; event_timestamps: string[] }[];
}

describe("skewless serve: Feast's feature server API", () => {
  const repo = tempDir();
  let store: FeatureStore;
  let server: FeatureServer;
  let base: string;
  const post = (route: string, body: unknown) => fetch(`${base}${route}`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });

  beforeAll(async () => {
    await fs.mkdir(path.join(repo, "data"));
    await fs.writeFile(path.join(repo, "feature_store.yaml"), "project: served\nregistry: data/registry.db\nonline_store:\n  type: sqlite\n  path: data/online.db\n");
    await fs.writeFile(path.join(repo, "features.ts"), DEFINITIONS);
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await connection.run(`COPY (SELECT * FROM (VALUES
        (1::BIGINT, TIMESTAMPTZ '2026-01-01 10:00:00+00', 5::BIGINT, 0.25::FLOAT, 'a', '\\x01\\x02'::BLOB),
        (2::BIGINT, TIMESTAMPTZ '2026-01-01 11:00:00+00', ${BIG}::BIGINT, NULL::FLOAT, 'b', NULL::BLOB)
      ) t(user_id, event_timestamp, clicks, ctr, label, raw)) TO '${path.join(repo, "data", "stats.parquet")}' (FORMAT parquet)`);
    connection.closeSync();
    instance.closeSync();
    store = await FeatureStore.open(repo);
    await store.apply();
    await store.materialize(new Date("2025-12-31T00:00:00Z"), new Date("2026-01-02T00:00:00Z"));
    server = new FeatureServer(store);
    const address = await server.listen(0, "127.0.0.1");
    base = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it("answers /get-online-features column-major, with what getOnlineFeatures returns", async () => {
    const request = { features: ["stats:clicks", "stats:ctr", "stats:label", "stats:raw"], entities: { user_id: [1, 2, 3] } };
    const res = await post("/get-online-features", request);
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text) as FeastBody;
    const direct = await store.getOnlineFeatures({ features: request.features, entityRows: request.entities });
    expect(body.metadata.feature_names).toEqual(direct.featureNames);
    body.results.forEach((column, i) => {
      expect(column.statuses).toEqual(direct.results[i].statuses);
      expect(column.event_timestamps).toEqual(direct.results[i].eventTimestamps.map((t) => (t ? t.toISOString().replace(".000Z", "Z") : "1970-01-01T00:00:00Z")));
    });
    expect(body.results[1].statuses).toEqual(["PRESENT", "PRESENT", "NOT_FOUND"]);
    expect(body.results[2].values).toEqual([0.25, null, null]);
    expect(body.results[2].statuses).toEqual(["PRESENT", "PRESENT", "NOT_FOUND"]);   // a stored null: PRESENT, as Feast 0.66
    expect(body.results[3].values).toEqual(["a", "b", null]);
    expect(body.results[4].values[0]).toBe(Buffer.from([1, 2]).toString("base64"));
    expect(text).toContain(`"values":[5,${BIG},null]`);   // Int64 exact, not rounded through a double
  });

  it("serves a feature service and full feature names", async () => {
    const body = (await (await post("/get-online-features", { feature_service: "svc", entities: { user_id: [1] }, full_feature_names: true })).json()) as FeastBody;
    expect(body.metadata.feature_names).toEqual(["user_id", "stats__clicks", "stats__label"]);
    expect(body.results.map((r) => r.values[0])).toEqual([1, 5, "a"]);
  });

  it("reports errors as Feast does: a JSON string holding module, class and message", async () => {
    const missing = await post("/get-online-features", { features: ["nope:x"], entities: { user_id: [1] } });
    expect(missing.status).toBe(404);
    const detail = JSON.parse((await missing.json()) as string);
    expect(detail).toMatchObject({ module: "feast.errors", class: "FeatureViewNotFoundException" });
    expect(detail.message).toContain("feature view nope does not exist in project served");
    expect((await post("/get-online-features", { features: ["stats:nope"], entities: { user_id: [1] } })).status).toBe(422);
    expect((await post("/get-online-features", "{not json")).status).toBe(400);
    expect((await post("/get-online-features", { features: ["stats:clicks"] })).status).toBe(422);
    expect((await fetch(`${base}/get-online-features`)).status).toBe(405);
    expect((await post("/nowhere", {})).status).toBe(404);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it("pushes rows to the online store of every view the push source feeds", async () => {
    const res = await post("/push", {
      push_source_name: "stats_push",
      df: { user_id: [3], event_timestamp: ["2026-01-01T12:00:00"], clicks: [42], ctr: [0.1], label: ["pushed"], raw: [null] },
      to: "online",
    });
    expect(res.status).toBe(200);
    const row = (await store.getOnlineFeatures({ features: ["stats:clicks", "stats:ctr", "stats:label"], entityRows: [{ user_id: 3 }] })).toRows()[0];
    expect(row).toEqual({ user_id: 3, clicks: 42n, ctr: Math.fround(0.1), label: "pushed" });
    const offline = await post("/push", { push_source_name: "stats_push", df: { user_id: [3] }, to: "offline" });
    expect(offline.status).toBe(422);
    const wrong = await post("/push", { push_source_name: "stats_push", df: { user_id: [4], event_timestamp: ["2026-01-01T12:00:00Z"], clicks: [1.5], ctr: [0], label: ["x"], raw: [null] } });
    expect(wrong.status).toBe(422);
    expect(JSON.parse((await wrong.json()) as string).message).toContain("clicks");
  });

  it("materializes on request, and refuses a second run while one is going", async () => {
    const sync = await post("/materialize", { start_ts: "2025-12-31T00:00:00", end_ts: "2026-01-02T00:00:00", feature_views: ["stats"] });
    expect(sync.status).toBe(200);
    expect(await sync.text()).toBe("null");
    const [first, second] = await Promise.all([
      post("/materialize-incremental?async=true", { end_ts: "2026-01-03T00:00:00Z" }),
      post("/materialize-incremental", { end_ts: "2026-01-03T00:00:00Z" }),
    ]);
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ status: "accepted", feature_views: null });
    expect(second.status).toBe(409);
    expect((await post("/materialize", { start_ts: "yesterday", end_ts: "2026-01-02T00:00:00Z" })).status).toBe(422);
  });
});
