import { promises as fs } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FeatureStore, UnsupportedTransformError } from "../../runtime/src/index";
import { ensureFeast, feast, feastCheck } from "../helpers/feast";
import { skewless } from "../helpers/processes";
import { startServe } from "../helpers/serve-process";
import { tempDir } from "../helpers/tmp";
import { writeRows } from "../offline/helpers/parquet";

// On-demand views against Feast 0.66 itself: a Python on-demand view Feast applied is refused by
// name (and everything else in the registry still serves), and a TypeScript one Skewless applied
// is refused by Feast's SDK rather than run as Python.

const root = tempDir("skewless-feast-odfv-");
beforeAll(ensureFeast, 15 * 60_000);

const YAML = `project: odfv_check
registry: data/registry.db
provider: local
online_store:
  type: sqlite
  path: data/online.db
offline_store:
  type: file
entity_key_serialization_version: 3
`;

const FEAST_REPO = `from datetime import timedelta
from feast import Entity, FeatureService, FeatureView, Field, FileSource, RequestSource
from feast.on_demand_feature_view import on_demand_feature_view
from feast.types import Float64, Int64

driver = Entity(name="driver", join_keys=["driver_id"])
source = FileSource(name="driver_source", path="data/driver.parquet", timestamp_field="event_timestamp")
stats = FeatureView(name="driver_stats", entities=[driver], ttl=timedelta(days=30), source=source,
                    schema=[Field(name="driver_id", dtype=Int64), Field(name="conv", dtype=Float64), Field(name="trips", dtype=Int64)])
vals = RequestSource(name="vals", schema=[Field(name="extra", dtype=Int64)])

@on_demand_feature_view(sources=[stats, vals], schema=[Field(name="trips_plus", dtype=Int64)], mode="python")
def trips_plus(inputs):
    return {"trips_plus": [t + e for t, e in zip(inputs["trips"], inputs["extra"])]}

with_odfv = FeatureService(name="with_odfv", features=[stats, trips_plus])
plain = FeatureService(name="plain", features=[stats])
`;

const SKEWLESS_REPO = `import { Entity, FeatureService, FeatureView, FileSource, OnDemandFeatureView, PushSource, RequestSource, StreamFeatureView } from "@skewless/runtime";

export const driver = new Entity({ name: "driver", joinKeys: ["driver_id"], valueType: "Int64" });
export const source = new FileSource({ name: "driver_source", path: "data/driver.parquet", timestampField: "event_timestamp" });
export const stats = new FeatureView({
  name: "driver_stats", entities: [driver], ttl: "30d", source,
  schema: [{ name: "conv", dtype: "Float64" }, { name: "trips", dtype: "Int64" }],
});
export const vals = new RequestSource({ name: "vals", schema: [{ name: "extra", dtype: "Int64" }] });
export const tripsPlus = new OnDemandFeatureView({
  name: "trips_plus", sources: [stats, vals], schema: [{ name: "trips_plus", dtype: "Int64" }],
  transform: (row) => ({ trips_plus: row.trips === null ? null : (row.trips as bigint) + (row.extra as bigint) }),
});
export const withOdfv = new FeatureService({ name: "with_odfv", features: [stats, tripsPlus] });
export const tripPush = new PushSource({ name: "trip_push", batchSource: new FileSource({ name: "trip_log", path: "data/trips.parquet", timestampField: "event_timestamp" }) });
export const tripStats = new StreamFeatureView({
  name: "trip_stats", entities: [driver], source: tripPush, schema: [{ name: "fare", dtype: "Float64" }],
  aggregations: [{ column: "fare", function: "sum", timeWindow: "1h" }, { column: "fare", function: "max", timeWindow: "7d", slideInterval: "1h" }],
});
`;

