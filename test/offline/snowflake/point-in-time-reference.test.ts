import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../helpers/tmp";
import { picks, pointInTimeFixture, SEEDS } from "../helpers/point-in-time-fixture";
import { featureRepo } from "../helpers/repo";
import { rowsOf } from "../helpers/retrieve";
import { DATABASE, loadParquetTables, snowflakeEmulator } from "./emulator";

// The randomized point-in-time fixture (ttl edges, created-timestamp ties, exact duplicates,
// unknown keys, two entities) run through snowflake-sdk against fakesnow: Snowflake's REST API
// over DuckDB with the SQL translated by SQLGlot, so the plan's Snowflake spelling is parsed and
// executed, not only compared with golden text. Every answer must be the DuckDB store's, cell for
// cell. What this cannot show: Snowflake's own SQL engine (fakesnow runs DuckDB), and the JSON
// result encoding comes from the launcher's patch of fakesnow, written after snowflake-sdk's parser.

const emulator = snowflakeEmulator();
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("the Snowflake store gives the reference's rows, and DuckDB's", () => {
  for (const seed of SEEDS) {
    describe(`on random data (seed ${seed})`, async () => {
      const fileDir = tempDir("skewless-offline-");
      const sfDir = tempDir("skewless-snowflake-");
      const fixture = await pointInTimeFixture(seed, fileDir);
      const schema = `SRC_${seed}`;
      const sfFixture = await pointInTimeFixture(seed, sfDir, { kind: "snowflake", database: DATABASE, schema });
      const request = { entityDf: fixture.entityDf, features: fixture.features, createdTimestampCutoff: fixture.createdTimestampCutoff };

      it("rows, Arrow and parquet match DuckDB's and the reference", async () => {
        await loadParquetTables(emulator.session(), schema, sfFixture.files);
        const { store: duckdb } = await featureRepo(fixture.definitions, fileDir);
        const { store: snowflake } = await featureRepo(sfFixture.definitions, sfDir, emulator.yaml("PUBLIC"));
        try {
          const expectedRows = await rowsOf(duckdb.getHistoricalFeatures(request));
          const job = await snowflake.getHistoricalFeatures(request);
          try {
            const rows = await job.toRows();
            expect(picks(rows)).toEqual(fixture.expected);
            expect(rows).toEqual(expectedRows);
            const duckJob = await duckdb.getHistoricalFeatures(request);
            try {
              const [arrow, duckArrow] = [await job.toArrow(), await duckJob.toArrow()];
              expect(arrow.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(duckArrow.schema.fields.map((f) => `${f.name}:${f.type}`));
              expect(arrow.toArray().map((r) => r.toJSON())).toEqual(duckArrow.toArray().map((r) => r.toJSON()));
              // One parquet writer for every store: the same answer is the same bytes (the lineage
              // manifest, which holds the SQL and a creation time, is left out).
              const [mine, theirs] = [path.join(sfDir, "train.parquet"), path.join(fileDir, "train.parquet")];
              await job.toParquet(mine, { lineage: false });
              await duckJob.toParquet(theirs, { lineage: false });
              expect(sha256(mine)).toBe(sha256(theirs));
            } finally {
              await duckJob.close();
            }
          } finally {
            await job.close();
          }
        } finally {
          await duckdb.close();
          await snowflake.close();
        }
      }, 180_000);
    });
  }
});
