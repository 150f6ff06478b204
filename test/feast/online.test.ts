import { promises as fs } from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { DynamoDBClient, paginateScan } from "@aws-sdk/client-dynamodb";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeatureStore, ValueWriter } from "../../runtime/src/index";
import { ensureEmulators, startS3Server, type LocalServer } from "../helpers/emulators";
import { ensureFeast, feastCheck } from "../helpers/feast";
import { skewless } from "../helpers/processes";
import { startRedis, type RedisServer } from "../helpers/redis-server";
import { tempDir } from "../helpers/tmp";
import { FEATURES_TS, READS, VIEWS } from "./online-fixtures";

// Feast check, online half: Feast 0.66's SDK reads what Skewless materialized into SQLite and
// Redis, with identical values and types; Skewless reads what Feast materialized; and both write
// the same bytes. Keys: Int32, Int64, String, and a two-key (Int64 + String) view.

interface FeastRead {
  feature_names: string[];
  columns: Record<string, { types: (string | null)[]; hex: string[]; statuses: number[] }>;
}
interface DataInfo { start: string; end: string }

const NULL_TIMESTAMP_HEX = "4080808080808080808001";
const root = tempDir("skewless-feast-online-");

beforeAll(ensureFeast, 15 * 60_000);

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});

// DynamoDB: moto's server (the launcher the S3 tests use dispatches DynamoDB requests too). Both
// SDKs, and Feast's Python child processes, take these dummy credentials from the environment.
let moto: LocalServer;
beforeAll(async () => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "AKIATESTSKEWLESS", AWS_SECRET_ACCESS_KEY: "test-secret", AWS_DEFAULT_REGION: "us-west-2" });
  await ensureEmulators();
  moto = await startS3Server();
}, 15 * 60_000);
afterAll(async () => { await moto?.stop(); });

/** A feature repo with the check's definitions and data, configured for `online`. */
async function makeRepo(online: string): Promise<{ repo: string; data: DataInfo }> {
  const repo = await fs.mkdtemp(path.join(root, "repo-"));
  const data = await feastCheck<DataInfo>("online_check.py", ["write-data", path.join(repo, "data")]);
  await fs.writeFile(path.join(repo, "feature_store.yaml"), `project: online_check
registry: data/registry.db
provider: local
online_store:
${online}
offline_store:
  type: file
entity_key_serialization_version: 3
`);
  await fs.writeFile(path.join(repo, "features.ts"), FEATURES_TS);
  const apply = await skewless(["apply"], repo);
  expect(apply.code, apply.stderr).toBe(0);
  return { repo, data };
}

/** What Feast's get_online_features returns for every read of the check, by read. */
function feastReads(repo: string): Promise<FeastRead[]> {
  return feastCheck<FeastRead[]>("online_check.py", ["read", repo, JSON.stringify(READS)]);
}

/** What Skewless's getOnlineFeatures returns for the same reads, as Value bytes per column. */
async function skewlessReads(repo: string): Promise<Record<string, { hex: string[]; statuses: string[] }>[]> {
  const store = await FeatureStore.open(repo);
  const writer = new ValueWriter();
  try {
    const catalog = await store.catalog();
    const out = [];
    for (const request of READS) {
      const res = await store.getOnlineFeatures({ features: request.features, entityRows: request.entity_rows, int64: "bigint" });
      const columns: Record<string, { hex: string[]; statuses: string[] }> = {};
      for (const vector of res.results) {
        const ref = request.features.find((f) => f.endsWith(`:${vector.name}`));
        if (!ref) continue;   // entity columns
        const [view, feature] = ref.split(":");
        const valueType = catalog.featureView(view).features.find((f) => f.name === feature)!.valueType;
        columns[vector.name] = {
          hex: vector.values.map((v) => (v === null ? "" : writer.encode(valueType, v).toString("hex"))),
          statuses: vector.statuses,
        };
      }
      out.push(columns);
    }
    return out;
  } finally {
    await store.close();
  }
}

/**
 * Values must be byte-identical; statuses must agree for every written entity (a stored null is
 * PRESENT in both). The entity never written is NOT_FOUND in Skewless; Feast's Python says PRESENT
 * for it on Redis, so only Skewless's status is checked there.
 */
function sameAnswers(feast: FeastRead[], ours: Awaited<ReturnType<typeof skewlessReads>>): void {
  READS.forEach((request, r) => {
    for (const ref of request.features) {
      const name = ref.split(":")[1];
      const theirs = feast[r].columns[name];
      const mine = ours[r][name];
      // Feast's materialization writes a null UnixTimestamp as -2^63 seconds; both read it as null
      expect(mine.hex, `${ref} values`).toEqual(theirs.hex.map((h) => (h === NULL_TIMESTAMP_HEX ? "" : h)));
      const last = theirs.hex.length - 1;   // the entity never written
      for (let i = 0; i < last; i++) expect([mine.statuses[i], theirs.statuses[i]], `${ref} row ${i}`).toEqual(["PRESENT", 1]);
      expect(mine.statuses[last]).toBe("NOT_FOUND");
    }
  });
}

