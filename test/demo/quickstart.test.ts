import { existsSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runQuickstart } from "../../runtime/src/demo/quickstart";
import { tempDir } from "../helpers/tmp";

describe("the quickstart", () => {
  it("creates and applies a repo, then prints a training set whose every value is explained and point-in-time correct", async () => {
    const lines: string[] = [];
    const dir = path.join(tempDir("skewless-quickstart-test-"), "credit_scoring");
    const context = await runQuickstart({ dir, print: (line) => lines.push(line) });
    const text = lines.join("\n");
    expect(text).toContain("== 1/4 Create a feature repo (skewless init)");
    expect(text).toContain("Plan: 6 to create, 0 to update, 0 to delete.");
    expect(existsSync(path.join(dir, "data", "training_set.parquet"))).toBe(true);

    const rows = context.notes.trainingSet as Record<string, unknown>[];
    expect(rows).toHaveLength(5);
    const ttl = { user_credit: 7 * 86400_000, user_transactions: 86400_000 };
    for (const row of rows) {
      const at = (row.event_timestamp as Date).getTime();
      for (const [view, ttlMs] of Object.entries(ttl)) {
        const chosen = row[`${view}__event_timestamp`] as Date | null;
        if (chosen) {
          // Never a value from after the entity time, never one older than the TTL.
          expect(chosen.getTime()).toBeLessThanOrEqual(at);
          expect(chosen.getTime()).toBeGreaterThanOrEqual(at - ttlMs);
          expect(text).toContain(`its row at ${chosen.toISOString().slice(0, 10)} ${chosen.toISOString().slice(11, 16)}Z`);
        }
      }
    }
    expect({ ...rows[2], note: "" }).toEqual({ ...rows[0], note: "" }); // the duplicate entity row is kept and gets the same values
    expect(rows[3].txn_count_1h).toBeNull(); // 36h after the data: past the 1d ttl...
    expect(rows[3].credit_score).not.toBeNull(); // ...but inside the 7d one
    expect(rows[4].credit_score).toBeNull(); // before any history
    expect(text.match(/<- /g)).toHaveLength(10); // one explanation per entity row and view

    // step 4: materialized, read online, the same as training at the same instant, validated
    expect(text).toContain("== 4/4 Serve features online");
    expect(text).toMatch(/user_credit: [\d,]+ rows written/);
    const online = context.notes.online as Record<string, unknown>[];
    expect(online.map((r) => r.user_id)).toEqual([1001, 1002, 1003, 99]);
    expect(online[0].credit_score).toEqual(expect.any(Number));
    expect(online[3].credit_score).toBeNull();
    expect(context.notes.onlineMatchesTraining).toBe(true);
    expect(text).toContain("Discrepancy rate: 0%");
  });
});
