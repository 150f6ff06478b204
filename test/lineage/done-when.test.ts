import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { FeatureStore } from "../../runtime/src/feature-store";
import { fileSha256 } from "../../runtime/src/lineage/manifest";
import type { LineageReport } from "../../runtime/src/lineage/trace";
import { skewless } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";
import { writeRows } from "../offline/helpers/parquet";
import { creditDefinitions, creditRepo, ENTITY_ROWS, writeCredit } from "./helpers";

// The "Done when": a model trained on a persisted dataset is traced back to the exact raw
// data and registry it came from, after both changed, and its training set is rebuilt byte for byte
// once the source is restored. The CLI is the built one, run as a user runs it.

/** A one-feature "model": the credit score threshold between defaulters and the rest (midpoint of the class means). */
async function trainModel(file: string): Promise<{ threshold: number; rows: number }> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const [row] = await (await connection.run(
      `SELECT (avg(credit_score) FILTER (WHERE defaulted = 1) + avg(credit_score) FILTER (WHERE defaulted = 0)) / 2 AS threshold, count(*) AS n
       FROM read_parquet('${file}') WHERE credit_score IS NOT NULL`,
    )).getRowObjectsJS();
    return { threshold: Number(row.threshold), rows: Number(row.n) };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe("lineage: from a model back to its raw data and registry, and a byte-for-byte rebuild", () => {
  const dir = tempDir("skewless-lineage-");
  const trainFile = path.join(dir, "data", "credit_train_v3.parquet");
  const state: { sha?: string; versionId?: string; sourceSha?: string; model?: { threshold: number; rows: number } } = {};

  it("persists a training set as a saved dataset and trains a model on it", async () => {
    await creditRepo(dir);
    const apply = await skewless(["apply"], dir);
    expect(apply.code, apply.stderr).toBe(0);
    const store = await FeatureStore.open(dir);
    try {
      // The registry the features are resolved against (persist then adds the saved dataset: a later version).
      state.versionId = (await store.registry.load()).proto.version_id;
      const job = await store.getHistoricalFeatures({ entityDf: ENTITY_ROWS, features: { featureService: "credit_v1" } });
      const saved = await job.persist({ name: "credit_train_v3", storage: "data/credit_train_v3.parquet", tags: { model: "credit_model", model_version: "v3" } });
      await job.close();
      expect(saved.rows).toBe(4);
      state.sha = saved.sha256;
    } finally {
      await store.close();
    }
    expect(await fileSha256(trainFile)).toBe(state.sha);
    state.sourceSha = await fileSha256(path.join(dir, "data/credit.parquet"));
    // 1001 -> 700 (0), 1002 -> 520 (1), 1003 -> 610 (0), 1002 on 12-31 -> 470 (1): threshold (495 + 655) / 2
    state.model = await trainModel(trainFile);
    expect(state.model).toEqual({ threshold: 575, rows: 4 });
    writeFileSync(path.join(dir, "model_v3.json"), JSON.stringify({ model: "credit_model", version: "v3", trainedOn: "credit_train_v3", ...state.model }));
  });

  it("then the source and the registry change", async () => {
    copyFileSync(path.join(dir, "data/credit.parquet"), path.join(dir, "credit.parquet.orig"));
    await writeCredit(dir, [700, 800, 610]);                 // user 1002's score is restated
    writeFileSync(path.join(dir, "features.ts"), creditDefinitions({ ttl: "7d", withIncome: true }));
    const apply = await skewless(["apply"], dir);
    expect(apply.code, apply.stderr).toBe(0);
  });

  it("lineage --verify traces the old dataset to its registry version and raw data, and names what changed", async () => {
    const result = await skewless(["lineage", "credit_train_v3", "--verify", "--json"], dir);
    expect(result.code, result.stderr).toBe(1);   // something changed
    const report = JSON.parse(result.stdout) as LineageReport;
    expect(report.model).toEqual({ name: "credit_model", version: "v3" });
    expect(report.featureService).toBe("credit_v1");
    const [set] = report.trainingSets;
    expect(set.savedDataset).toBe("credit_train_v3");
    expect(set.file).toBe(trainFile);
    expect(set.fileStatus).toBe("unchanged");
    expect(set.manifest!.sha256).toBe(state.sha);
    expect(set.registry!.versionId).toBe(state.versionId);
    expect(set.registry!.inHistory).toBe(true);
    expect(set.registry!.current!.versionId).not.toBe(state.versionId);
    expect(set.registry!.current!.viewsChanged).toEqual(["user_credit"]);
    expect(set.views!.map((v) => v.name)).toEqual(["user_credit"]);
    const [source] = set.sources!;
    expect(source.name).toBe("credit_source");
    expect(source.version.uri).toBe(path.join(dir, "data/credit.parquet"));
    expect(source.version.files![0].sha256).toBe(state.sourceSha);
    expect(source.verify!.status).toBe("changed");
    expect(source.verify!.current!.files![0].sha256).toBe(await fileSha256(path.join(dir, "data/credit.parquet")));
    // The text form says the same, hop by hop.
    const text = await skewless(["lineage", "credit_train_v3", "--verify"], dir);
    expect(text.stdout).toContain("model credit_model v3\n-> feature service credit_v1\n   -> saved dataset credit_train_v3");
    expect(text.stdout).toContain(`-> registry version ${state.versionId}`);
    expect(text.stdout).toMatch(/-> source credit_source \S+credit\.parquet \[CHANGED\]/);
  });

  it("the registry version the manifest names loads again, with the view as it was", async () => {
    const old = await FeatureStore.open(dir, { registryVersion: state.versionId });
    const current = await FeatureStore.open(dir);
    try {
      expect((await old.catalog()).featureView("user_credit").features.map((f) => f.name)).toEqual(["credit_score"]);
      expect((await old.catalog()).featureView("user_credit").ttlSeconds).toBe(30 * 86400);
      expect((await current.catalog()).featureView("user_credit").features.map((f) => f.name)).toEqual(["credit_score", "income"]);
    } finally {
      await old.close();
      await current.close();
    }
  });

  it("rebuild refuses while the source differs, naming it", async () => {
    const result = await skewless(["dataset", "rebuild", "credit_train_v3"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("source data changed since: credit_source");
    expect(existsSync(path.join(dir, "data", "credit_train_v3.rebuilt.parquet"))).toBe(false);
  });

  it("with the source restored, --verify passes and rebuild gives the same bytes, so the same model", async () => {
    copyFileSync(path.join(dir, "credit.parquet.orig"), path.join(dir, "data/credit.parquet"));
    const verify = await skewless(["lineage", "credit_train_v3", "--verify", "--json"], dir);
    expect(verify.code, verify.stdout).toBe(0);
    expect((JSON.parse(verify.stdout) as LineageReport).trainingSets[0].sources![0].verify!.status).toBe("unchanged");
    const rebuild = await skewless(["dataset", "rebuild", "credit_train_v3"], dir);
    expect(rebuild.code, rebuild.stderr + rebuild.stdout).toBe(0);
    expect(rebuild.stdout).toContain("byte-identical");
    const rebuilt = path.join(dir, "data", "credit_train_v3.rebuilt.parquet");
    expect(await fileSha256(rebuilt)).toBe(state.sha);
    expect(readFileSync(rebuilt).equals(readFileSync(trainFile))).toBe(true);
    expect(await trainModel(rebuilt)).toEqual(state.model);
  });

  it("a set built from an entity parquet file (the CLI's --entities) keeps a byte copy of it and rebuilds the same", async () => {
    await writeRows(path.join(dir, "data/applications.parquet"), [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMP"], ["defaulted", "INTEGER"]],
      [[1003, "2024-01-02 00:00:00", 0], [1001, "2024-01-02 00:00:00", 1]]);
    const persist = await skewless(["dataset", "persist", "apps", "--entities", "data/applications.parquet", "--features", "user_credit:credit_score",
      "--storage", "data/apps.parquet", "--tag", "model=credit_model"], dir);
    expect(persist.code, persist.stderr).toBe(0);
    expect(persist.stdout).toContain("saved dataset apps: 2 rows in");
    expect(readFileSync(path.join(dir, "data/apps.parquet.entities.parquet")).equals(readFileSync(path.join(dir, "data/applications.parquet")))).toBe(true);
    const rebuild = await skewless(["dataset", "rebuild", "data/apps.parquet", "--output", "data/apps-again.parquet"], dir);
    expect(rebuild.code, rebuild.stderr).toBe(0);
    expect(await fileSha256(path.join(dir, "data/apps-again.parquet"))).toBe(await fileSha256(path.join(dir, "data/apps.parquet")));
  });
});