async function dumpSqlite(file: string): Promise<string[]> {
  const db = new Database(file, { readonly: true });
  try {
    const rows: string[] = [];
    for (const view of VIEWS) {
      const table = `online_check_${view}`;
      for (const r of db.prepare(`SELECT hex(entity_key) AS k, feature_name AS f, hex(value) AS v, value_text AS t, event_ts AS e, typeof(event_ts) AS te, created_ts AS c FROM "${table}"`).all()) {
        rows.push(`${table} ${JSON.stringify(r)}`);
      }
    }
    return rows.sort();
  } finally {
    db.close();
  }
}

async function dumpRedis(db: number): Promise<string[]> {
  const client = new Redis({ port: redis.port, db, lazyConnect: true });
  await client.connect();
  try {
    const out: string[] = [];
    let cursor = "0";
    do {
      const [next, keys] = (await client.callBuffer("SCAN", [cursor, "COUNT", 1000])) as [Buffer, Buffer[]];
      cursor = next.toString();
      for (const key of keys) {
        const flat = (await client.callBuffer("HGETALL", [key])) as Buffer[];
        for (let i = 0; i < flat.length; i += 2) out.push(`${key.toString("hex")} ${flat[i].toString("hex")} ${flat[i + 1].toString("hex")}`);
      }
    } while (cursor !== "0");
    return out.sort();
  } finally {
    await client.quit();
  }
}

/** Every item of the repo's tables (`online_check.db{n}.{view}`), one line per feature value. */
async function dumpDynamo(db: number): Promise<string[]> {
  const client = new DynamoDBClient({ region: "us-west-2", endpoint: moto.endpoint });
  try {
    const out: string[] = [];
    for (const view of VIEWS) {
      for await (const page of paginateScan({ client }, { TableName: `online_check.db${db}.${view}` })) {
        for (const item of page.Items ?? []) {
          for (const [feature, value] of Object.entries(item.values?.M ?? {})) {
            out.push(`${view} ${item.entity_id?.S} ${item.event_ts?.S} ${feature} ${Buffer.from(value.B ?? []).toString("hex")}`);
          }
        }
      }
    }
    return out.sort();
  } finally {
    client.destroy();
  }
}

const backends = [
  {
    name: "SQLite",
    online: () => "  type: sqlite\n  path: data/online.db",
    dump: (repo: string) => dumpSqlite(path.join(repo, "data", "online.db")),
    infra: () => VIEWS.map((v) => ["SqliteTable", `online_check_${v}`]),
  },
  {
    name: "Redis",
    online: (db: number) => `  type: redis\n  connection_string: "127.0.0.1:${redis.port},db=${db}"`,
    dump: (_repo: string, db: number) => dumpRedis(db),
    infra: () => [],
  },
  {
    name: "DynamoDB",
    online: (db: number) => `  type: dynamodb\n  region: us-west-2\n  endpoint_url: ${moto.endpoint}\n  table_name_template: "{project}.db${db}.{table_name}"`,
    dump: (_repo: string, db: number) => dumpDynamo(db),
    infra: () => VIEWS.map((v) => ["DynamoDBTable", `online_check.db0.${v}`]),
  },
];

describe.each(backends)("Feast and Skewless share a $name online store", (backend) => {
  let skewlessRepo: string;
  let feastRepo: string;
  let window: DataInfo;

  beforeAll(async () => {
    const a = await makeRepo(backend.online(0));
    const b = await makeRepo(backend.online(1));
    skewlessRepo = a.repo;
    feastRepo = b.repo;
    window = a.data;
    const materialized = await skewless(["materialize", window.start, window.end], skewlessRepo);
    expect(materialized.code, materialized.stderr + materialized.stdout).toBe(0);
    await feastCheck("online_check.py", ["materialize", feastRepo, window.start, window.end]);
  }, 600_000);

  it("Feast reads what Skewless materialized: the same values, of the same types, as Skewless reads", async () => {
    const feast = await feastReads(skewlessRepo);
    sameAnswers(feast, await skewlessReads(skewlessRepo));
    const int32Column = feast[0].columns.f_int32;
    expect(int32Column.types.filter((t) => t !== null).every((t) => t === "int32_val")).toBe(true);
    expect(feast[1].columns.f_int64.types.filter((t) => t !== null).every((t) => t === "int64_val")).toBe(true);
    expect(feast.some((r) => Object.values(r.columns).some((c) => c.statuses.includes(1)))).toBe(true);
  });

  it("Skewless reads what Feast materialized, exactly as Feast reads it", async () => {
    sameAnswers(await feastReads(feastRepo), await skewlessReads(feastRepo));
  });

  it("Feast loads the infra objects Skewless recorded in the registry", async () => {
    expect(await feastCheck<string[][]>("online_check.py", ["infra", skewlessRepo])).toEqual(backend.infra().sort());
  });

  it("both write byte-identical online data", async () => {
    const ours = await backend.dump(skewlessRepo, 0);
    const theirs = await backend.dump(feastRepo, 1);
    expect(ours.length).toBeGreaterThan(100);
    expect(ours).toEqual(theirs);
  });
});
