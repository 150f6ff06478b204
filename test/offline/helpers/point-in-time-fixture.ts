import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { Entity } from "../../../runtime/src/definitions/entity";
import { FeatureView } from "../../../runtime/src/definitions/feature-view";
import { BigQuerySource, FileSource, SnowflakeSource } from "../../../runtime/src/definitions/sources";
import { DuckDBDialect } from "../../../runtime/src/offline/duckdb/duckdb-dialect";
import { compileTieBreak } from "../../../runtime/src/offline/sql/compile-source";
import { writeRows } from "./parquet";

// Random data for checking point-in-time plans against a brute-force reference written with plain
// loops: small key and time domains make ties, duplicates, TTL edges and late rows common, and a
// fifth of the rows copy another row's keys and timestamps exactly, so the last key of the total
// order (the tie-break hash of the row's feature values) decides. Every offline store runs it.

interface SourceRow { user: number; merchant: string; ts: number; created: number | null; id: number; score: number | null; tie?: bigint }
interface EntityRowSpec { user: number; merchant: string; ts: number }

const MINUTE = 60_000;
const BASE = Date.UTC(2024, 0, 1);
export const SEEDS = [1, 2, 3, 4, 5, 6];

/** mulberry32: a tiny seeded generator, so a failure can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}

function sourceRows(rng: ReturnType<typeof random>, count: number, withCreated: boolean): SourceRow[] {
  const rows: SourceRow[] = [];
  for (let id = 0; rows.length < count; id++) {
    const score = rng.next() < 0.1 ? null : rng.int(1000) / 4;
    if (rows.length > 0 && rng.next() < 0.2) {
      rows.push({ ...rng.pick(rows), id, score });   // an exact tie in keys, event and created time
      continue;
    }
    const ts = BASE + rng.int(600) * MINUTE;
    const created = withCreated && rng.next() > 0.1 ? ts + rng.int(120) * MINUTE : null;
    rows.push({ user: rng.int(10), merchant: rng.pick(["a", "b", "c"]), ts, created, id, score });
  }
  return rows;
}

/**
 * Each row's tie-break as the plans define it (`compileTieBreak`), computed by DuckDB over the
 * file. The reference needs only these numbers; which row they make win is its own loop's work.
 */
async function withTies(rows: SourceRow[], file: string, features: { column: string; dtype: "Int64" | "Int32" | "Float64" }[]): Promise<void> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const tie = compileTieBreak({ tieBreakColumns: features } as Parameters<typeof compileTieBreak>[0], new DuckDBDialect());
  const result = await connection.run(`SELECT ${features[0].column} AS id, ${tie} AS tie FROM read_parquet('${file}')`);
  const ties = new Map((await result.getRowObjectsJS()).map((r) => [Number(r.id), r.tie as bigint]));
  connection.closeSync();
  instance.closeSync();
  for (const row of rows) row.tie = ties.get(row.id);
}

/** The rule, spelled out: matching keys, inside [ts - ttl, ts], optionally created by ts; greatest (ts, created, tie). */
function reference(rows: readonly SourceRow[], matches: (r: SourceRow) => boolean, at: number, ttlMs: number, cutoff: boolean): SourceRow | undefined {
  let best: SourceRow | undefined;
  for (const r of rows) {
    if (!matches(r) || r.ts > at || (ttlMs > 0 && r.ts < at - ttlMs)) continue;
    if (cutoff && (r.created === null || r.created > at)) continue;
    const created = r.created ?? -Infinity;
    const bestCreated = best?.created ?? -Infinity;
    const better = !best || r.ts > best.ts || (r.ts === best.ts && (created > bestCreated || (created === bestCreated && r.tie! > best.tie!)));
    if (better) best = r;
  }
  return best;
}

export interface PointInTimeFixture {
  /** Entities and the two views (parquet sources under `dir/data`). */
  definitions: unknown[];
  /** The parquet files the sources read, by view name. */
  files: { a: string; b: string };
  entityDf: Record<string, unknown>[];
  features: string[];
  createdTimestampCutoff: boolean;
  /** Per entity row: [i, a_id, a_score, b_id] as the reference picks them. */
  expected: unknown[][];
  /** How many picked rows were decided among exact ties (the test means something only if > 0). */
  tiedPicks: number;
  matchesA: number;
  matchesB: number;
}

/** Where the views read: the parquet files (default), or warehouse tables `a` and `b` loaded from them. */
export type FixtureSources =
  | { kind: "file" }
  | { kind: "bigquery"; dataset: string }
  /** Snowflake tables `"<database>"."<schema>"."a"` and `."b"` loaded from them. */
  | { kind: "snowflake"; database: string; schema: string }
  /** FileSources reading these URIs (s3://, gs://), the same data uploaded there. */
  | { kind: "uri"; a: string; b: string; s3EndpointOverride?: string };

