import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { valueTypeToDtype } from "../../../runtime/src/definitions/dtypes";
import { BigQueryDialect } from "../../../runtime/src/offline/bigquery/bigquery-dialect";
import { DuckDBDialect } from "../../../runtime/src/offline/duckdb/duckdb-dialect";
import { planPointInTime, type EntityRelation } from "../../../runtime/src/offline/point-in-time";
import { sourceRelation, type SourceRelation } from "../../../runtime/src/offline/source-relation";
import { compileLatest, compileLatestCount } from "../../../runtime/src/offline/sql/compile-latest";
import { compilePointInTime } from "../../../runtime/src/offline/sql/compile-point-in-time";
import type { ColumnInfo, FeatureViewInfo, SourceInfo } from "../../../runtime/src/registry/catalog";
import type { RequestedView } from "../../../runtime/src/registry/feature-refs";

// The exact SQL each dialect renders for the same plans. Review a change to these files as you
// would review the query itself; regenerate with UPDATE_GOLDEN=1 after an intended change.

const GOLDEN = path.join(__dirname, "golden");

function expectGolden(name: string, sql: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, `${sql}\n`);
  }
  expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(`${sql}\n`).toBe(readFileSync(file, "utf8"));
}

const column = (name: string, valueType: number): ColumnInfo => ({ name, valueType, dtype: valueTypeToDtype(valueType) });

function view(name: string, source: Partial<SourceInfo>, joinKeys: ColumnInfo[], features: ColumnInfo[], ttlSeconds: number): FeatureViewInfo {
  return {
    name, project: "golden", entities: [], joinKeys, features, ttlSeconds, online: true, offline: false, tags: {}, materializationIntervals: [],
    batchSource: { name: `${name}_source`, type: "file", timestampField: "event_timestamp", fieldMapping: {}, ...source },
  };
}

const userStats = view("user_stats",
  { path: "data/user_stats.parquet", createdTimestampColumn: "created", fieldMapping: { uid: "user_id", n_clicks: "clicks" } },
  [column("user_id", 4)], [column("clicks", 4), column("ctr", 6)], 86400);
const transfers = view("transfers", { path: "data/transfers.parquet", timestampField: "ts" },
  [column("user_id", 4), column("merchant_id", 2)], [column("amount", 5)], 0);
const bqUserStats = { ...userStats, batchSource: { ...userStats.batchSource, type: "bigquery" as const, path: undefined, table: "my-project:features.user_stats" } };
const bqTransfers = { ...transfers, batchSource: { ...transfers.batchSource, type: "bigquery" as const, path: undefined, query: "SELECT * FROM `my-project.raw.transfers` WHERE amount > 0" } };

const requested = (v: FeatureViewInfo, entityColumns: Record<string, string> = {}, prefix = v.name): RequestedView => ({
  view: v, prefix, features: v.features,
  entityColumns: Object.fromEntries(v.joinKeys.map((k) => [k.name, entityColumns[k.name] ?? k.name])),
  outputNames: v.features.map((f) => f.name),
});

const timeRange = { min: new Date("2024-01-01T00:00:00Z"), max: new Date("2024-03-31T12:30:00.250Z") };
const duckEntity: EntityRelation = {
  location: { kind: "table", table: "skewless_entity" }, description: "entityDf (rows)", rowId: "rowid",
  timestampColumn: "event_timestamp", columns: ["customer_id", "merchant_id", "event_timestamp", "label"], timeRange,
};
const bqEntity: EntityRelation = { ...duckEntity, location: { kind: "table", table: "my-project.scratch.entity_rows" }, rowId: "__row" };

/** The stored `ctr` is narrower than declared and the transfers timestamp is naive: as an inspection would mark them. */
function inspected(relation: SourceRelation): SourceRelation {
  return {
    ...relation,
    features: relation.features.map((f) => (f.name === "ctr" ? { ...f, cast: true } : f)),
    eventTimestamp: relation.viewName === "transfers" ? { ...relation.eventTimestamp, cast: true } : relation.eventTimestamp,
  };
}

describe("golden SQL", () => {
  const views = [requested(userStats, { user_id: "customer_id" }), requested(transfers, { user_id: "customer_id" })];
  const duckSources = [userStats, transfers].map((v) => inspected(sourceRelation(v, "/repo")));
  const duckPlan = planPointInTime(views, duckSources, duckEntity, { includeSourceTimestamps: true });
  const bqViews = [requested(bqUserStats, { user_id: "customer_id" }), requested(bqTransfers, { user_id: "customer_id" })];
  const bqPlan = planPointInTime(bqViews, [bqUserStats, bqTransfers].map((v) => sourceRelation(v, "/repo")), bqEntity, { includeSourceTimestamps: true });

  it("DuckDB point-in-time with ASOF joins", () => {
    expectGolden("duckdb-point-in-time-asof.sql", compilePointInTime(duckPlan, new DuckDBDialect()));
  });

  it("DuckDB point-in-time in the portable window form", () => {
    expectGolden("duckdb-point-in-time-window.sql", compilePointInTime(duckPlan, new DuckDBDialect(), "window"));
  });

  it("DuckDB with a created-timestamp cutoff: the view with a created column takes the window form", () => {
    const plan = planPointInTime(views, duckSources, duckEntity, { createdTimestampCutoff: true });
    expectGolden("duckdb-point-in-time-cutoff.sql", compilePointInTime(plan, new DuckDBDialect()));
  });

  it("BigQuery point-in-time (always the window form)", () => {
    expectGolden("bigquery-point-in-time.sql", compilePointInTime(bqPlan, new BigQueryDialect()));
  });

  it("latest rows per key for materialization, per dialect", () => {
    const start = new Date("2024-01-01T00:00:00Z");
    const end = new Date("2024-01-02T00:00:00Z");
    expectGolden("duckdb-latest.sql", compileLatest(duckSources[0], new DuckDBDialect(), start, end));
    expectGolden("bigquery-latest.sql", compileLatest(sourceRelation(bqUserStats, "/repo"), new BigQueryDialect(), start, end));
    expectGolden("duckdb-latest-count.sql", compileLatestCount(duckSources[0], new DuckDBDialect(), start, end));
  });
});

describe("golden SQL for windowed aggregations", () => {
  const amount = column("amount", 5);
  const aggregations = [
    { name: "amount_sum_1h", column: amount, function: "sum" as const, windowSeconds: 3600, slideSeconds: 60, valueType: 5 },
    { name: "amount_last_7d", column: amount, function: "last" as const, windowSeconds: 7 * 86400, slideSeconds: 3600, valueType: 5 },
    { name: "amount_mean_1d", column: amount, function: "mean" as const, windowSeconds: 86400, slideSeconds: 1440, valueType: 5 },
  ];
  const aggregated = (v: FeatureViewInfo): FeatureViewInfo => ({
    ...v, features: aggregations.map((a) => column(a.name, a.valueType)), aggregations, inputColumns: [amount],
  });
  const plan = (v: FeatureViewInfo, entity: EntityRelation) => {
    const r = requested(aggregated(v), { user_id: "customer_id" });
    return planPointInTime([r], [sourceRelation(r.view, "/repo", [amount])], entity);
  };

  it("one plan, spelled by DuckDB and BigQuery", () => {
    expectGolden("duckdb-aggregation.sql", compilePointInTime(plan(transfers, duckEntity), new DuckDBDialect()));
    expectGolden("bigquery-aggregation.sql", compilePointInTime(plan(bqTransfers, bqEntity), new BigQueryDialect()));
  });
});
