import { writeFileSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FeatureReferenceError } from "../../runtime/src/errors";
import { FeatureStore } from "../../runtime/src/feature-store";
import { readManifest } from "../../runtime/src/lineage/manifest";
import { ensureFeast, feast } from "../helpers/feast";
import { skewless } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";
import { writeRows } from "../offline/helpers/parquet";
import { utc } from "../offline/helpers/repo";
import { creditRepo } from "./helpers";

// Feast 0.66's versioned references: `view@vN:feature` reads version N of the view from the
// registry's feature_view_version_history (Feast records a version per schema change when
// registry.enable_online_feature_view_versioning is on). The versions here are written by
// `feast apply` itself; with the flag off, or online, the reference is refused by name.

const YAML = `project: lineage_test
registry:
  path: data/registry.db
  enable_online_feature_view_versioning: true
provider: local
online_store:
  type: sqlite
  path: data/online.db
offline_store:
  type: file
entity_key_serialization_version: 3
`;

function pythonRepo(withIncome: boolean): string {
  return `from datetime import timedelta
from feast import Entity, FeatureView, Field, FileSource
from feast.types import Float64, Int64
user = Entity(name="user", join_keys=["user_id"])
src = FileSource(name="credit_source", path="data/credit.parquet", timestamp_field="event_timestamp")
user_credit = FeatureView(name="user_credit", entities=[user], ttl=timedelta(days=30), source=src,
    schema=[Field(name="credit_score", dtype=Int64)${withIncome ? ', Field(name="income", dtype=Float64)' : ""}])
`;
}

const entityDf = [{ user_id: 1001, event_timestamp: utc("2024-01-02T00:00") }];

describe("versioned feature references (view@vN:feature)", () => {
  const dir = tempDir("skewless-versions-");
  const plain = tempDir("skewless-versions-off-");

  beforeAll(async () => {
    await ensureFeast();
    mkdirSync(path.join(dir, "data"), { recursive: true });
    writeFileSync(path.join(dir, "feature_store.yaml"), YAML);
    await writeRows(path.join(dir, "data/credit.parquet"), [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["credit_score", "BIGINT"], ["income", "DOUBLE"]],
      [[1001, utc("2024-01-01T00:00"), 700, 52000.5]]);
    for (const withIncome of [false, true]) {
      writeFileSync(path.join(dir, "repo.py"), pythonRepo(withIncome));
      const applied = await feast(["apply"], dir);
      expect(applied.code, applied.stderr).toBe(0);
    }
    await creditRepo(plain);
    const apply = await skewless(["apply"], plain);
    expect(apply.code, apply.stderr).toBe(0);
  }, 15 * 60_000);

  it("reads the version Feast recorded: v0 has only credit_score, v1 also income", async () => {
    const store = await FeatureStore.open(dir);
    try {
      const v0 = await store.getHistoricalFeatures({ entityDf, features: ["user_credit@v0:credit_score"], fullFeatureNames: true });
      expect(v0.columns).toEqual(["user_id", "event_timestamp", "user_credit@v0__credit_score"]);
      expect((await v0.toRows())[0]["user_credit@v0__credit_score"]).toBe(700n);
      const file = path.join(dir, "v0.parquet");
      await v0.toParquet(file);
      await v0.close();
      expect((await readManifest(file)).views.map((v) => v.name)).toEqual(["user_credit@v0"]);
      await expect(store.getHistoricalFeatures({ entityDf, features: ["user_credit@v0:income"] })).rejects.toThrow("feature view user_credit has no feature income");
      const v1 = await store.getHistoricalFeatures({ entityDf, features: ["user_credit@v1:income", "user_credit@latest:credit_score"] });
      expect(await v1.toRows()).toEqual([{ user_id: 1001n, event_timestamp: utc("2024-01-02T00:00"), income: 52000.5, credit_score: 700n }]);
      await v1.close();
    } finally {
      await store.close();
    }
  });

  it("an unknown version is an error listing the recorded ones", async () => {
    const store = await FeatureStore.open(dir);
    try {
      await expect(store.getHistoricalFeatures({ entityDf, features: ["user_credit@v7:credit_score"] }))
        .rejects.toThrow(/user_credit@v7:credit_score: feature view user_credit has no version v7/);
      const error = await store.getHistoricalFeatures({ entityDf, features: ["user_credit@v7:credit_score"] }).catch((e: unknown) => e);
      expect((error as FeatureReferenceError).hint).toBe("its recorded versions are: v0, v1");
    } finally {
      await store.close();
    }
  });

  it("with versioning off, and online, the reference is refused by name, never read as today's view", async () => {
    const store = await FeatureStore.open(plain);
    try {
      const off = await store.getHistoricalFeatures({ entityDf, features: ["user_credit@v7:credit_score"] }).catch((e: unknown) => e);
      expect(off).toBeInstanceOf(FeatureReferenceError);
      expect((off as Error).message).toContain("feature reference user_credit@v7:credit_score: version-qualified references are not supported");
      expect((off as FeatureReferenceError).hint).toContain("enable_online_feature_view_versioning: true");
      await expect(store.getOnlineFeatures({ features: ["user_credit@v1:credit_score"], entityRows: [{ user_id: 1001 }] }))
        .rejects.toThrow("feature reference user_credit@v1:credit_score: Skewless serves only a view's current version online");
    } finally {
      await store.close();
    }
  });
});
