import { promises as fs } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { skewless } from "../helpers/processes";
import { tempDir } from "../helpers/tmp";

describe("skewless init, plan and apply on the demo repo", () => {
  const root = tempDir();
  const repo = path.join(root, "demo");

  it("init scaffolds a repo with generated hourly history", async () => {
    const result = await skewless(["init", "demo", "--users", "40", "--days", "2"], root);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Project demo is ready");
    const files = await fs.readdir(repo);
    expect(files.sort()).toEqual([".gitignore", "README.md", "data", "feature_store.yaml", "features.ts"]);
    expect((await fs.readdir(path.join(repo, "data"))).sort()).toEqual(["user_credit.parquet", "user_transactions.parquet"]);
    expect(result.stdout).toMatch(/data\/user_credit\.parquet \(\d[\d,]* rows\)/);
  });

  it("plan lists the creations and exits 2 with --detailed-exitcode", async () => {
    const plan = await skewless(["plan", "--detailed-exitcode"], repo);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("+ create feature view user_transactions");
    // Only planned: said in the future tense (apply says "Created").
    expect(plan.stdout).toContain("Plan: 6 to create, 0 to update, 0 to delete.\n\nWill create sqlite table demo_user_credit\nWill create sqlite table demo_user_transactions");
    expect(plan.stdout).not.toContain("Created sqlite table");
    await expect(fs.access(path.join(repo, "data", "registry.db"))).rejects.toThrow();
  });

  it("apply writes the registry, after which plan has nothing to do", async () => {
    const apply = await skewless(["apply"], repo);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain("Created sqlite table demo_user_transactions");
    expect(apply.stdout).toContain("Applied to");
    await expect(fs.access(path.join(repo, "data", "online.db"))).resolves.toBeUndefined();
    const plan = await skewless(["plan", "--detailed-exitcode"], repo);
    expect(plan.stdout.trim()).toBe("No changes to registry\n\nNo changes to infrastructure");
    expect(plan.code).toBe(0);
  });

  it("after one view's ttl changes, plan prints exactly that change", async () => {
    const file = path.join(repo, "features.ts");
    const text = await fs.readFile(file, "utf8");
    expect(text).toContain('ttl: "1d"');
    await fs.writeFile(file, text.replace('ttl: "1d"', 'ttl: "2d"'));
    const plan = await skewless(["plan", "--detailed-exitcode"], repo);
    expect(plan.code).toBe(2);
    expect(plan.stdout.trim()).toBe("~ update feature view user_transactions: ttl 1d -> 2d\n\nPlan: 0 to create, 1 to update, 0 to delete.\n\nNo changes to infrastructure");
  });

  it("-C runs in another folder", async () => {
    const plan = await skewless(["-C", repo, "plan"], root);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("ttl 1d -> 2d");
  });
});

describe("skewless errors and help", () => {
  const root = tempDir();

  it("outside a feature repo: exit 1 and a message naming the missing file, for plan --detailed-exitcode too", async () => {
    for (const args of [["plan"], ["plan", "--detailed-exitcode"], ["apply"]]) {
      const result = await skewless(args, root);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`error: ${path.join(root, "feature_store.yaml")} does not exist`);
      expect(result.stderr).toContain("hint: run inside a feature repo");
    }
  });

  it("an invalid definition: exit 1, naming the module and the object, and nothing written", async () => {
    const repo = path.join(root, "bad");
    await fs.mkdir(repo);
    await fs.writeFile(path.join(repo, "feature_store.yaml"), "project: bad\nregistry: data/registry.db\n");
    await fs.writeFile(path.join(repo, "defs.ts"), `import { Entity, FeatureView, FileSource } from "@skewless/runtime";
const source = new FileSource({ name: "s", path: "data/s.parquet", timestampField: "ts" });
export const v = new FeatureView({ name: "orphan", entities: ["ghost"], source, schema: [{ name: "x", dtype: "Int64" }] });
`);
    const result = await skewless(["apply"], repo);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: feature view orphan uses entity ghost, which is not defined");
    await expect(fs.access(path.join(repo, "data", "registry.db"))).rejects.toThrow();
  });

  it("notes the feature_store.yaml keys only Feast reads instead of ignoring them silently", async () => {
    const repo = path.join(root, "feast-keys");
    await fs.mkdir(repo);
    await fs.writeFile(path.join(repo, "feature_store.yaml"), "project: fk\nregistry: data/registry.db\nbatch_engine: local\nfeature_server:\n  enabled: true\n");
    const result = await skewless(["plan"], repo);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("note: feature_store.yaml: batch_engine, feature_server configure Feast only; Skewless does not read them");
    await fs.writeFile(path.join(repo, "feature_store.yaml"), "project: fk\nregistry: data/registry.db\n");
    expect((await skewless(["plan"], repo)).stderr).not.toContain("note:");
  });

  it("a corrupt registry: exit 1 and it says which file", async () => {
    const repo = path.join(root, "corrupt");
    await fs.mkdir(path.join(repo, "data"), { recursive: true });
    await fs.writeFile(path.join(repo, "feature_store.yaml"), "project: c\nregistry: data/registry.db\n");
    await fs.writeFile(path.join(repo, "data", "registry.db"), "");
    const result = await skewless(["plan"], repo);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`registry ${path.join(repo, "data", "registry.db")} is corrupt or truncated: the file is empty (0 bytes)`);
  });

  it("init refuses a non-empty folder unless forced", async () => {
    const dir = path.join(root, "occupied");
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, "notes.txt"), "mine");
    const refused = await skewless(["init", "occupied"], root);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${dir} is not empty`);
    expect((await skewless(["init", "occupied", "--force", "--users", "5", "--days", "1"], root)).code).toBe(0);
    expect(await fs.readFile(path.join(dir, "notes.txt"), "utf8")).toBe("mine");
  });

  it("--help describes every command and its options", async () => {
    const top = await skewless(["--help"], root);
    expect(top.code).toBe(0);
    for (const command of ["init", "plan", "apply"]) expect(top.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
    expect(top.stdout).toContain("-C, --chdir <dir>");
    expect((await skewless(["plan", "--help"], root)).stdout).toContain("--detailed-exitcode");
    expect((await skewless(["init", "--help"], root)).stdout).toContain("--users <n>");
    const unknown = await skewless(["frobnicate"], root);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });
});
