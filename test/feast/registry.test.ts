import { promises as fs } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { describeValueType } from "../../runtime/src/definitions/dtypes";
import { FeatureStore, loadDefinitions } from "../../runtime/src/internal";
import { objectManager } from "../../runtime/src/registry/apply";
import { MANAGED_KINDS } from "../../runtime/src/registry/diff";
import { decodeMessage, encodeMessage } from "../../runtime/src/registry/proto/codec";
import { RegistryModel } from "../../runtime/src/registry/model";
import type { RegistryProto } from "../../runtime/src/registry/proto/types";
import { ensureFeast, feast, feastCheck } from "../helpers/feast";
import { skewless } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";
import { PLAN_PY, PLAN_TS, withoutEntitylessView, writeMerchantData } from "./plan-fixtures";

// Feast check, registry half: Feast 0.66's own SDK reads what `skewless apply` wrote, and a
// registry `feast apply` wrote survives `skewless apply` with nothing lost.

interface FeastView {
  name: string;
  entities: string[];
  ttl_seconds: number | null;
  online: boolean;
  features: { name: string; dtype: string }[];
  entity_columns: { name: string; dtype: string }[];
  batch_source: { name: string; path: string | null; timestamp_field: string; created_timestamp_column: string };
}
interface FeastDescription {
  project: string;
  projects: string[];
  entities: { name: string; join_key: string; value_type: string }[];
  data_sources: { name: string; path: string | null }[];
  feature_views: FeastView[];
  on_demand_feature_views: string[];
  feature_services: { name: string; projections: { view: string; alias: string | null; features: string[] }[] }[];
}
interface Comparison { kept: number; missing: unknown[]; changed: unknown[] }

beforeAll(ensureFeast, 15 * 60_000);
// Each test makes several Feast calls; a loaded machine (the whole suite in parallel) slows them a lot.
const FEAST_TEST_TIMEOUT = 300_000;

/** Feast prints Int32/Float32/... for dtypes and INT64/... for entity value types. */
const feastDtype = (valueType: number) => describeValueType(valueType);

describe("Feast reads a registry that skewless apply wrote", () => {
  const root = tempDir();
  const repo = path.join(root, "credit");

  it("lists every entity, source, view and service with the names, keys, dtypes, ttl and paths of the TypeScript definitions", async () => {
    expect((await skewless(["init", "credit", "--users", "50", "--days", "2"], root)).code).toBe(0);
    expect((await skewless(["apply"], repo)).code).toBe(0);

    const seen = await feastCheck<FeastDescription>("registry_check.py", ["describe", repo]);
    const store = await FeatureStore.open(repo);
    const catalog = await store.catalog();
    const { definitions } = await loadDefinitions(repo);

    expect(seen.project).toBe(store.project);
    expect(seen.projects).toContain(store.project);
    expect(seen.entities.map((e) => [e.name, e.join_key, e.value_type]).sort()).toEqual(
      definitions.entities.map((e) => [e.name, e.joinKey, e.valueType!.toUpperCase()]).sort(),
    );
    expect(seen.data_sources.map((s) => [s.name, s.path]).sort()).toEqual(
      definitions.featureViews.map((v) => [v.source.name, (v.source as { path: string }).path]).sort(),
    );
    expect(seen.feature_views.map((v) => v.name).sort()).toEqual(definitions.featureViews.map((v) => v.name).sort());
    for (const view of definitions.featureViews) {
      const fv = seen.feature_views.find((v) => v.name === view.name)!;
      const info = catalog.featureView(view.name);
      expect(fv.entities).toEqual(view.entityNames);
      expect(fv.ttl_seconds).toBe(view.ttlSeconds);
      expect(fv.online).toBe(view.online);
      expect(fv.features).toEqual(view.schema.map((f) => ({ name: f.name, dtype: f.dtype })));
      expect(fv.entity_columns).toEqual(info.joinKeys.map((k) => ({ name: k.name, dtype: feastDtype(k.valueType) })));
      expect(fv.batch_source.path).toBe((view.source as { path: string }).path);
      expect(fv.batch_source.timestamp_field).toBe(info.batchSource.timestampField);
      expect(fv.batch_source.created_timestamp_column).toBe(info.batchSource.createdTimestampColumn);
    }
    expect(seen.feature_services.map((s) => s.name)).toEqual(definitions.featureServices.map((s) => s.name));
    for (const service of definitions.featureServices) {
      const fs = seen.feature_services.find((s) => s.name === service.name)!;
      expect(fs.projections).toEqual(service.projections.map((p) => ({
        view: p.view.name,
        alias: p.alias ?? null,
        features: p.features ? [...p.features] : p.view.schema.map((f) => f.name),
      })));
    }
    await store.close();
  }, FEAST_TEST_TIMEOUT);
});

