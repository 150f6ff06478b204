import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeatureStore } from "../../runtime/src/feature-store";
import { fileSha256 } from "../../runtime/src/lineage/manifest";
import type { RunEvent } from "../../runtime/src/lineage/openlineage/events";
import { ensureFeast, feastCheck } from "../helpers/feast";
import { skewless } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";
import { creditRepo, ENTITY_ROWS } from "./helpers";
import { runEventProblems } from "./openlineage-schema";

// OpenLineage run events for materialization and historical retrieval, sent to an HTTP receiver
// this test runs on loopback (as Marquez would receive them) and to a file, validated against the
// OpenLineage 2-0-2 JSON schema and its facet schemas (vendored under openlineage-spec/).

const received: { headers: IncomingHttpHeaders; url: string; event: RunEvent }[] = [];
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (c: Buffer) => (body += c.toString()));
  req.on("end", () => {
    received.push({ headers: req.headers, url: req.url ?? "", event: JSON.parse(body) as RunEvent });
    res.writeHead(201).end();
  });
});

describe("OpenLineage events", () => {
  const dir = tempDir("skewless-openlineage-");
  const fileDir = tempDir("skewless-openlineage-file-");

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const port = (receiver.address() as AddressInfo).port;
    await creditRepo(dir, `openlineage:\n  enabled: true\n  transport_type: http\n  transport_url: http://127.0.0.1:${port}\n  transport_endpoint: api/v1/lineage\n  api_key: \${LINEAGE_TOKEN}\n  namespace: feast\n`);
    await creditRepo(fileDir, `openlineage:\n  enabled: true\n  transport_type: file\n  namespace: ml\n  additional_config:\n    log_file_path: data/lineage.jsonl\n`);
    for (const repo of [dir, fileDir]) {
      const apply = await skewless(["apply"], repo, { LINEAGE_TOKEN: "t0ken" });
      expect(apply.code, apply.stderr).toBe(0);
    }
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it("materialization sends START and COMPLETE with views, versioned sources and online tables, valid per the schema", async () => {
    process.env.LINEAGE_TOKEN = "t0ken";
    const store = await FeatureStore.open(dir);
    try {
      await store.materialize(new Date("2023-12-01T00:00:00Z"), new Date("2024-01-03T00:00:00Z"));
    } finally {
      await store.close();
    }
    const events = received.filter((r) => r.event.job.name === "materialize_lineage_test");
    expect(events.map((r) => r.event.eventType)).toEqual(["START", "COMPLETE"]);
    expect(events[0].url).toBe("/api/v1/lineage");
    expect(events[0].headers.authorization).toBe("Bearer t0ken");
    const [start, complete] = events.map((r) => r.event);
    expect(start.run.runId).toBe(complete.run.runId);
    expect(start.job.namespace).toBe("lineage_test");   // Feast's rule: namespace "feast" means the project
    expect(start.inputs.map((d) => d.name)).toEqual(["user_credit", "credit_source"]);
    const sha = await fileSha256(path.join(dir, "data/credit.parquet"));
    expect(start.inputs[1].facets!.version).toMatchObject({ datasetVersion: `sha256:${sha}` });
    expect(start.inputs[1].facets!.dataSource).toMatchObject({ name: "credit_source", uri: `file://${path.join(dir, "data/credit.parquet")}` });
    expect(complete.outputs.map((d) => d.name)).toEqual(["online_store_user_credit"]);
    expect(complete.outputs[0].facets!.dataSource).toMatchObject({ name: "sqlite", uri: "sqlite://feast/user_credit" });
    for (const e of events) expect(runEventProblems(e.event as unknown as Record<string, unknown>)).toEqual([]);
  });

  it("a historical retrieval persisted as a saved dataset has the file and the saved dataset as outputs; a failure sends FAIL", async () => {
    const store = await FeatureStore.open(dir);
    try {
      const job = await store.getHistoricalFeatures({ entityDf: ENTITY_ROWS, features: { featureService: "credit_v1" } });
      const saved = await job.persist({ name: "credit_train", storage: "data/credit_train.parquet" });
      await expect(job.toParquet(path.join(dir, "no-such-folder", "x.parquet"))).rejects.toThrow();
      await job.close();
      const events = received.filter((r) => r.event.job.name === "get_historical_features_lineage_test").map((r) => r.event);
      expect(events.map((e) => e.eventType)).toEqual(["START", "COMPLETE", "START", "FAIL"]);
      expect(events[0].inputs[0]).toMatchObject({ name: "credit_source", facets: { version: { datasetVersion: `sha256:${await fileSha256(path.join(dir, "data/credit.parquet"))}` } } });
      expect(events[1].outputs.map((d) => d.name)).toEqual(["credit_train.parquet", "credit_train"]);
      expect(events[1].outputs[0].facets!.version).toMatchObject({ datasetVersion: `sha256:${saved.sha256}` });
      expect(events[3].run.facets!.errorMessage).toMatchObject({ programmingLanguage: "typescript" });
      for (const e of events) expect(runEventProblems(e as unknown as Record<string, unknown>)).toEqual([]);
      // The api key is a credential: it travels only in the Authorization header.
      expect(JSON.stringify(received.map((r) => r.event))).not.toContain("t0ken");
    } finally {
      await store.close();
    }
  });

  it("the schema check catches a broken event (so the checks above mean something)", () => {
    const [{ event }] = received;
    const broken = { ...event, run: { runId: "not-a-uuid" }, eventTime: "yesterday" };
    expect(runEventProblems(broken as unknown as Record<string, unknown>).length).toBeGreaterThan(0);
  });

  it("the file transport appends one valid event per line", async () => {
    const store = await FeatureStore.open(fileDir);
    try {
      await store.materialize(new Date("2023-12-01T00:00:00Z"), new Date("2024-01-03T00:00:00Z"));
    } finally {
      await store.close();
    }
    const lines = readFileSync(path.join(fileDir, "data/lineage.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as RunEvent);
    expect(lines.map((e) => `${e.eventType} ${e.job.namespace}/${e.job.name}`)).toEqual(["START ml/lineage_test/materialize_lineage_test", "COMPLETE ml/lineage_test/materialize_lineage_test"]);
    for (const e of lines) expect(runEventProblems(e as unknown as Record<string, unknown>)).toEqual([]);
  });

  it("Feast 0.66 reads the same feature_store.yaml (openlineage and registry.history keys)", async () => {
    await ensureFeast();
    expect(await feastCheck("saved_dataset_check.py", ["list", fileDir])).toEqual([]);
  }, 15 * 60_000);
});
