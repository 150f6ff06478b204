import { promises as fs } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FeatureStore } from "../../runtime/src/feature-store";
import { REDIS_ACL_RULES } from "../../runtime/src/online/redis/redis-acl";
import { writeRows } from "../helpers/online-repo";
import { skewless } from "../helpers/processes";
import { startRedis, type RedisServer } from "../helpers/redis-server";
import { tempDir } from "../helpers/tmp";

// The online store's two identities against a real redis-server with ACL users: the materializer
// (read-write) fills the store, the feature server (read-only) serves from it and cannot write,
// not even through a script.

describe("separate Redis ACL users for the materializer and the feature server", () => {
  const root = tempDir();
  const repo = path.join(root, "credit");
  let redis: RedisServer;
  const yamlWith = (user: string) => `project: credit
registry: data/registry.db
provider: local
online_store:
  type: redis
  connection_string: "127.0.0.1:${redis.port},username=${user},password=${user}-pw"
offline_store:
  type: file
entity_key_serialization_version: 3
`;

  beforeAll(async () => {
    redis = await startRedis();
    await redis.cli("ACL", "SETUSER", "materializer", "reset", ...REDIS_ACL_RULES.writer, ">materializer-pw");
    await redis.cli("ACL", "SETUSER", "server", "reset", ...REDIS_ACL_RULES.reader, ">server-pw");
    await redis.cli("ACL", "SETUSER", "default", "off");
    expect((await skewless(["init", "credit", "--users", "20", "--days", "1"], root)).code).toBe(0);
  }, 300_000);

  it("lets the materializer write, the server read what it wrote, and refuses every write by the server", async () => {
    await fs.writeFile(path.join(repo, "feature_store.yaml"), yamlWith("materializer"));
    for (const args of [["apply"], ["materialize", "2020-01-01T00:00:00Z", new Date(Date.now() + 3_600_000).toISOString()]]) {
      const result = await skewless(args, repo);
      expect(result.code, result.stderr).toBe(0);
    }

    await fs.writeFile(path.join(repo, "feature_store.yaml"), yamlWith("server"));
    const store = await FeatureStore.open(repo);
    try {
      const response = await store.getOnlineFeatures({ features: ["user_credit:credit_score"], entityRows: { user_id: [1001, 1002] } });
      expect(response.results[1].statuses).toEqual(["PRESENT", "PRESENT"]);
      // A newer row, which a writer would store: the server's script may read but not HSET.
      const newer = new Date(Date.now() + 86_400_000);
      const refused = await writeRows(store, "user_credit", [{ user_id: 1001, credit_score: 1 }], newer).then(() => undefined, (e: Error) => e);
      expect(`${refused?.message} ${(refused?.cause as Error | undefined)?.message}`).toMatch(/can.t run this command/); // the script ran, its HSET was refused
      const again = await store.getOnlineFeatures({ features: ["user_credit:credit_score"], entityRows: { user_id: [1001] } });
      expect(again.results[1].values).toEqual(response.results[1].values.slice(0, 1));
    } finally {
      await store.close();
    }
    const asServer = (...args: string[]) => redis.cli("--user", "server", "--pass", "server-pw", "--no-auth-warning", ...args);
    expect(await asServer("SET", "x", "1")).toMatch(/NOPERM/);
    expect(await asServer("EVAL", "return redis.call('set', 'x', '1')", "0")).toMatch(/can.t run this command/);
    expect(await asServer("FLUSHALL")).toMatch(/NOPERM/);
    expect(await asServer("CONFIG", "GET", "requirepass")).toMatch(/NOPERM/);
  }, 300_000);
});
