import * as http from "node:http";
import * as net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Entity, FeatureService, FeatureView, FileSource, PushSource, type FeatureStore } from "../../runtime/src/index";
import { FeatureServer } from "../../runtime/src/server/feature-server";
import { withDeadline } from "../../runtime/src/server/http-limits";
import { isLoopbackAddress } from "../../runtime/src/server/request-guard";
import type { ServerLimits } from "../../runtime/src/server/limits";
import { definitions, openStore, scratchDir, writeRows } from "../helpers/online-repo";

// The feature server against hostile or careless clients: content types, Host/Origin on loopback,
// deep JSON, too many entities or values, slow and idle connections, and /health while a large
// request runs. A real SQLite online store; every request goes to 127.0.0.1 only.

const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
const source = new FileSource({ name: "stats_source", path: "data/stats.parquet", timestampField: "event_timestamp" });
const push = new PushSource({ name: "stats_push", batchSource: source });
const stats = new FeatureView({
  name: "stats", entities: [user], ttl: 0, source: push,
  schema: [{ name: "clicks", dtype: "Int64" }, { name: "label", dtype: "String" }],
});
const svc = new FeatureService({ name: "svc", features: [stats] });

interface Reply {
  status: number;
  text: string;
}

/** One request with exactly these headers (fetch would add or forbid some). */
function request(port: number, route: string, body: string | undefined, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: route, method: body === undefined ? "GET" : "POST", headers, agent: false }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const JSON_HEADERS = { "content-type": "application/json" };
const message = (reply: Reply) => (JSON.parse(JSON.parse(reply.text) as string) as { message: string }).message;
const entities = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const online = (ids: number[], features: string[] = ["stats:clicks"]) => JSON.stringify({ features, entities: { user_id: ids } });