describe("skewless apply on a registry that feast apply wrote", () => {
  const root = tempDir();
  const repo = path.join(root, "driver_repo", "feature_repo");
  const registryFile = path.join(repo, "data", "registry.db");

  it("round-trips Feast's bytes exactly through the codec", async () => {
    expect((await feast(["init", "driver_repo"], root)).code).toBe(0);
    const applied = await feast(["apply"], repo);
    expect(applied.code, applied.stderr).toBe(0);
    const bytes = await fs.readFile(registryFile);
    const decoded = decodeMessage("feast.core.Registry", bytes);
    expect(Buffer.from(encodeMessage("feast.core.Registry", decoded)).equals(bytes)).toBe(true);
  }, FEAST_TEST_TIMEOUT);

  it("adds one view and keeps every object Feast wrote, byte for byte as Feast parses them", async () => {
    const before = path.join(root, "before.json");
    const after = path.join(root, "after.json");
    await fs.writeFile(before, JSON.stringify(await feastCheck("registry_check.py", ["dump", registryFile])));
    const beforeView = await feastCheck<FeastDescription>("registry_check.py", ["describe", repo]);

    await fs.writeFile(path.join(repo, "extra_view.ts"), EXTRA_VIEW_TS);
    const result = await skewless(["apply"], repo);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("+ create feature view driver_trips_2h");
    expect(result.stdout).not.toMatch(/^- delete/m);

    await fs.writeFile(after, JSON.stringify(await feastCheck("registry_check.py", ["dump", registryFile])));
    const comparison = await feastCheck<Comparison>("registry_check.py", ["compare", before, after]);
    expect(comparison.missing).toEqual([]);
    // infra gains the new view's SQLite table, as `feast apply` would record it; Feast's own stay
    expect(comparison.changed).toEqual([["infra", null, null]]);
    expect(comparison.kept).toBeGreaterThan(8);
    type Infra = { infra?: { infra_objects?: { infra_object_class_type: string; sqlite_table: { path: string; name: string } }[] } };
    const infraBefore = (JSON.parse(await fs.readFile(before, "utf8")) as Infra).infra?.infra_objects ?? [];
    const infraAfter = (JSON.parse(await fs.readFile(after, "utf8")) as Infra).infra?.infra_objects ?? [];
    expect(infraBefore.length).toBeGreaterThan(0);
    for (const object of infraBefore) expect(infraAfter).toContainEqual(object);
    expect(infraAfter.filter((o) => !infraBefore.some((b) => b.sqlite_table.name === o.sqlite_table.name))).toEqual([
      { ...infraBefore[0], sqlite_table: { ...infraBefore[0].sqlite_table, name: `${beforeView.project}_driver_trips_2h` } },
    ]);

    const seen = await feastCheck<FeastDescription>("registry_check.py", ["describe", repo]);
    expect(seen.on_demand_feature_views).toEqual(beforeView.on_demand_feature_views);
    expect(seen.feature_services).toEqual(beforeView.feature_services);
    const extra = seen.feature_views.find((v) => v.name === "driver_trips_2h");
    expect(extra).toMatchObject({
      entities: ["driver"],
      ttl_seconds: 7200,
      features: [{ name: "avg_daily_trips", dtype: "Int64" }, { name: "conv_rate", dtype: "Float32" }],
      entity_columns: [{ name: "driver_id", dtype: "Int64" }],
      batch_source: { name: "driver_trips_source", path: "data/driver_stats.parquet", timestamp_field: "event_timestamp" },
    });
    expect(seen.feature_views.length).toBe(beforeView.feature_views.length + 1);
  }, FEAST_TEST_TIMEOUT);

  it("then plans no changes, and Feast can still apply its own repo over it", async () => {
    const plan = await skewless(["plan", "--detailed-exitcode"], repo);
    expect(plan.stdout.trim()).toBe("No changes to registry\n\nNo changes to infrastructure");
    expect(plan.code).toBe(0);
    await fs.rm(path.join(repo, "extra_view.ts"));
    const reapplied = await feast(["apply"], repo);
    expect(reapplied.code, reapplied.stderr).toBe(0);
    const seen = await feastCheck<FeastDescription>("registry_check.py", ["describe", repo]);
    expect(seen.feature_views.map((v) => v.name)).toContain("driver_hourly_stats");
  }, FEAST_TEST_TIMEOUT);
});

