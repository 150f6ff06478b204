import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeatureStore } from "../../runtime/src/index";
import { FeatureServer } from "../../runtime/src/server/feature-server";
import { ensureFeast } from "../helpers/feast";
import { startFeastServe, type ServerProcess } from "../helpers/feature-servers";
import { skewless } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";

// Feast check, feature server half: `feast serve` (Feast 0.66's own server, reading the registry and
// SQLite store Skewless wrote) and Skewless's server answer the same requests with the same JSON.

interface FeastBody {
  metadata: { feature_names: string[] };
  results: { values: unknown[]; statuses: string[]; event_timestamps: string[] }[];
}

/** Columns by name: Feast's column order inside a view is not defined (it comes from a Python set). */
function byName(body: FeastBody): Record<string, FeastBody["results"][number]> {
  return Object.fromEntries(body.metadata.feature_names.map((name, i) => [name, body.results[i]]));
}

describe("skewless serve and feast serve give the same answers", () => {
  const root = tempDir();
  const repo = path.join(root, "credit");
  let feastServer: ServerProcess | undefined;
  let feastUrl = "";
  let ours: FeatureServer | undefined;
  let oursUrl = "";
  let store: FeatureStore | undefined;

  beforeAll(async () => {
    await ensureFeast();
    expect((await skewless(["init", "credit", "--users", "30", "--days", "2"], root)).code).toBe(0);
    expect((await skewless(["apply"], repo)).code).toBe(0);
    const end = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000).toISOString();
    const materialized = await skewless(["materialize", "2020-01-01T00:00:00Z", end], repo);
    expect(materialized.code, materialized.stderr).toBe(0);
    feastServer = await startFeastServe(repo);
    feastUrl = feastServer.url;
    store = await FeatureStore.open(repo);
    ours = new FeatureServer(store);
    oursUrl = `http://127.0.0.1:${(await ours.listen(0, "127.0.0.1")).port}`;
  }, 15 * 60_000);

  afterAll(async () => {
    feastServer?.stop();
    await ours?.close();
    await store?.close();
  });

  const ask = async (url: string, body: unknown) => {
    const res = await fetch(`${url}/get-online-features`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as FeastBody };
  };

  it.each([
    ["feature references across two views, with an unknown entity", {
      features: ["user_credit:credit_score", "user_credit:credit_utilization", "user_credit:late_payments_90d", "user_transactions:txn_amount_1h", "user_transactions:txn_count_1h"],
      entities: { user_id: [1001, 1002, 1017, 999999] },
    }],
    ["a feature service with full feature names", { feature_service: "credit_model_v1", entities: { user_id: [1003, 1004] }, full_feature_names: true }],
  ])("%s", async (_label, request) => {
    const [theirs, mine] = await Promise.all([ask(feastUrl, request), ask(oursUrl, request)]);
    expect(mine.status).toBe(200);
    expect(theirs.status).toBe(200);
    expect([...mine.body.metadata.feature_names].sort()).toEqual([...theirs.body.metadata.feature_names].sort());
    expect(byName(mine.body)).toEqual(byName(theirs.body));
    expect(mine.body.results.some((r) => r.statuses.includes("PRESENT") && r.values.some((v) => typeof v === "number"))).toBe(true);
  });

  it("names a missing view with Feast's error class", async () => {
    const request = { features: ["nope:x"], entities: { user_id: [1] } };
    const [theirs, mine] = await Promise.all(
      [feastUrl, oursUrl].map(async (url) => {
        const res = await fetch(`${url}/get-online-features`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
        return { status: res.status, detail: JSON.parse((await res.json()) as string) as { module: string; class: string } };
      }),
    );
    expect(mine.status).toBe(theirs.status);
    expect({ module: mine.detail.module, class: mine.detail.class }).toEqual({ module: theirs.detail.module, class: theirs.detail.class });
  });
});