function source(view: "a" | "b", where: FixtureSources, createdTimestampColumn?: string) {
  const common = { name: `${view}_source`, timestampField: "event_timestamp", createdTimestampColumn };
  if (where.kind === "uri") return new FileSource({ ...common, path: where[view], s3EndpointOverride: where.s3EndpointOverride });
  if (where.kind === "snowflake") return new SnowflakeSource({ ...common, database: where.database, schema: where.schema, table: view });
  return where.kind === "file"
    ? new FileSource({ ...common, path: `data/${view}.parquet` })
    : new BigQuerySource({ ...common, table: `${where.dataset}.${view}` });
}

/** Writes seed `seed`'s sources into `dir/data` and works out the reference answer. */
export async function pointInTimeFixture(seed: number, dir: string, where: FixtureSources = { kind: "file" }): Promise<PointInTimeFixture> {
  const rng = random(seed);
  const ttlA = rng.pick([0, 30, 120]);
  const ttlB = rng.pick([0, 45]);
  const cutoff = seed % 2 === 0;
  const user = new Entity({ name: "user", joinKeys: ["user_id"], valueType: "Int64" });
  const merchant = new Entity({ name: "merchant", joinKeys: ["merchant_id"], valueType: "String" });
  const viewA = new FeatureView({
    name: "a", entities: [user], ttl: ttlA * 60,
    source: source("a", where, "created"),
    schema: [{ name: "a_id", dtype: "Int64" }, { name: "a_score", dtype: "Float64" }],
  });
  const viewB = new FeatureView({
    name: "b", entities: [user, merchant], ttl: ttlB * 60,
    source: source("b", where),
    schema: [{ name: "b_id", dtype: "Int32" }],
  });
  const files = { a: path.join(dir, "data/a.parquet"), b: path.join(dir, "data/b.parquet") };
  mkdirSync(path.join(dir, "data"), { recursive: true });
  const a = sourceRows(rng, 300, true);
  const b = sourceRows(rng, 200, false);
  await writeRows(files.a,
    [["user_id", "BIGINT"], ["event_timestamp", "TIMESTAMPTZ"], ["created", "TIMESTAMPTZ"], ["a_id", "BIGINT"], ["a_score", "DOUBLE"]],
    a.map((r) => [r.user, new Date(r.ts), r.created === null ? null : new Date(r.created), r.id, r.score]));
  await writeRows(files.b,
    [["user_id", "BIGINT"], ["merchant_id", "VARCHAR"], ["event_timestamp", "TIMESTAMPTZ"], ["b_id", "INTEGER"]],
    b.map((r) => [r.user, r.merchant, new Date(r.ts), r.id]));
  await withTies(a, files.a, [{ column: "a_id", dtype: "Int64" }, { column: "a_score", dtype: "Float64" }]);
  await withTies(b, files.b, [{ column: "b_id", dtype: "Int32" }]);
  const pool: EntityRowSpec[] = Array.from({ length: 60 }, () => ({
    user: rng.int(12), merchant: rng.pick(["a", "b", "c", "d"]), ts: BASE + (rng.int(730) - 30) * MINUTE,
  }));
  // Drawing from a small pool makes exact duplicate entity rows common.
  const entities = Array.from({ length: 200 }, () => rng.pick(pool));
  const expected = entities.map((e, i) => {
    const hitA = reference(a, (r) => r.user === e.user, e.ts, ttlA * MINUTE, cutoff);
    // b has no created timestamp column, so the cutoff has nothing to compare and does not apply.
    const hitB = reference(b, (r) => r.user === e.user && r.merchant === e.merchant, e.ts, ttlB * MINUTE, false);
    return [i, hitA ? BigInt(hitA.id) : null, hitA ? hitA.score : null, hitB ? hitB.id : null];
  });
  const tied = (rows: SourceRow[], id: unknown, key: (r: SourceRow) => string) => {
    const hit = rows.find((r) => BigInt(r.id) === BigInt(id as number));
    return hit !== undefined && rows.filter((r) => key(r) === key(hit)).length > 1;
  };
  return {
    definitions: [user, merchant, viewA, viewB],
    files,
    entityDf: entities.map((e, i) => ({ i, user_id: e.user, merchant_id: e.merchant, event_timestamp: new Date(e.ts) })),
    features: ["a:a_id", "a:a_score", "b:b_id"],
    createdTimestampCutoff: cutoff,
    expected,
    tiedPicks: expected.filter((row) => row[1] !== null && tied(a, row[1], (r) => `${r.user}|${r.ts}|${r.created}`)).length
      + expected.filter((row) => row[3] !== null && tied(b, row[3], (r) => `${r.user}|${r.merchant}|${r.ts}`)).length,
    matchesA: expected.filter((row) => row[1] !== null).length,
    matchesB: expected.filter((row) => row[3] !== null).length,
  };
}

/** A result's rows as the fixture's `expected` shape. */
export function picks(rows: Record<string, unknown>[]): unknown[][] {
  return rows.map((r) => [r.i, r.a_id, r.a_score, r.b_id]);
}
