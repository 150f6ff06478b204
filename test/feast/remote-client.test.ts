import { cpSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeatureStore } from "../../runtime/src/index";
import { ensureFeast, feastCheck } from "../helpers/feast";
import { startFeastServe, startSkewlessServe, type ServerProcess } from "../helpers/feature-servers";
import { tempDir } from "../helpers/tmp";
import { writeWireRepo } from "./wire-fixture";

// Feast check, remote client half: Feast 0.66's remote online store client (`online_store: type:
// remote`) runs the same calls against `feast serve` and `skewless serve`, each over its own copy of
// one repo (registry and SQLite store written by Skewless), and must get the same outcomes: values
// with their Python types, and the same exception classes.

type Outcomes = Record<string, { value?: unknown; raised?: string }>;
type TestResults = Record<string, string>;

describe("Feast's remote online store client gets the same answers from skewless serve as from feast serve", () => {
  const root = tempDir();
  const servers: ServerProcess[] = [];
  let feast: Outcomes;
  let skewless: Outcomes;
  let feastTests: TestResults;
  let skewlessTests: TestResults;
  let ours: Record<string, unknown>[];

  beforeAll(async () => {
    await ensureFeast();
    const built = path.join(root, "built");
    await writeWireRepo(built);
    const store = await FeatureStore.open(built);
    try {
      await store.apply();
      await store.materialize(new Date("2025-12-31T00:00:00Z"), new Date("2026-01-02T00:00:00Z"));
      const job = await store.getHistoricalFeatures({
        entityDf: [1, 2, 3].map((id) => ({ driver_id: id, event_timestamp: new Date("2026-01-01T12:00:00Z") })),
        features: ["driver_stats:rating", "driver_stats:scores"],
      });
      ours = await job.toRows();
      await job.close();
    } finally {
      await store.close();
    }
    const repos = ["feast", "skewless"].map((name) => {
      const copy = path.join(root, name);
      cpSync(built, copy, { recursive: true });
      return copy;
    });
    servers.push(...(await Promise.all([startFeastServe(repos[0]), startSkewlessServe(repos[1])])));
    const results = await Promise.all(repos.map((repo, i) =>
      feastCheck<{ client: Outcomes; server_tests: TestResults }>("remote_check.py", ["all", path.join(repo, "data", "registry.db"), servers[i].url])));
    [feast, skewless] = results.map((r) => r.client);
    [feastTests, skewlessTests] = results.map((r) => r.server_tests);
  }, 15 * 60_000);

  afterAll(() => {
    for (const server of servers) server.stop();
  });

  it("runs every scenario on both servers", () => {
    expect(Object.keys(skewless).sort()).toEqual(Object.keys(feast).sort());
    expect(Object.keys(feast).length).toBeGreaterThanOrEqual(12);
  });

  it.each([
    "offline: Infinity and NaN", "read every type", "read a stored Infinity", "read a feature service, full names", "read a compound key",
    "read an unknown view", "read an unknown feature service", "read clashing names",
    "push, then read", "write_to_online_store, then read", "write_to_online_store with NaN and Infinity, then read", "push to an unknown source",
  ])("%s", (scenario) => {
    expect(skewless[scenario], `skewless serve: ${JSON.stringify(skewless[scenario])}\nfeast serve: ${JSON.stringify(feast[scenario])}`).toEqual(feast[scenario]);
  });

  it("passes Feast's own feature-server tests (push and get, unknown push source, materialize) over HTTP, on both servers", () => {
    expect(Object.keys(feastTests).length).toBeGreaterThanOrEqual(7);
    expect(feastTests, "feast serve").toEqual(Object.fromEntries(Object.keys(feastTests).map((t) => [t, "passed"])));
    expect(skewlessTests, "skewless serve").toEqual(feastTests);
  });

  it("treats Infinity and NaN as Feast does on every path: offline, online in-process, over HTTP", async () => {
    // Feast offline: Infinity kept, a NaN float is null (as it is online); in lists NaN and Infinity stay
    expect(feast["offline: Infinity and NaN"], JSON.stringify(feast["offline: Infinity and NaN"])).toEqual({ value: {
      driver_id: ["int:1", "int:2", "int:3"], rating: ["float:178.0", "float:inf", "NoneType:None"],
      scores: [["float:1.0", "float:2.0"], ["float:-inf"], "NoneType:None"],
    } });
    expect(ours.map((r) => [r.rating, r.scores])).toEqual([[178, [1, 2]], [Infinity, [-Infinity]], [null, null]]);
    // online: NaN was stored as null (PRESENT); Infinity over HTTP is refused by both servers (the client retries, then gives up)
    expect((feast["read every type"].value as Record<string, string[]>).rating[1]).toBe("NoneType:None");
    expect(feast["read a stored Infinity"].raised).toBe("requests.exceptions.RetryError");
  });

  it("keeps the types and exact integers Feast's client needs", () => {
    const every = feast["read every type"].value as Record<string, string[]>;
    expect(every.rating[0]).toBe("float:178.0");
    expect(every.scores[0]).toEqual(["float:1.0", "float:2.0"]);
    // a stored null (driver 3) is PRESENT with None, as Feast 0.66's server reports it
    expect(every["trips:status"]).toEqual(["PRESENT", "PRESENT", "NOT_FOUND"]);
    expect(every.trips).toEqual(["int:3", "NoneType:None", "NoneType:None"]);
    const pushed = skewless["push, then read"].value as Record<string, string[]>;
    expect(pushed.driver_id).toEqual(["int:4611686018427387905", "int:4611686018427387904", "int:41"]);
    expect(pushed.trips).toEqual(["int:9007199254740993", "NoneType:None", "int:7"]);
    expect(skewless["read an unknown view"].raised).toBe("feast.errors.FeatureViewNotFoundException");
  });
});
