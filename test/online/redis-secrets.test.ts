import { promises as fs } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BackendError, ConfigError } from "../../runtime/src/errors";
import { parseConnectionString } from "../../runtime/src/online/redis/connection-string";
import { RedisOnlineStore } from "../../runtime/src/online/redis/redis-online-store";
import { skewless } from "../helpers/processes";
import { startRedis, type RedisServer } from "../helpers/redis-server";
import { startServe } from "../helpers/serve-process";
import { tempDir } from "../helpers/tmp";

// Redis credentials in `connection_string`, as a URL or in Feast's comma form with a password that
// holds a comma: parsed so they authenticate, and never printed. Real redis-server with
// requirepass (the default user) and an ACL user; the CLI and `skewless serve` as child processes.

const DEFAULT_PW = "Dq7f,Kx9p=Zm4v";        // a comma and an equals sign: the hard case
const APP_PW = "Ap9k/Rt2w?Yq5e#Lw8s@";
const WRONG_PW = "Wz8c,Hj3u=Nb6k";
const enc = encodeURIComponent;

/** Every piece of a password a broken parser could print (the halves around a comma, say). */
function fragments(pw: string): string[] {
  return [pw, enc(pw), ...pw.split(/[,=/?#@]/).filter((p) => p.length >= 4)];
}

function expectNoSecret(text: string): void {
  for (const secret of [DEFAULT_PW, APP_PW, WRONG_PW].flatMap(fragments)) expect(text).not.toContain(secret);
}

const TABLE = { name: "probe", joinKeys: ["user_id"], features: ["x"] };
/** One row with one null value (a packed Value of length 0). */
const row = (key: string) => ({ entityKey: Buffer.from(key), packedValues: Buffer.alloc(4), eventTime: new Date() });

describe("Redis credentials in connection_string", () => {
  let redis: RedisServer;
  const config = (connectionString: string) => ({ type: "redis" as const, redisType: "redis" as const, connectionString, keyTtlSeconds: 0, fullScanForDeletion: true, skipDedup: false });
  const store = (connectionString: string) => new RedisOnlineStore(config(connectionString), "secrets", 3);

  beforeAll(async () => {
    redis = await startRedis({ args: ["--requirepass", DEFAULT_PW], cliArgs: ["--user", "default", "--pass", DEFAULT_PW, "--no-auth-warning"] });
    await redis.cli("ACL", "SETUSER", "app", "on", `>${APP_PW}`, "~*", "&*", "+@all");
  }, 60_000);

  it("reads redis:// URLs as redis-py does: user, percent-encoded password, port, /db", () => {
    const s = parseConnectionString(`redis://app:${enc(APP_PW)}@127.0.0.1:6380/2?socket_timeout=5`);
    expect(s).toMatchObject({ nodes: [{ host: "127.0.0.1", port: 6380 }], username: "app", password: APP_PW, db: 2, ssl: false, socketTimeoutSeconds: 5 });
    expect(parseConnectionString("rediss://:pw@[::1]")).toMatchObject({ nodes: [{ host: "::1", port: 6379 }], password: "pw", ssl: true });
    expect(parseConnectionString(`127.0.0.1:6379,password="${DEFAULT_PW}",db=1`)).toMatchObject({ nodes: [{ host: "127.0.0.1", port: 6379 }], password: DEFAULT_PW, db: 1 });
  });

  it("refuses forms that would split a password, without quoting any of it", () => {
    for (const bad of [
      `127.0.0.1:6379,password=${DEFAULT_PW}`,                 // unquoted comma: half a password, half a host
      `127.0.0.1:6379,password=${WRONG_PW},ssl=true`,
      `redis://app:${APP_PW}@127.0.0.1:6379`,                  // unencoded / ? # in the password
      `redis://app:${enc(APP_PW)}@127.0.0.1:6379?password=${enc(WRONG_PW)}`,
      `memcached://u:${enc(WRONG_PW)}@host:1`,
    ]) {
      let error: unknown;
      try {
        parseConnectionString(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(ConfigError);
      expectNoSecret(`${(error as ConfigError).describe()}\n${(error as Error).stack}`);
    }
  });

  it("authenticates with the right password in every form (default user, ACL user, db, quoted comma)", async () => {
    for (const [text, db] of [
      [`redis://default:${enc(DEFAULT_PW)}@127.0.0.1:${redis.port}`, 0],
      [`redis://app:${enc(APP_PW)}@127.0.0.1:${redis.port}/3`, 3],
      [`127.0.0.1:${redis.port},password="${DEFAULT_PW}"`, 0],
      [`127.0.0.1:${redis.port},username=app,password="${APP_PW}",db=4`, 4],
    ] as const) {
      const online = store(text);
      try {
        expect(await online.write(TABLE, [row(`db${db}`)])).toEqual({ written: 1, skipped: 0 });
      } finally {
        await online.close();
      }
      expect(Number(await redis.cli("-n", String(db), "DBSIZE")), `db ${db}`).toBe(1);
      await redis.cli("-n", String(db), "FLUSHDB");
    }
  });

  it("fails with a wrong password naming the server, never the password", async () => {
    for (const text of [
      `redis://default:${enc(WRONG_PW)}@127.0.0.1:${redis.port}`,
      `redis://app:${enc(WRONG_PW)}@127.0.0.1:${redis.port}/1`,
      `127.0.0.1:${redis.port},username=app,password="${WRONG_PW}"`,
    ]) {
      const online = store(text);
      const error = await online.write(TABLE, [row("wrong")]).catch((e: unknown) => e);
      await online.close();
      expect(error).toBeInstanceOf(BackendError);
      const shown = `${(error as BackendError).describe()}\n${(error as Error).stack}`;
      expect(shown).toContain(`connecting to redis at 127.0.0.1:${redis.port}`);
      expect(shown).toMatch(/WRONGPASS|NOAUTH|invalid username-password/);
      expectNoSecret(shown);
    }
  });

  describe("through the CLI and skewless serve", () => {
    const root = tempDir();
    const repo = path.join(root, "credit");
    const yaml = () => path.join(repo, "feature_store.yaml");
    const useConnection = async (connection: string) => {
      const text = await fs.readFile(yaml(), "utf8");
      await fs.writeFile(yaml(), text.replace(/online_store:\n(  .*\n)+/, `online_store:\n  type: redis\n  connection_string: '${connection}'\n`));
    };

    beforeAll(async () => {
      expect((await skewless(["init", "credit", "--users", "10", "--days", "1"], root)).code).toBe(0);
      await useConnection(`redis://app:${enc(APP_PW)}@127.0.0.1:${redis.port}`);
      const applied = await skewless(["apply"], repo);
      expect(applied.code, applied.stderr).toBe(0);
    }, 120_000);

    it("prints no password on a CLI error, in URL or comma form", async () => {
      for (const connection of [
        `redis://app:${enc(WRONG_PW)}@127.0.0.1:${redis.port}`,
        `rediss://default:${enc(WRONG_PW)}@127.0.0.1:${redis.port}`,
        `127.0.0.1:${redis.port},password="${WRONG_PW}"`,
        `127.0.0.1:${redis.port},password=${WRONG_PW}`,
      ]) {
        await useConnection(connection);
        const result = await skewless(["materialize-incremental", new Date().toISOString()], repo);
        expect(result.code, connection).toBe(1);
        expect(result.stderr).toMatch(/^error: /m);
        expectNoSecret(result.stdout + result.stderr);
      }
    }, 180_000);

    it("keeps the password out of the serve log and the host and port out of HTTP bodies", async () => {
      for (const connection of [`redis://default:${enc(WRONG_PW)}@127.0.0.1:${redis.port}`, `127.0.0.1:${redis.port},password="${WRONG_PW}"`]) {
        await useConnection(connection);
        const serve = await startServe(repo);
        try {
          const res = await fetch(`${serve.url}/get-online-features`, {
            method: "POST", headers: { "content-type": "application/json" },
            body: JSON.stringify({ features: ["user_credit:credit_score"], entities: { user_id: [1001] } }),
          });
          expect(res.status).toBe(500);
          const body = await res.text();
          expect(JSON.parse(JSON.parse(body) as string)).toMatchObject({ class: "BackendError", message: "internal error (see the server log)" });
          expectNoSecret(body);
          expect(body).not.toContain(String(redis.port));
          expect(body).not.toContain("127.0.0.1");
          await new Promise((r) => setTimeout(r, 200));
          expect(serve.output()).toContain("error in POST /get-online-features");
          expectNoSecret(serve.output());
        } finally {
          await serve.stop();
        }
      }
    }, 180_000);
  });
});
