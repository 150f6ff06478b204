import { writeFileSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import { writeRows } from "../offline/helpers/parquet";
import { utc } from "../offline/helpers/repo";

/** The credit repo's definitions; `ttl` and the extra feature let a test change the registry. */
export function creditDefinitions(options: { ttl?: string; withIncome?: boolean } = {}): string {
  const schema = [`{ name: "credit_score", dtype: "Int64" }`, ...(options.withIncome ? [`{ name: "income", dtype: "Float64" }`] : [])];
  return `import { Entity, FeatureService, FeatureView, FileSource } from "@skewless/runtime";
export const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
export const creditSource = new FileSource({ name: "credit_source", path: "data/credit.parquet", timestampField: "event_timestamp" });
export const userCredit = new FeatureView({
  name: "user_credit", entities: [user], ttl: "${options.ttl ?? "30d"}", source: creditSource, online: true,
  schema: [${schema.join(", ")}],
});
export const creditV1 = new FeatureService({
  name: "credit_v1", features: [userCredit.select("credit_score")], tags: { model: "credit_model", model_version: "v3" },
});
`;
}

/** A repo folder with feature_store.yaml (`extraYaml` appended), definitions and the credit source. */
export async function creditRepo(dir: string, extraYaml = ""): Promise<void> {
  mkdirSync(path.join(dir, "data"), { recursive: true });
  writeFileSync(path.join(dir, "feature_store.yaml"),
    `project: lineage_test\nregistry:\n  path: data/registry.db\n  history:\n    keep: 10\nprovider: local\nonline_store:\n  type: sqlite\n  path: data/online.db\noffline_store:\n  type: file\nentity_key_serialization_version: 3\n${extraYaml}`);
  writeFileSync(path.join(dir, "features.ts"), creditDefinitions());
  await writeCredit(dir, [700, 520, 610]);
}

/**
 * The credit source: one score per user (1001..) on 2024-01-01 and an older one the day before. It
 * carries `income` too, which the view gains later: every feature of a view is read (it breaks ties).
 */
export async function writeCredit(dir: string, scores: number[]): Promise<void> {
  const rows = scores.flatMap((score, i) => [
    [1001 + i, utc("2023-12-31T00:00"), score - 50, score * 100],
    [1001 + i, utc("2024-01-01T00:00"), score, score * 100],
  ]);
  await writeRows(path.join(dir, "data/credit.parquet"), [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["credit_score", "BIGINT"], ["income", "DOUBLE"]], rows);
}

/** Entity rows with a label: who defaulted, asked about a day after the scores. */
export const ENTITY_ROWS = [
  { user_id: 1001, event_timestamp: new Date("2024-01-02T00:00:00Z"), defaulted: 0 },
  { user_id: 1002, event_timestamp: new Date("2024-01-02T00:00:00Z"), defaulted: 1 },
  { user_id: 1003, event_timestamp: new Date("2024-01-02T06:00:00Z"), defaulted: 0 },
  { user_id: 1002, event_timestamp: new Date("2023-12-31T12:00:00Z"), defaulted: 1 },
];
