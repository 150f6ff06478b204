import { spawn } from "node:child_process";
import * as path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { FeatureStore } from "../../runtime/src/feature-store";
import { SKEWLESS_BIN, skewless } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";

// The online CLI on the demo repo: materialize, materialize-incremental, validate, freshness.

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

describe("skewless materialize, validate and freshness on the demo repo", () => {
  const root = tempDir();
  const repo = path.join(root, "demo");
  const now = new Date();

  it("materializes every online view and records the interval", async () => {
    expect((await skewless(["init", "demo", "--users", "300", "--days", "2"], root)).code).toBe(0);
    expect((await skewless(["apply"], repo)).code).toBe(0);
    const start = new Date(now.getTime() - 3 * 86_400_000);
    const result = await skewless(["materialize", iso(start), iso(now)], repo);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Materializing 2 feature views into the sqlite online store.");
    expect(result.stdout).toMatch(/user_credit: 300 rows written/);
    const store = await FeatureStore.open(repo);
    const intervals = (await store.catalog()).featureView("user_credit").materializationIntervals;
    expect(intervals.map((i) => [iso(i.start), iso(i.end)])).toEqual([[iso(start), iso(now)]]);
    const res = await store.getOnlineFeatures({ featureService: "credit_model_v1", entityRows: [{ user_id: 1001 }, { user_id: 99 }] });
    expect(res.column("credit_score").statuses).toEqual(["PRESENT", "NOT_FOUND"]);
    await store.close();
  });

  it("validate finds no discrepancy after materializing, and exits 1 once an online value is tampered with", async () => {
    const clean = await skewless(["validate"], repo);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toContain("Discrepancy rate: 0% (0 of 2,100 values)");
    const db = new Database(path.join(repo, "data", "online.db"));
    const row = db.prepare(`SELECT rowid FROM "demo_user_credit" WHERE feature_name = 'credit_score' LIMIT 1`).get() as { rowid: number };
    db.prepare(`UPDATE "demo_user_credit" SET value = x'180b' WHERE rowid = ?`).run(row.rowid);
    db.close();
    const dirty = await skewless(["validate", "--views", "user_credit"], repo);
    expect(dirty.code).toBe(1);
    expect(dirty.stdout).toMatch(/user_credit\[user_id=\d+\]\.credit_score: offline \d+, online 11/);
    expect(dirty.stdout).toContain("Discrepancy rate: 0.0833% (1 of 1,200 values)");
    expect(dirty.stderr).toContain("above the threshold 0");
    expect((await skewless(["validate", "--views", "user_credit", "--threshold", "0.01"], repo)).code).toBe(0);
    const sampled = await skewless(["validate", "--sample", "10", "--views", "user_transactions"], repo);
    expect(sampled.stdout).toContain("user_transactions (as of");
    expect(sampled.stdout).toContain(": 10 entities, 30 values, 0 differ");
  });

  it("freshness shows lag against --interval, and exits 1 when a view is stale", async () => {
    const fresh = await skewless(["freshness", "--interval", "1h"], repo);
    expect(fresh.code, fresh.stdout).toBe(0);
    expect(fresh.stdout).toMatch(/^feature view\s+materialized up to\s+lag\s+interval\s+status$/m);
    expect(fresh.stdout).toMatch(new RegExp(`^user_credit\\s+${iso(now)}\\s+\\S+\\s+1h\\s+ok$`, "m"));
    const stale = await skewless(["freshness", "--interval", "1s"], repo);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/STALE/);
  });

  it("materialize-incremental continues from the last end; bad times are refused with a hint", async () => {
    const later = new Date(now.getTime() + 1000);
    const result = await skewless(["materialize-incremental", iso(later), "--views", "user_transactions"], repo);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`user_transactions from ${iso(now)} to ${iso(later)}`);
    const future = await skewless(["materialize-incremental", iso(new Date(Date.now() + 3 * 86_400_000)), "--views", "user_transactions"], repo);
    expect(future.code).toBe(1);
    expect(future.stderr).toMatch(/end \S+ is 3 days in the future/);
    expect(future.stderr).toContain("hint: pass an end no later than now (+300s allowed for clock differences), or raise the allowance (--max-future SECONDS");
    expect((await skewless(["materialize-incremental", iso(new Date(Date.now() + 3_600_000)), "--max-future", "60"], repo)).stderr).toContain("60 minutes in the future");
    const naive = await skewless(["materialize", "2024-05-01T00:00:00", "2024-05-02T00:00:00Z"], repo);
    expect(naive.code).toBe(1);
    expect(naive.stderr).toContain('START "2024-05-01T00:00:00" is not an ISO 8601 time with a zone');
    expect(naive.stderr).toContain("hint: add a zone: 2024-05-01T00:00:00Z for UTC");
    const offset = await skewless(["materialize", "2024-05-01T04:00:00+02:00", "2024-05-01T01:00:00Z", "--views", "user_credit"], repo);
    expect(offset.code).toBe(1);
    expect(offset.stderr).toContain("start 2024-05-01T02:00:00.000Z is not before end 2024-05-01T01:00:00.000Z");
  });

  it("a run killed part way records nothing; running it again does", async () => {
    const big = path.join(root, "big");
    expect((await skewless(["init", "big", "--users", "20000", "--days", "1"], root)).code).toBe(0);
    expect((await skewless(["apply"], big)).code).toBe(0);
    const child = spawn(process.execPath, [SKEWLESS_BIN, "materialize", iso(new Date(now.getTime() - 2 * 86_400_000)), iso(now)], { cwd: big });
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes(" from ")) {
          child.kill("SIGKILL");
          resolve();
        }
      });
    });
    await new Promise((r) => child.once("exit", r));
    const store = await FeatureStore.open(big);
    const catalog = await store.catalog();
    expect(catalog.featureViews().map((v) => v.materializationIntervals.length)).toEqual([0, 0]);
    await store.close();
    const rerun = await skewless(["materialize", iso(new Date(now.getTime() - 2 * 86_400_000)), iso(now)], big);
    expect(rerun.code, rerun.stderr).toBe(0);
    const after = await FeatureStore.open(big);
    expect((await after.catalog()).featureViews().map((v) => v.materializationIntervals.length)).toEqual([1, 1]);
    await after.close();
  });
});
