import { promises as fs } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDefinitions } from "../../runtime/src/internal";
import { ensureFeast, feastCheck, listening, startFeastServer, type FeastServer } from "../helpers/feast";
import { skewless } from "../helpers/processes";
import { freePort } from "../helpers/redis-server";
import { tempDir } from "../helpers/tmp";

// Feast's own servers over a registry Skewless wrote: `feast ui` (its REST registry API under
// /api/v1) and `feast serve_registry` with Feast's remote registry client (registry_type: remote).
// Both need gRPC in the pinned Feast environment.

interface Listed { name: string }

describe("Feast's UI and registry server over a registry skewless apply wrote", () => {
  const root = tempDir();
  const repo = path.join(root, "credit");
  const servers: FeastServer[] = [];
  let definitions: Awaited<ReturnType<typeof loadDefinitions>>["definitions"];

  beforeAll(async () => {
    await ensureFeast();
    expect((await skewless(["init", "credit", "--users", "5", "--days", "1"], root)).code).toBe(0);
    const applied = await skewless(["apply"], repo);
    expect(applied.code, applied.stderr).toBe(0);
    definitions = (await loadDefinitions(repo)).definitions;
  }, 15 * 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it("feast ui starts and serves the registry's entities, views and services", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    servers.push(await startFeastServer(["ui", "--host", "127.0.0.1", "--port", String(port)], repo, async () => (await fetch(`${base}/health`)).ok));
    expect((await fetch(`${base}/`)).status).toBe(200);
    const get = async (route: string) => {
      const response = await fetch(`${base}/api/v1/${route}?project=credit`);
      expect(response.status, route).toBe(200);
      return (await response.json()) as Record<string, { spec: Listed }[]>;
    };
    const names = (list: { spec: Listed }[]) => list.map((o) => o.spec.name).sort();
    expect(names((await get("feature_views")).featureViews)).toEqual(definitions.featureViews.map((v) => v.name).sort());
    // the UI lists Feast's placeholder entity too, which every Feast apply registers
    expect(names((await get("entities")).entities)).toEqual([...definitions.entities.map((e) => e.name), "__dummy"].sort());
    expect(names((await get("feature_services")).featureServices)).toEqual(definitions.featureServices.map((s) => s.name).sort());
  }, 300_000);   // Feast starts slowly on a loaded machine

  it("Feast's remote registry client, against feast serve_registry, lists every object", async () => {
    const port = await freePort();
    servers.push(await startFeastServer(["serve_registry", "--port", String(port)], repo, () => listening(port)));
    const client = path.join(root, "remote_client");
    await fs.mkdir(client, { recursive: true });
    await fs.writeFile(path.join(client, "feature_store.yaml"), [
      "project: credit",
      "registry:",
      "  registry_type: remote",
      `  path: 127.0.0.1:${port}`,
      "provider: local",
      "online_store:",
      "  type: sqlite",
      "  path: online.db",
      "entity_key_serialization_version: 3",
      "",
    ].join("\n"));
    const seen = await feastCheck<{ entities: Listed[]; data_sources: Listed[]; feature_views: Listed[]; feature_services: Listed[] }>(
      "registry_check.py", ["describe", client],
    );
    const names = (list: Listed[]) => list.map((o) => o.name).sort();
    expect(names(seen.entities)).toEqual(definitions.entities.map((e) => e.name).sort());
    expect(names(seen.feature_views)).toEqual(definitions.featureViews.map((v) => v.name).sort());
    expect(names(seen.feature_services)).toEqual(definitions.featureServices.map((s) => s.name).sort());
    expect(names(seen.data_sources)).toEqual(definitions.featureViews.map((v) => v.source.name).sort());
  }, 300_000);   // Feast starts slowly on a loaded machine
});