async function makeRepo(definitions: { file: string; text: string }): Promise<string> {
  const repo = await fs.mkdtemp(path.join(root, "repo-"));
  await fs.mkdir(path.join(repo, "data"));
  await fs.writeFile(path.join(repo, "feature_store.yaml"), YAML);
  await fs.writeFile(path.join(repo, definitions.file), definitions.text);
  const now = Date.now();
  await writeRows(path.join(repo, "data", "driver.parquet"),
    [["driver_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["conv", "DOUBLE"], ["trips", "BIGINT"]],
    [[1001, new Date(now - 3600_000), 0.5, 7], [1002, new Date(now - 7200_000), 0.25, 3]]);
  return repo;
}

describe("a Python on-demand view applied by Feast", () => {
  let repo: string;

  beforeAll(async () => {
    repo = await makeRepo({ file: "features.py", text: FEAST_REPO });
    const applied = await feast(["apply"], repo);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    const store = await FeatureStore.open(repo);
    await store.materialize(new Date(Date.now() - 86400_000), new Date());
    await store.close();
  }, 300_000);

  it("is refused by name as a Python transform, while the rest of the registry serves", async () => {
    const feastAnswer = await feastCheck<Record<string, unknown[]>>("on_demand_check.py", [
      "python-odfv", repo, "trips_plus:trips_plus", JSON.stringify([{ driver_id: 1001, extra: 5 }]),
    ]);
    expect(feastAnswer.trips_plus).toEqual([12]);   // Feast runs its own view

    const store = await FeatureStore.open(repo);
    try {
      const rows = [{ driver_id: 1001, extra: 5 }];
      const error = await store.getOnlineFeatures({ features: ["driver_stats:trips", "trips_plus:trips_plus"], entityRows: rows }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsupportedTransformError);
      expect((error as Error).message).toBe("on demand feature view trips_plus has a Python transform (mode python), which Skewless cannot run");
      // a feature service including it names the same problem (it used to be "does not exist")
      await expect(store.getOnlineFeatures({ featureService: "with_odfv", entityRows: rows })).rejects.toThrow(/trips_plus has a Python transform/);
      await expect(store.getHistoricalFeatures({ entityDf: [{ ...rows[0], event_timestamp: new Date() }], features: ["trips_plus:trips_plus"] }))
        .rejects.toThrow(UnsupportedTransformError);
      // without it, the same registry serves
      const keys = [{ driver_id: 1001 }];
      expect((await store.getOnlineFeatures({ features: ["driver_stats:trips"], entityRows: keys })).toObject()).toEqual({ driver_id: [1001], trips: [7n] });
      expect((await store.getOnlineFeatures({ featureService: "plain", entityRows: keys })).toObject()).toEqual({ driver_id: [1001], conv: [0.5], trips: [7n] });
    } finally {
      await store.close();
    }
  }, 300_000);

  it("is a 422 naming the view from skewless serve, and other requests still answer", async () => {
    const server = await startServe(repo);
    try {
      const post = (body: unknown) => fetch(`${server.url}/get-online-features`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
      });
      const refused = await post({ feature_service: "with_odfv", entities: { driver_id: [1001], extra: [5] } });
      expect(refused.status).toBe(422);
      expect(JSON.parse(JSON.parse(await refused.text()) as string)).toMatchObject({
        message: expect.stringContaining("on demand feature view trips_plus has a Python transform (mode python), which Skewless cannot run"),
      });
      const served = await post({ features: ["driver_stats:trips"], entities: { driver_id: [1001] } });
      expect(served.status).toBe(200);
      expect(((await served.json()) as { results: { values: unknown[] }[] }).results[1].values).toEqual([7]);
    } finally {
      await server.stop();
    }
  }, 300_000);
});

describe("a TypeScript on-demand view applied by Skewless", () => {
  let repo: string;

  beforeAll(async () => {
    repo = await makeRepo({ file: "features.ts", text: SKEWLESS_REPO });
    const applied = await skewless(["apply"], repo);
    expect(applied.code, applied.stderr).toBe(0);
    const materialized = await skewless(["materialize", new Date(Date.now() - 86400_000).toISOString(), new Date().toISOString()], repo);
    expect(materialized.code, materialized.stderr).toBe(0);
  }, 300_000);

  it("is served by skewless serve with request data as Feast sends it, the same as getHistoricalFeatures", async () => {
    const server = await startServe(repo);
    try {
      const res = await fetch(`${server.url}/get-online-features`, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ feature_service: "with_odfv", entities: { driver_id: [1001, 1002, 9], extra: [5, -1, 2] } }),
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      const body = JSON.parse(text) as { metadata: { feature_names: string[] }; results: { values: unknown[]; statuses: string[] }[] };
      // request data is dropped from the answer, as Feast's server drops it
      expect(body.metadata.feature_names).toEqual(["driver_id", "conv", "trips", "trips_plus"]);
      expect(body.results[3].values).toEqual([12, 2, null]);
      expect(body.results[3].statuses).toEqual(["PRESENT", "PRESENT", "PRESENT"]);
    } finally {
      await server.stop();
    }
    const store = await FeatureStore.open(repo);
    try {
      const offline = await (await store.getHistoricalFeatures({
        entityDf: [1001, 1002, 9].map((id, i) => ({ driver_id: id, extra: [5, -1, 2][i], event_timestamp: new Date() })),
        features: { featureService: "with_odfv" },
      })).toRows();
      expect(offline.map((r) => r.trips_plus)).toEqual([12n, 2n, null]);
    } finally {
      await store.close();
    }
  }, 300_000);

  it("is refused by Feast's SDK with an error naming the mode, never run as Python; Feast still serves the plain views", async () => {
    const read = await feastCheck<Record<string, { ok?: unknown; error?: string }>>("on_demand_check.py", [
      "read", repo, "driver_stats:trips", JSON.stringify([{ driver_id: 1001 }]),
    ]);
    expect(read.feature_views.ok).toEqual(["driver_stats"]);
    expect(read.on_demand_feature_views.error).toBe("ValueError: Unsupported mode 'typescript' for user_defined_function");
    // the rest of the registry still reads and serves through Feast
    expect(read.online.ok).toEqual({ driver_id: [1001], trips: [7] });
    // ...but Feast's plan (and apply) list every on-demand view, so they stop on the same error:
    // the price of a mode Feast refuses rather than a Python stub it would run
    const plan = await feast(["plan"], repo);
    expect(plan.code).toBe(1);
    expect(plan.stderr + plan.stdout).toContain("ValueError: Unsupported mode 'typescript' for user_defined_function");
  }, 300_000);

  it("has its stream feature view read by Feast's SDK with the aggregations, field for field", async () => {
    const views = await feastCheck<unknown[]>("on_demand_check.py", ["stream-views", repo]);
    expect(views).toEqual([{
      name: "trip_stats", source: "trip_push",
      aggregations: [
        { column: "fare", function: "sum", name: "fare_sum_1h", time_window: 3600, slide_interval: 60 },
        { column: "fare", function: "max", name: "fare_max_7d", time_window: 604800, slide_interval: 3600 },
      ],
    }]);
  }, 300_000);
});
