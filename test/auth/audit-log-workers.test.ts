import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/tmp";

const run = promisify(execFile);
const AUDIT_LOG = path.resolve(__dirname, "..", "..", "runtime", "dist", "auth", "audit-log.js");

// What `serve --workers N` does with --audit-log FILE: N processes append to one file at once.
describe("AuditLog.toFile shared by several processes", () => {
  it("keeps every line whole and none lost", async () => {
    const file = path.join(tempDir("skewless-audit-"), "audit.jsonl");
    const writer = (id: number) => `
      const { AuditLog } = require(${JSON.stringify(AUDIT_LOG)});
      const log = AuditLog.toFile(${JSON.stringify(file)});
      for (let i = 0; i < 2000; i++) log.record({ worker: ${id}, i, padding: "x".repeat(i % 300) });`;
    await Promise.all([1, 2, 3].map((id) => run(process.execPath, ["-e", writer(id)], { timeout: 120_000 })));
    const lines = readFileSync(file, "utf8").split("\n").filter((l) => l.length > 0);
    expect(lines).toHaveLength(6000);
    const entries = lines.map((l) => JSON.parse(l) as { worker: number; i: number });
    for (const id of [1, 2, 3]) expect(entries.filter((e) => e.worker === id).map((e) => e.i)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  }, 180_000);
});
