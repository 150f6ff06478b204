import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CA_ENV, CA_FILE, CONFIG_ENV, materializeCommand } from "../../pulumi/src/components/materialization-job";
import { scaffoldCreditScoring } from "../../runtime/src/demo/credit-scoring";
import { SKEWLESS_BIN, skewless } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";

// The job's entry point as the cloud runs it (the container's command), run here with the real
// `skewless` CLI on PATH against a real repo. No Docker engine is available on this machine, so the
// image itself is not built; this is the command the image runs.
describe("the materialization job's command", () => {
  it("writes the deployment's feature_store.yaml and CA into the repo, then materializes", async () => {
    const dir = tempDir();
    const repo = path.join(dir, "feature_repo");
    await scaffoldCreditScoring(repo, { users: 3, days: 2 });
    const applied = await skewless(["-C", repo, "apply"], dir);
    expect(applied.code, applied.stderr).toBe(0);
    const yaml = readFileSync(path.join(repo, "feature_store.yaml"), "utf8");
    writeFileSync(path.join(repo, "feature_store.yaml"), "overwritten by the job\n");
    const bin = path.join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(path.join(bin, "skewless"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(SKEWLESS_BIN)} "$@"\n`);
    chmodSync(path.join(bin, "skewless"), 0o755);

    const [command, ...args] = materializeCommand(repo);
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(command, args, { env: { PATH: `${bin}:${process.env.PATH}`, [CONFIG_ENV]: yaml, [CA_ENV]: "-----BEGIN CERTIFICATE-----\n" }, timeout: 120_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
    });
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(path.join(repo, "feature_store.yaml"), "utf8")).toBe(yaml);
    expect(readFileSync(path.join(repo, CA_FILE), "utf8")).toBe("-----BEGIN CERTIFICATE-----\n");
    // Rows reached the online store: apply only created the tables.
    const db = new Database(path.join(repo, "data", "online.db"), { readonly: true });
    try {
      expect((db.prepare("SELECT count(*) AS n FROM feature_repo_user_credit").get() as { n: number }).n).toBeGreaterThan(0);
    } finally {
      db.close();
    }
    expect(result.stdout + result.stderr).toMatch(/user_credit/);
  }, 180_000);
});
