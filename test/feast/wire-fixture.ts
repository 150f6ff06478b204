import { promises as fs } from "node:fs";
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

// A feature repo exercising the wire details Feast's clients depend on: Float64/Float32 values that
// are whole numbers, arrays of both, Int64, UnixTimestamp, a stored Infinity, NaN and nulls, a
// compound key, a push source, and Feast's own unit-test view (`pushed_driver_locations`).

export const PROJECT = "wire";

const DEFINITIONS = `import { Entity, FeatureService, FeatureView, FileSource, PushSource } from "@skewless/runtime";
export const driver = new Entity({ name: "driver", joinKeys: ["driver_id"], valueType: "Int64" });
export const rider = new Entity({ name: "rider", joinKeys: ["rider_id"], valueType: "Int64" });
export const source = new FileSource({ name: "driver_source", path: "data/drivers.parquet", timestampField: "event_timestamp", createdTimestampColumn: "created" });
export const push = new PushSource({ name: "driver_push", batchSource: source });
export const stats = new FeatureView({
  name: "driver_stats", entities: [driver], ttl: 0, source: push,
  schema: [
    { name: "rating", dtype: "Float64" }, { name: "acc", dtype: "Float32" }, { name: "trips", dtype: "Int64" },
    { name: "joined", dtype: "UnixTimestamp" }, { name: "scores", dtype: "Array(Float64)" }, { name: "weights", dtype: "Array(Float32)" },
  ],
});
export const tripSource = new FileSource({ name: "trip_source", path: "data/trips.parquet", timestampField: "event_timestamp" });
export const trips = new FeatureView({
  name: "trip_stats", entities: [driver, rider], ttl: 0, source: tripSource, schema: [{ name: "fare", dtype: "Float64" }],
});
export const locationSource = new FileSource({ name: "driver_locations_source", path: "data/locations.parquet", timestampField: "event_timestamp", createdTimestampColumn: "created_timestamp" });
export const locationPush = new PushSource({ name: "driver_locations_push", batchSource: locationSource });
export const locations = new FeatureView({
  name: "pushed_driver_locations", entities: [driver], ttl: 0, source: locationPush,
  schema: [{ name: "driver_lat", dtype: "Float32" }, { name: "driver_long", dtype: "String" }],
});
export const svc = new FeatureService({ name: "driver_svc", features: [stats.select("rating", "trips"), trips] });
`;

/** Writes feature_store.yaml, the definitions and the parquet sources into `repo` (not applied). */
export async function writeWireRepo(repo: string): Promise<void> {
  await fs.mkdir(path.join(repo, "data"), { recursive: true });
  await fs.writeFile(path.join(repo, "feature_store.yaml"), `project: ${PROJECT}\nregistry: data/registry.db\nprovider: local\nonline_store:\n  type: sqlite\n  path: data/online.db\nentity_key_serialization_version: 3\n`);
  await fs.writeFile(path.join(repo, "features.ts"), DEFINITIONS);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const t = "TIMESTAMPTZ '2026-01-01 10:00:00+00'";
  const file = (name: string) => path.join(repo, "data", name);
  try {
    await connection.run(`COPY (SELECT * FROM (VALUES
        (1::BIGINT, ${t}, ${t}, 178.0::DOUBLE, 1.0::FLOAT, 3::BIGINT, TIMESTAMPTZ '2025-01-01 00:00:01+00', [1.0, 2.0]::DOUBLE[], [0.5, 2.0]::FLOAT[]),
        (2::BIGINT, ${t}, ${t}, 'inf'::DOUBLE, 2.0::FLOAT, 4::BIGINT, NULL::TIMESTAMPTZ, ['-inf'::DOUBLE]::DOUBLE[], []::FLOAT[]),
        (3::BIGINT, ${t}, ${t}, 'nan'::DOUBLE, NULL::FLOAT, NULL::BIGINT, NULL::TIMESTAMPTZ, NULL::DOUBLE[], NULL::FLOAT[])
      ) v(driver_id, event_timestamp, created, rating, acc, trips, joined, scores, weights)) TO '${file("drivers.parquet")}' (FORMAT parquet)`);
    await connection.run(`COPY (SELECT * FROM (VALUES (1::BIGINT, 10::BIGINT, ${t}, 5.0::DOUBLE), (1::BIGINT, 11::BIGINT, ${t}, 6.5::DOUBLE))
      v(driver_id, rider_id, event_timestamp, fare)) TO '${file("trips.parquet")}' (FORMAT parquet)`);
    await connection.run(`COPY (SELECT * FROM (VALUES (1::BIGINT, ${t}, ${t}, 10.5::FLOAT, '20.5'))
      v(driver_id, event_timestamp, created_timestamp, driver_lat, driver_long)) TO '${file("locations.parquet")}' (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
