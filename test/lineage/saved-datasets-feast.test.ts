import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FeatureStore } from "../../runtime/src/feature-store";
import { SavedDatasetExistsError } from "../../runtime/src/errors";
import { ensureFeast, feastCheck } from "../helpers/feast";
import { skewless } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";
import { creditRepo, ENTITY_ROWS } from "./helpers";

// Saved datasets against Feast 0.66's own SDK (the pinned venv): Feast lists and reads what
// Skewless persists, and Skewless lists what Feast's create_saved_dataset writes. The repo's
// feature_store.yaml carries `registry.history`, which Feast must accept as well.

interface FeastDataset {
  name: string; features: string[]; join_keys: string[]; full_feature_names: boolean; path: string;
  tags: Record<string, string>; feature_service_name: string | null; created_timestamp: string | null;
  min_event_timestamp: string | null; max_event_timestamp: string | null;
}

describe("saved datasets, shared with Feast", () => {
  const dir = tempDir("skewless-saved-");

  beforeAll(async () => {
    await ensureFeast();
    await creditRepo(dir);
    const apply = await skewless(["apply"], dir);
    expect(apply.code, apply.stderr).toBe(0);
  }, 15 * 60_000);

  it("persist writes a SavedDataset that Feast lists with Feast's fields, and reads back row for row", async () => {
    const store = await FeatureStore.open(dir);
    try {
      const job = await store.getHistoricalFeatures({ entityDf: ENTITY_ROWS, features: { featureService: "credit_v1" } });
      await job.persist({ name: "credit_train", storage: "data/credit_train.parquet", tags: { model: "credit_model" } });
      await expect(job.persist({ name: "credit_train", storage: "data/credit_train.parquet" })).rejects.toThrow(SavedDatasetExistsError);
      await job.close();
      const byList = await store.getHistoricalFeatures({ entityDf: ENTITY_ROWS.slice(0, 2), features: ["user_credit:credit_score"], fullFeatureNames: true });
      await byList.persist({ name: "credit_full_names", storage: path.join(dir, "data/full.parquet") });
      await byList.close();
    } finally {
      await store.close();
    }
    const listed = await feastCheck<FeastDataset[]>("saved_dataset_check.py", ["list", dir]);
    const train = listed.find((d) => d.name === "credit_train")!;
    expect(train).toMatchObject({
      features: ["user_credit:credit_score"], join_keys: ["user_id"], full_feature_names: false, path: "data/credit_train.parquet",
      tags: { model: "credit_model" }, feature_service_name: "credit_v1",
      min_event_timestamp: "2023-12-31T12:00:00", max_event_timestamp: "2024-01-02T06:00:00",
    });
    expect(train.created_timestamp).not.toBeNull();
    expect(listed.find((d) => d.name === "credit_full_names")).toMatchObject({ full_feature_names: true, feature_service_name: null, join_keys: ["user_id"] });

    const read = await feastCheck<{ columns: string[]; rows: Record<string, unknown>[] }>("saved_dataset_check.py", ["read", dir, "credit_train"]);
    // Feast reads a saved dataset's join keys, features and event timestamp (not the label columns).
    expect(read.columns).toEqual(["credit_score", "event_timestamp", "user_id"]);
    expect(read.rows.map((r) => [r.user_id, r.credit_score])).toEqual([[1001, 700], [1002, 470], [1002, 520], [1003, 610]]);
    const full = await feastCheck<{ columns: string[] }>("saved_dataset_check.py", ["read", dir, "credit_full_names"]);
    expect(full.columns).toContain("user_credit__credit_score");
  }, 10 * 60_000);

  it("a dataset Feast saves with create_saved_dataset is listed by Skewless", async () => {
    await feastCheck("saved_dataset_check.py", ["create", dir, "feast_made", path.join(dir, "data/feast_made.parquet"), "user_credit:credit_score"]);
    const list = await skewless(["dataset", "list", "--json"], dir);
    expect(list.code, list.stderr).toBe(0);
    const datasets = JSON.parse(list.stdout) as { name: string; path: string; tags: Record<string, string>; features: string[] }[];
    expect(datasets.map((d) => d.name).sort()).toEqual(["credit_full_names", "credit_train", "feast_made"]);
    expect(datasets.find((d) => d.name === "feast_made")).toMatchObject({
      path: path.join(dir, "data/feast_made.parquet"), tags: { made_by: "feast" }, features: ["user_credit:credit_score"],
    });
    const text = await skewless(["dataset", "list"], dir);
    expect(text.stdout).toMatch(/^feast_made {2}\S+feast_made\.parquet {2}1 features/m);
    // Feast's dataset has no manifest: lineage says so instead of inventing a chain.
    const lineage = await skewless(["lineage", "feast_made"], dir);
    expect(lineage.code, lineage.stderr).toBe(0);
    expect(lineage.stdout).toContain("was not written by Skewless");
  }, 10 * 60_000);
});