describe("feast plan over a registry skewless apply wrote, with the same definitions in Python", () => {
  const root = tempDir();
  const repo = path.join(root, "plan_check");
  const registryFile = path.join(repo, "data", "registry.db");
  /** Feast's plan output without its notice about the project name. */
  const planLines = (stdout: string) => stdout.split("\n").filter((l) => l.trim() && !l.startsWith("No project found"));
  const managers = async () => {
    const model = new RegistryModel(decodeMessage<RegistryProto>("feast.core.Registry", await fs.readFile(registryFile)));
    return MANAGED_KINDS.flatMap((kind) => model.list(kind, "plan_check").map((o) => objectManager(kind, o)));
  };

  it("reports no changes to the registry and none to the infrastructure", async () => {
    expect((await skewless(["init", "plan_check", "--users", "5", "--days", "1"], root)).code).toBe(0);
    await writeMerchantData(repo);
    await fs.writeFile(path.join(repo, "features.ts"), PLAN_TS);
    await fs.writeFile(path.join(repo, "features.py"), PLAN_PY);   // Feast reads .py, Skewless .ts
    const applied = await skewless(["apply"], repo);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain("Plan: 11 to create");

    const plan = await feast(["plan"], repo);
    expect(plan.code, plan.stderr).toBe(0);
    expect(planLines(plan.stdout)).toEqual(["No changes to registry", "No changes to infrastructure"]);
  }, FEAST_TEST_TIMEOUT);

  it("then feast apply keeps Skewless's ownership of every object, and skewless plan still reports no changes", async () => {
    expect(await managers()).toEqual(Array(12).fill("skewless"));
    const applied = await feast(["apply"], repo);
    expect(applied.code, applied.stderr).toBe(0);
    expect(await managers()).toEqual(Array(12).fill("skewless"));
    const plan = await skewless(["plan", "--detailed-exitcode"], repo);
    expect(plan.stdout.trim()).toBe("No changes to registry\n\nNo changes to infrastructure");
    expect(plan.code).toBe(0);
  }, FEAST_TEST_TIMEOUT);

  it("and skewless plan reports no changes over a registry feast apply wrote from the Python definitions", async () => {
    await fs.rm(registryFile);
    await fs.rm(path.join(repo, "data", "online.db"), { force: true });
    const applied = await feast(["apply"], repo);
    expect(applied.code, applied.stderr).toBe(0);
    expect(await managers()).toEqual(Array(12).fill(undefined));   // Feast's objects now, not Skewless's
    const plan = await skewless(["plan", "--detailed-exitcode"], repo);
    expect(plan.stdout.trim()).toBe("No changes to registry\n\nNo changes to infrastructure");
    expect(plan.code).toBe(0);
  }, FEAST_TEST_TIMEOUT);
});

describe("skewless apply writes the registry feast apply writes, from the same definitions", () => {
  const roots = { skewless: tempDir(), feast: tempDir() };
  const variants: [string, { ts: string; py: string }][] = [
    ["views with one entity, two and none, a push source, a service", { ts: PLAN_TS, py: PLAN_PY }],
    ["and the same without an entityless view (Feast still registers its __dummy entity)", withoutEntitylessView()],
  ];

  it.each(variants)("%s", async (label, { ts, py }) => {
    const dumps: Record<string, unknown> = {};
    for (const [who, parent] of Object.entries(roots)) {
      const root = path.join(parent, String(variants.findIndex(([l]) => l === label)));
      await fs.mkdir(root);
      const repo = path.join(root, "plan_check");
      expect((await skewless(["init", "plan_check", "--users", "5", "--days", "1"], root)).code).toBe(0);
      await writeMerchantData(repo);
      await fs.writeFile(path.join(repo, "features.ts"), ts);
      await fs.writeFile(path.join(repo, "features.py"), py);
      const applied = who === "skewless" ? await skewless(["apply"], repo) : await feast(["apply"], repo);
      expect(applied.code, applied.stderr).toBe(0);
      const dump = await feastCheck("registry_check.py", ["dump", path.join(repo, "data", "registry.db")]);
      dumps[who] = comparable(JSON.parse(JSON.stringify(dump).split(repo).join("<repo>")));
    }
    expect(dumps.skewless).toEqual(dumps.feast);
  }, FEAST_TEST_TIMEOUT);
});

/**
 * A registry dump (Feast's own parse) with what differs between any two applies left out: times,
 * version and project ids, Feast 0.66's feature view version history (not written by Skewless) and
 * project_metadata (written by Skewless for older Feasts, no longer by Feast 0.66). Lists sorted.
 */
function comparable(value: unknown): unknown {
  const VARYING = new Set(["created_timestamp", "last_updated_timestamp", "last_updated", "version_id", "project_uuid"]);
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    if (v === null || typeof v !== "object") return v;
    return Object.fromEntries(Object.entries(v).filter(([k]) => !VARYING.has(k)).map(([k, x]) => [k, walk(x)]));
  };
  const { feature_view_version_history: _history, project_metadata: _metadata, ...rest } = value as Record<string, unknown>;
  return walk(rest);
}

const EXTRA_VIEW_TS = `import { FeatureView, FileSource } from "@skewless/runtime";

export const driverTripsSource = new FileSource({
  name: "driver_trips_source",
  path: "data/driver_stats.parquet",
  timestampField: "event_timestamp",
  createdTimestampColumn: "created",
});

// The driver entity is Feast's (already in the registry, with no value type): the schema gives driver_id's type.
export const driverTrips2h = new FeatureView({
  name: "driver_trips_2h",
  entities: ["driver"],
  ttl: "2h",
  source: driverTripsSource,
  schema: [
    { name: "driver_id", dtype: "Int64" },
    { name: "avg_daily_trips", dtype: "Int64" },
    { name: "conv_rate", dtype: "Float32" },
  ],
});
`;
