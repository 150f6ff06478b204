import { existsSync, readdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseRepoConfig } from "../../runtime/src/config";
import { ConfigError, InvalidArgumentError, RebuildError } from "../../runtime/src/errors";
import { FeatureStore } from "../../runtime/src/feature-store";
import { readManifest, sha256 } from "../../runtime/src/lineage/manifest";
import { LocalRegistryHistory } from "../../runtime/src/registry/history/registry-history";
import { PinnedRegistryStore } from "../../runtime/src/registry/history/pinned-store";
import { collectDefinitions } from "../../runtime/src/registry/compile";
import { decodeRegistry } from "../../runtime/src/registry/integrity";
import { Registry } from "../../runtime/src/registry/registry";
import { FileRegistryStore } from "../../runtime/src/registry/stores/file-store";
import { skewless } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";
import { creditRepo, ENTITY_ROWS } from "./helpers";

describe("registry history", () => {
  it("keeps every version written, byte for byte, up to registry.history.keep", async () => {
    const dir = tempDir("skewless-history-");
    const file = path.join(dir, "registry.db");
    const history = new LocalRegistryHistory(file, 2);
    const registry = new Registry(new FileRegistryStore(file), history);
    const written: { id: string; sha: string }[] = [];
    for (const project of ["a", "b", "c", "d"]) {
      await registry.update((model) => model.ensureProject(project));
      const { model, bytes } = await registry.read();
      written.push({ id: model.proto.version_id!, sha: sha256(bytes!) });
      await new Promise((resolve) => setTimeout(resolve, 20));   // distinct mtimes: retention keeps the newest
    }
    expect(readdirSync(history.location).sort()).toEqual(written.slice(2).map((w) => `${w.id}.db`).sort());
    for (const w of written.slice(2)) {
      const bytes = await history.load(w.id);
      expect(sha256(bytes!)).toBe(w.sha);
      expect(decodeRegistry(bytes!, "history").version_id).toBe(w.id);
    }
    expect(await history.load(written[0].id)).toBeNull();
    await expect(history.load("../registry")).rejects.toThrow(InvalidArgumentError);
  });

  it("a version another tool wrote is kept when a training set is built from it; keep: 0 keeps none", async () => {
    const dir = tempDir("skewless-history-feast-");
    await creditRepo(dir);
    expect((await skewless(["apply"], dir)).code).toBe(0);
    const historyDir = path.join(dir, "data", "registry-history");
    rmSync(historyDir, { recursive: true });                 // as if Feast had written registry.db
    const store = await FeatureStore.open(dir);
    try {
      const job = await store.getHistoricalFeatures({ entityDf: ENTITY_ROWS, features: ["user_credit:credit_score"] });
      await job.toParquet(path.join(dir, "train.parquet"));
      await job.close();
      const manifest = await readManifest(path.join(dir, "train.parquet"));
      expect(readdirSync(historyDir)).toEqual([`${manifest.registry.versionId}.db`]);
      expect(manifest.registry.history).toBe(historyDir);
    } finally {
      await store.close();
    }
    const none = tempDir("skewless-history-none-");
    await creditRepo(none);
    const config = parseRepoConfig({ project: "p", registry: { path: "data/registry.db", history: { keep: 0 } } }, none);
    const noHistory = await FeatureStore.open(config);
    await noHistory.apply(collectDefinitions([]));
    await noHistory.close();
    expect(existsSync(path.join(none, "data", "registry-history"))).toBe(false);
  });

  it("an earlier version opens read-only; a version the history lacks is an error naming it", async () => {
    const dir = tempDir("skewless-history-pinned-");
    const file = path.join(dir, "registry.db");
    const history = new LocalRegistryHistory(file);
    const registry = new Registry(new FileRegistryStore(file), history);
    await registry.update((model) => model.ensureProject("a"));
    const id = (await registry.load()).proto.version_id!;
    const pinned = new Registry(new PinnedRegistryStore(file, history, id));
    expect((await pinned.load()).projects()).toEqual(["a"]);
    await expect(pinned.update((model) => model.ensureProject("b"))).rejects.toThrow("is an earlier version, opened read-only");
    const missing = new Registry(new PinnedRegistryStore(file, history, "0000-gone"));
    const error = await missing.load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RebuildError);
    expect((error as Error).message).toBe(`registry version 0000-gone is not in the registry history ${history.location}`);
  });

  it("bad history and openlineage settings are errors naming the key", () => {
    const parse = (extra: Record<string, unknown>) => () => parseRepoConfig({ project: "p", registry: "r.db", ...extra }, "/repo");
    expect(() => parseRepoConfig({ project: "p", registry: { path: "r.db", history: { keep: -1 } } }, "/repo")).toThrow("feature_store.yaml: registry.history.keep must be a whole number >= 0");
    expect(() => parseRepoConfig({ project: "p", registry: { path: "r.db", history: { kept: 3 } } }, "/repo")).toThrow(ConfigError);
    expect(parse({ openlineage: { enabled: true, transport_type: "http" } })).toThrow("feature_store.yaml: openlineage.transport_url is required with transport_type: http");
    expect(parse({ openlineage: { enabled: true, transport_type: "kafka" } })).toThrow('openlineage.transport_type "kafka" is not supported');
    expect(parse({ openlineage: { enable: true } })).toThrow("feature_store.yaml: openlineage.enable is not a known key");
    expect(parseRepoConfig({ project: "p", registry: "r.db", openlineage: { enabled: true, transport_type: "file" } }, "/repo").openLineage)
      .toMatchObject({ enabled: true, transportType: "file", logFilePath: "/repo/openlineage_events.json", namespace: "feast" });
  });
});
