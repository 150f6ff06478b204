import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { onlineRepo } from "../../bench/footprint/fixture";
import { skewless } from "../helpers/processes";
import { startServe } from "../helpers/serve-process";
import { tempDir } from "../helpers/tmp";

const run = promisify(execFile);

/** The pids of `pid`'s child processes. */
async function children(pid: number): Promise<number[]> {
  const { stdout } = await run("ps", ["-o", "pid=", "--ppid", String(pid)]).catch(() => ({ stdout: "" }));
  return stdout.split("\n").map((s) => Number(s.trim())).filter((n) => n > 0);
}

async function repo(): Promise<string> {
  const dir = path.join(tempDir("skewless-workers-"), "repo");
  await onlineRepo(dir, { type: "sqlite", path: "data/online.db" });
  writeFileSync(path.join(dir, "feature_store.yaml"),
    "project: footprint\nregistry: data/registry.db\nprovider: local\nonline_store:\n  type: sqlite\n  path: data/online.db\nentity_key_serialization_version: 3\n");
  return dir;
}

describe("skewless serve --workers", () => {
  it("exits with an error when the workers cannot listen (the port is taken)", async () => {
    const dir = await repo();
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", () => resolve()));
    try {
      const port = (taken.address() as net.AddressInfo).port;
      const result = await skewless(["serve", "--port", String(port), "--workers", "2"], dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("EADDRINUSE");
      expect(result.stderr).toContain("skewless serve: starting a worker failed");
    } finally {
      taken.close();
    }
  }, 180_000);

  it("serves from 2 worker processes on one port and stops them all on SIGTERM", async () => {
    const dir = await repo();
    const serve = await startServe(dir, ["--workers", "2", "--no-access-log"]);
    expect(serve.output()).toMatch(/Serving project footprint on http:\/\/127\.0\.0\.1:\d+ with 2 workers/);
    const workers = await children(serve.child.pid!);
    expect(workers).toHaveLength(2);

    const body = JSON.stringify({ features: ["user_stats:clicks", "user_stats:name"], entities: { user_id: [1, 2] } });
    const answers = await Promise.all(Array.from({ length: 20 }, async () => {
      const res = await fetch(`${serve.url}/get-online-features`, { method: "POST", headers: { "content-type": "application/json" }, body });
      return { status: res.status, json: await res.json() as { results: { values: unknown[] }[] } };
    }));
    for (const { status, json } of answers) {
      expect(status).toBe(200);
      // Feast's JSON is unchanged by bigint decoding: Int64 values are plain JSON numbers.
      expect(json.results.map((r) => r.values)).toEqual([[1, 2], [5, 1152921504606846976], ["ann", "bob"]]);
    }
    expect((await fetch(`${serve.url}/health`)).status).toBe(200);

    const exited = new Promise<number | null>((resolve) => serve.child.once("exit", (code) => resolve(code)));
    serve.child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(serve.output()).toContain("Stopping...");
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  }, 180_000);
});
