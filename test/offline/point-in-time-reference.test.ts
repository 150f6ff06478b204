import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/tmp";
import { picks, pointInTimeFixture, SEEDS } from "./helpers/point-in-time-fixture";
import { featureRepo } from "./helpers/repo";
import { retriever, rowsOf, STRATEGIES } from "./helpers/retrieve";

// Both DuckDB plans against the brute-force reference of helpers/point-in-time-fixture.ts (the
// BigQuery store runs the same fixture in bigquery/bigquery-offline-store.test.ts).

describe("point-in-time retrieval matches a brute-force reference", () => {
  for (const seed of SEEDS) {
    describe(`on random data (seed ${seed})`, async () => {
      const dir = tempDir("skewless-offline-");
      const fixture = await pointInTimeFixture(seed, dir);
      const { store } = await featureRepo(fixture.definitions, dir);
      const retrieve = retriever(store, dir);
      it("the reference finds matches, and exact ties among them, often enough to mean something", () => {
        expect(fixture.matchesA).toBeGreaterThanOrEqual(10);
        expect(fixture.matchesB).toBeGreaterThan(5);
        expect(fixture.tiedPicks).toBeGreaterThan(3);
      });
      for (const strategy of STRATEGIES) it(`the ${strategy} plan gives the reference's rows`, async () => {
        const rows = await rowsOf(retrieve(strategy, {
          entityDf: fixture.entityDf, features: fixture.features, createdTimestampCutoff: fixture.createdTimestampCutoff,
        }));
        expect(picks(rows)).toEqual(fixture.expected);
      });
    });
  }
});