describe("feature server limits and guards", () => {
  let store: FeatureStore;
  const servers: FeatureServer[] = [];
  const serve = async (limits: Partial<ServerLimits> = {}) => {
    const server = new FeatureServer(store, { limits });
    servers.push(server);
    return (await server.listen(0, "127.0.0.1")).port;
  };
  let port: number;

  beforeAll(async () => {
    store = await openStore(scratchDir(), "limits", { type: "sqlite" });
    await store.apply(definitions(user, source, push, stats, svc));
    await writeRows(store, "stats", [{ user_id: 1, clicks: 5, label: "a" }, { user_id: 2, clicks: 6, label: "b" }], new Date("2026-01-01T00:00:00Z"));
    port = await serve({ maxEntities: 1000, maxFeatureValues: 1500, maxBodyBytes: 64 * 1024 });
  }, 60_000);

  afterAll(async () => {
    for (const server of servers) await server.close();
    await store?.close();
  });

  it("takes only JSON bodies: forms, text and a missing content type are 415", async () => {
    const pushBody = JSON.stringify({ push_source_name: "stats_push", df: { user_id: [9], event_timestamp: ["2026-01-01T00:00:00Z"], clicks: [1], label: ["x"] } });
    for (const type of ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"]) {
      const reply = await request(port, "/push", pushBody, { "content-type": type });
      expect(reply.status, type).toBe(415);
      expect(message(reply)).toContain("send the header content-type: application/json");
    }
    expect((await request(port, "/materialize", "{}", {})).status).toBe(415);
    expect((await request(port, "/push", pushBody, { "content-type": "application/json; charset=utf-8" })).status).toBe(200);
    expect((await request(port, "/get-online-features", online([9]), JSON_HEADERS)).text).toContain('"values":[1]');
  });

  it("on loopback, refuses Hosts that are not loopback names and Origins of other sites (403)", async () => {
    const body = online([1]);
    for (const headers of [{ host: "evil.example" }, { host: `attacker.test:${port}` }, { origin: "https://evil.example" }, { origin: "null" }]) {
      const reply = await request(port, "/get-online-features", body, { ...JSON_HEADERS, ...headers } as unknown as Record<string, string>);
      expect(reply.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(reply.text) as string).toContain('"class":"RequestError"');
    }
    expect((await request(port, "/health", undefined, { host: "rebound.example" })).status).toBe(403);
    for (const headers of [{ host: `localhost:${port}` }, { host: "127.0.0.1" }, { host: `[::1]:${port}`, origin: "http://localhost:3000" }, { origin: `http://127.0.0.1:${port}` }]) {
      expect((await request(port, "/get-online-features", body, { ...JSON_HEADERS, ...headers } as unknown as Record<string, string>)).status, JSON.stringify(headers)).toBe(200);
    }
    expect(["127.0.0.1", "127.8.9.1", "::1", "localhost", "api.localhost", "[::1]"].every(isLoopbackAddress)).toBe(true);
    expect(["0.0.0.0", "10.0.0.1", "::", "localhost.evil.example", "128.0.0.1"].some(isLoopbackAddress)).toBe(false);
  });

  it("answers 100k-level JSON nesting with a 400, not a 500", async () => {
    const roomy = await serve();
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const reply = await request(roomy, "/get-online-features", `{"features":["stats:clicks"],"entities":{"user_id":${deep}}}`, JSON_HEADERS);
    expect(reply.status).toBe(400);
    expect(message(reply)).toBe("request body nests deeper than 32 levels");
    // Brackets inside strings are data, not nesting.
    const strings = await request(roomy, "/get-online-features", online([1]).replace("}}", `},"x":"${"[{".repeat(1000)}\\"]"}`), JSON_HEADERS);
    expect(strings.status).toBe(200);
    const pushed = await request(roomy, "/push", `{"push_source_name":"stats_push","df":{"user_id":${deep}}}`, JSON_HEADERS);
    expect(pushed.status).toBe(400);
  });

  it("limits entities, features x entities and body bytes with 413s naming the flag", async () => {
    expect((await request(port, "/get-online-features", online(entities(1000)), JSON_HEADERS)).status).toBe(200);
    const many = await request(port, "/get-online-features", online(entities(1001)), JSON_HEADERS);
    expect(many.status).toBe(413);
    expect(message(many)).toBe("1001 entities in one request; the limit is 1000 (--max-entities): split the request");
    const values = await request(port, "/get-online-features", online(entities(800), ["stats:clicks", "stats:label"]), JSON_HEADERS);
    expect(values.status).toBe(413);
    expect(message(values)).toContain("2 features x 800 entities = 1600 values in one request; the limit is 1500 (--max-feature-values)");
    const service = await request(port, "/get-online-features", JSON.stringify({ feature_service: "svc", entities: { user_id: entities(800) } }), JSON_HEADERS);
    expect(service.status).toBe(413);
    const rows = await request(port, "/push", JSON.stringify({ push_source_name: "stats_push", df: { user_id: entities(1001) } }), JSON_HEADERS);
    expect(rows.status).toBe(413);
    expect(message(rows)).toContain("1001 push rows in one request");
    const big = await request(port, "/push", JSON.stringify({ push_source_name: "stats_push", df: { label: ["x".repeat(70 * 1024)] } }), JSON_HEADERS);
    expect(big.status).toBe(413);
    expect(message(big)).toContain("the limit (--max-body-bytes)");
  });

  it("caps connections: the one over the limit gets a 503 at once, and the server recovers", async () => {
    const capped = await serve({ maxConnections: 5 });
    const idle = await Promise.all(Array.from({ length: 5 }, () => connect(capped)));
    const extra = await connect(capped);
    const answer = await readAll(extra);
    expect(answer).toMatch(/^HTTP\/1\.1 503 Service Unavailable/);
    expect(answer).toContain("the server has 5 connections open, its limit (--max-connections)");
    for (const socket of idle) socket.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect((await request(capped, "/health", undefined)).status).toBe(200);
  });

  it("cuts off a client that does not finish sending its request (408)", async () => {
    const slow = await serve({ requestTimeoutSeconds: 1 });
    const socket = await connect(slow);
    socket.write(`POST /push HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{`);
    expect(await readAll(socket)).toMatch(/^HTTP\/1\.1 408/);
  }, 30_000);

  it("answers 503 when the work outlives the request timeout, and tells the work to stop", async () => {
    let signal: AbortSignal | undefined;
    const never = withDeadline(0.2, (s) => {
      signal = s;
      return new Promise<never>(() => undefined);
    });
    await expect(never).rejects.toMatchObject({ status: 503, message: expect.stringContaining("took longer than 0.2s, the limit (--request-timeout)") });
    expect(signal?.aborted).toBe(true);
  });

  it("keeps /health answering while a large request runs", async () => {
    const roomy = await serve({ maxEntities: 400_000, maxFeatureValues: 1_000_000, maxBodyBytes: 64 * 1024 * 1024 });
    // Count the store lookups the large request makes; a /health sent once the first one starts
    // must be answered before the last one does (one blocking lookup would answer it after).
    const original = store.getOnlineFeatures.bind(store);
    let lookups = 0;
    let health: Promise<{ reply: Reply; lookupsBefore: number }> | undefined;
    store.getOnlineFeatures = (req) => {
      if (++lookups === 1) health = request(roomy, "/health", undefined).then((reply) => ({ reply, lookupsBefore: lookups }));
      return original(req);
    };
    try {
      const reply = await request(roomy, "/get-online-features", online(entities(300_000), ["stats:clicks", "stats:label"]), JSON_HEADERS);
      expect(reply.status).toBe(200);
      expect(reply.text).toContain('"values":[5,6,null');
      const answered = await health!;
      expect(answered.reply.status).toBe(200);
      expect(lookups).toBeGreaterThan(1);
      expect(answered.lookupsBefore).toBeLessThan(lookups);
    } finally {
      store.getOnlineFeatures = original;
    }
  }, 120_000);
});

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
    socket.on("error", reject);
  });
}

/** Everything the server sends until it closes the connection. */
function readAll(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    socket.on("data", (d: Buffer) => (text += d.toString()));
    socket.on("close", () => resolve(text));
    socket.on("error", () => undefined);
  });
}
