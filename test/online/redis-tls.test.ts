import { inspect } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import type { RedisOnlineStoreConfig } from "../../runtime/src/config";
import { ValueType } from "../../runtime/src/definitions/dtypes";
import { BackendError, ConfigError } from "../../runtime/src/errors";
import { EntityKeyEncoder } from "../../runtime/src/online/entity-key";
import { parseConnectionString } from "../../runtime/src/online/redis/connection-string";
import { RedisOnlineStore } from "../../runtime/src/online/redis/redis-online-store";
import { packValues, ValueWriter } from "../../runtime/src/online/value-encoder";
import { freePort, makeTlsFiles, startRedis, type RedisServer } from "../helpers/redis-server";

const keys = new EntityKeyEncoder([{ name: "id", valueType: ValueType.INT32 }], 3);
const writer = new ValueWriter();
const table = { name: "v", joinKeys: ["id"], features: ["f"] };
const config = (connectionString: string): RedisOnlineStoreConfig => ({
  type: "redis", redisType: "redis", connectionString, fullScanForDeletion: true, skipDedup: false,
});

async function roundTrip(store: RedisOnlineStore): Promise<string> {
  await store.write(table, [{ entityKey: keys.encode([1]), packedValues: packValues([writer.encode(ValueType.STRING, "over tls")]), eventTime: new Date() }]);
  const [result] = await store.read([{ table, features: ["f"], entityKeys: [keys.encode([1])] }]);
  await store.close();
  return Buffer.from(result.values.get(0, 0)!).toString("hex");
}

describe("Redis over TLS", () => {
  let tls: Awaited<ReturnType<typeof makeTlsFiles>>;
  let server: RedisServer;
  let mutual: RedisServer;
  beforeAll(async () => {
    tls = await makeTlsFiles();
    server = await startRedis({ tls: { ...tls }, args: ["--requirepass", "tls-pw"], cliArgs: ["-a", "tls-pw", "--no-auth-warning"] });
    mutual = await startRedis({ tls: { ...tls, authClients: true } });
  });

  it("connects with ssl=true, verifying the server against ssl_ca_certs, with a password", async () => {
    const store = new RedisOnlineStore(config(`localhost:${server.port},ssl=true,ssl_ca_certs=${tls.caCert},password=tls-pw`), "tls_project", 3);
    expect(await roundTrip(store)).toBe(writer.encode(ValueType.STRING, "over tls").toString("hex"));
  });

  it("refuses a server it cannot verify, and says how to fix it", async () => {
    const store = new RedisOnlineStore(config(`localhost:${server.port},ssl=true,password=tls-pw`), "tls_project", 3);
    const error = await roundTrip(store).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).hint).toMatch(/ssl_ca_certs/);
    expect(inspect(error, { depth: 10 })).not.toContain("tls-pw");
  });

  it("skips verification with ssl_cert_reqs=none, as redis-py does", async () => {
    const store = new RedisOnlineStore(config(`127.0.0.1:${server.port},ssl=true,ssl_cert_reqs=none,password=tls-pw`), "tls_project", 3);
    expect(await roundTrip(store)).toBe(writer.encode(ValueType.STRING, "over tls").toString("hex"));
  });

  it("presents a client certificate for mutual TLS", async () => {
    const ok = new RedisOnlineStore(config(`localhost:${mutual.port},ssl=true,ssl_ca_certs=${tls.caCert},ssl_certfile=${tls.clientCert},ssl_keyfile=${tls.clientKey}`), "mtls", 3);
    expect(await roundTrip(ok)).toBe(writer.encode(ValueType.STRING, "over tls").toString("hex"));
    const without = new RedisOnlineStore(config(`localhost:${mutual.port},ssl=true,ssl_ca_certs=${tls.caCert}`), "mtls", 3);
    await expect(roundTrip(without)).rejects.toThrow(BackendError);
  });

  it("does not speak plain text to a TLS port", async () => {
    const store = new RedisOnlineStore(config(`127.0.0.1:${server.port},password=tls-pw`), "tls_project", 3);
    await expect(roundTrip(store)).rejects.toThrow(BackendError);
  });
});

describe("connecting", () => {
  it("fails fast when nothing listens, naming the address", async () => {
    const port = await freePort();
    const started = Date.now();
    const store = new RedisOnlineStore(config(`127.0.0.1:${port}`), "p", 3);
    await expect(roundTrip(store)).rejects.toThrow(`connecting to redis at 127.0.0.1:${port}`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("Feast's connection_string", () => {
  it("parses nodes and redis-py parameters", () => {
    expect(parseConnectionString("r1:7000,r2:7001,db=2,ssl=true,password=\"p=w\",username=app,ssl_cert_reqs=none")).toMatchObject({
      nodes: [{ host: "r1", port: 7000 }, { host: "r2", port: 7001 }], db: 2, ssl: true, password: "p=w", username: "app", sslCertReqs: "none",
    });
    expect(parseConnectionString("localhost")).toMatchObject({ nodes: [{ host: "localhost", port: 6379 }], ssl: false, sslCheckHostname: true });
    expect(parseConnectionString("h:1,ssl=True,password=a b")).toMatchObject({ ssl: true, password: "a b" });
  });

  it("rejects what it cannot honour, naming the key but never the value", () => {
    expect(() => parseConnectionString("h:1,passwrod=s3cret")).toThrow(ConfigError);
    expect(() => parseConnectionString("h:1,passwrod=s3cret")).toThrow(/passwrod is not a supported/);
    try {
      parseConnectionString("h:1,passwrod=s3cret");
    } catch (e) {
      expect(inspect(e)).not.toContain("s3cret");
    }
    expect(() => parseConnectionString("h:notaport")).toThrow(/is not host:port/);
    expect(() => parseConnectionString("db=0")).toThrow(/names no host/);
    expect(() => parseConnectionString("h:1,ssl=maybe")).toThrow(/ssl must be true or false/);
  });
});
