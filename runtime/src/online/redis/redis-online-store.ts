import type { Cluster } from "ioredis";
import type { RedisOnlineStoreConfig } from "./redis-module";
import { BackendError, OnlineStoreOutOfMemoryError } from "../../errors";
import { Lazy } from "../../lazy";
import { entityKeyPrefix, type EntityKeyVersion } from "../entity-key";
import type {
  OnlineInfraUpdate, OnlineReadRequest, OnlineReadResult, OnlineRow, OnlineStore, OnlineTable, WriteResult,
} from "../online-store";
import { CommandBatch } from "./command-batch";
import { connectRedis, redact, type ConnectedRedis, type RedisClient } from "./redis-client";
import { compareTime, decodeTimestamp, encodeTimestamp, FieldNames, redisKey, timestampField } from "./redis-layout";
import { MsgpackReader, planRead, ReadAssembly, slotGroups, type ReadPlan } from "./redis-read";
import { unpackValues } from "../value-encoder";
import { packScriptRows, READ_SCRIPT, READ_SCRIPT_SHA, WRITE_SCRIPT, WRITE_SCRIPT_SHA } from "./redis-scripts";

const SCAN_COUNT = 1000;

const OUT_OF_MEMORY_HINT =
  "nothing was recorded as materialized and writes are idempotent, so free memory and run it again; to keep Redis from " +
  "filling, set online_store.key_ttl_seconds so old entities expire, raise maxmemory, or choose an evicting maxmemory-policy (docs/online-stores.md)"
/** Rows per EVALSHA: large enough to amortize the call, small enough not to block the server. */
const SCRIPT_ROWS = 500;
const DELETE_BATCH = 1000;

/**
 * Feast's Redis online store, byte for byte (Feast 0.66, infra/online_stores/redis.py): a hash per entity shared by
 * every view with the same join keys; writes skip rows whose event time is not newer than the
 * stored one (unless `skip_dedup`), and `key_ttl_seconds` expires the whole hash.
 */
export class RedisOnlineStore implements OnlineStore {
  readonly type = "redis";
  readonly skipsStaleWrites: boolean;
  private readonly connection = new Lazy(() => connectRedis(this.config));
  /** Whether the server lets us run the write script (unknown until tried). */
  private scripts: "unknown" | "denied" = "unknown";
  private readonly projectBytes: Buffer;
  private readonly fields = new FieldNames();

  constructor(readonly config: RedisOnlineStoreConfig, readonly project: string, readonly entityKeyVersion: EntityKeyVersion) {
    this.projectBytes = Buffer.from(project, "utf8");
    this.skipsStaleWrites = !config.skipDedup;
  }

  async write(table: OnlineTable, rows: readonly OnlineRow[]): Promise<WriteResult> {
    if (rows.length === 0) return { written: 0, skipped: 0 };
    const connection = await this.connect();
    try {
      return await this.writeRows(connection, table, rows);
    } catch (e) {
      // Redis's reply starts with OOM when maxmemory is reached under a policy that frees nothing.
      if (!/(^|\s)OOM /.test(causeMessage(e))) throw e;
      throw new OnlineStoreOutOfMemoryError(connection.description, table.name, e, OUT_OF_MEMORY_HINT);
    }
  }

  private async writeRows(connection: ConnectedRedis, table: OnlineTable, rows: readonly OnlineRow[]): Promise<WriteResult> {
    if (this.scripts !== "denied") {
      try {
        return await this.writeWithScript(connection, table, rows);
      } catch (e) {
        // An ACL user without +evalsha: write as Feast does, in two pipelined phases.
        if (!/NOPERM.*'(evalsha|script)/i.test(causeMessage(e))) throw e;
        this.scripts = "denied";
      }
    }
    return this.writeTwoPhase(connection, table, rows);
  }

  /** Rows grouped by cluster slot (one group on a single server), chunked, one EVALSHA per chunk. */
  private async writeWithScript({ client, description }: ConnectedRedis, table: OnlineTable, rows: readonly OnlineRow[]): Promise<WriteResult> {
    const fields = Buffer.concat(this.fields.all(table));
    const argv = [timestampField(table.name), this.config.keyTtlSeconds ?? 0, this.skipsStaleWrites ? "1" : "0", fields];
    const allKeys = rows.map((r) => redisKey(r.entityKey, this.projectBytes));
    const batch = new CommandBatch();
    for (const indexes of slotGroups(allKeys, client.isCluster)) {
      for (let start = 0; start < indexes.length; start += SCRIPT_ROWS) {
        const chunk = indexes.slice(start, start + SCRIPT_ROWS);
        const keys = chunk.map((i) => allKeys[i]);
        const packed = packScriptRows(chunk.map((i) => ({ eventMs: rows[i].eventTime.getTime(), packedValues: rows[i].packedValues })));
        batch.addScript(WRITE_SCRIPT_SHA, keys, [...argv, packed]);
      }
    }
    // after a NOSCRIPT retry, rows already written are not newer than themselves: safe to rerun
    const results = await this.runScripts(batch, client, description);
    const written = results.reduce<number>((sum, n) => sum + Number(n), 0);
    return { written, skipped: rows.length - written };
  }

  private async loadScript(client: RedisClient, description: string): Promise<void> {
    const nodes: RedisClient[] = client.isCluster ? (client as Cluster).nodes("master") : [client];
    try {
      await Promise.all(nodes.flatMap((n) => [n.script("LOAD", WRITE_SCRIPT), n.script("LOAD", READ_SCRIPT)]));
    } catch (e) {
      throw new BackendError("Redis", `SCRIPT LOAD on ${description}`, redact(e));
    }
  }

  /** Feast's own write: HMGET every row's stored time, then HSET the rows that are newer. */
  private async writeTwoPhase({ client, description }: ConnectedRedis, table: OnlineTable, rows: readonly OnlineRow[]): Promise<WriteResult> {
    const tsField = timestampField(table.name);
    const featureFields = this.fields.all(table);
    const keys = rows.map((r) => redisKey(r.entityKey, this.projectBytes));
    let stored: (Buffer | null)[] | undefined;
    if (this.skipsStaleWrites) {
      const check = new CommandBatch();
      for (const key of keys) check.add("hmget", key, [tsField]);
      stored = (await check.run(client, description)).map((r) => (r as (Buffer | null)[])[0]);
    }
    const latest = new Map<string, [number, number]>();
    const batch = new CommandBatch();
    let skipped = 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const ms = row.eventTime.getTime();
      const time: [number, number] = [Math.floor(ms / 1000), (ms % 1000 + 1000) % 1000 * 1_000_000];
      if (stored) {
        // Feast: skip unless strictly newer than both the stored row and earlier rows of this batch.
        const id = keys[i].toString("latin1");
        const previous = stored[i];
        const seen = latest.get(id);
        const before = previous && previous.length ? decodeTimestamp(previous) : undefined;
        const newest = before && seen ? (compareTime(before, seen) >= 0 ? before : seen) : before ?? seen;
        if (newest && (newest[0] !== 0 || newest[1] !== 0) && compareTime(time, newest) <= 0) {
          skipped++;
          continue;
        }
        latest.set(id, time);
      }
      const args: Buffer[] = [tsField, encodeTimestamp(ms)];
      const values = unpackValues(row.packedValues);
      for (let f = 0; f < featureFields.length; f++) args.push(featureFields[f], values[f]);
      batch.add("hset", keys[i], args);
      if (this.config.keyTtlSeconds) batch.add("expire", keys[i], [this.config.keyTtlSeconds]);
    }
    await batch.run(client, description);
    return { written: rows.length - skipped, skipped };
  }

  async read(requests: readonly OnlineReadRequest[]): Promise<OnlineReadResult[]> {
    const plans = requests.map((request) => planRead(request, this.fields, this.projectBytes));
    const assemblies = plans.map((plan) => new ReadAssembly(plan));
    if (plans.every((p) => p.keys.length === 0)) return assemblies.map((a) => a.result());
    const connection = await this.connect();
    let done = false;
    if (this.scripts !== "denied") {
      try {
        await this.readWithScript(connection, plans, assemblies);
        done = true;
      } catch (e) {
        if (!/NOPERM.*'(evalsha|script)/i.test(causeMessage(e))) throw e;
        this.scripts = "denied";
      }
    }
    if (!done) await this.readWithHmget(connection, plans, assemblies);
    return assemblies.map((a) => a.result());
  }

  /** One EVALSHA per request (per slot on a cluster; per 500 keys): see READ_SCRIPT. */
  private async readWithScript({ client, description }: ConnectedRedis, plans: ReadPlan[], assemblies: ReadAssembly[]): Promise<void> {
    const batch = new CommandBatch();
    const parts: { plan: number; keys: number[] }[] = [];
    plans.forEach((plan, p) => {
      for (const group of slotGroups(plan.keys, client.isCluster)) {
        for (let start = 0; start < group.length; start += SCRIPT_ROWS) {
          const chunk = group.slice(start, start + SCRIPT_ROWS);
          batch.addScript(READ_SCRIPT_SHA, chunk.map((k) => plan.keys[k]), plan.fields);
          parts.push({ plan: p, keys: chunk });
        }
      }
    });
    const results = await this.runScripts(batch, client, description);
    parts.forEach((part, i) => {
      const reply = results[i] as Buffer;
      const reader = new MsgpackReader(reply);
      try {
        const modesLength = reader.strHeader();
        const modesAt = reader.pos;
        reader.pos += modesLength;
        const entries = reader.arrayHeader();
        if (entries !== part.keys.length || modesLength !== part.keys.length) throw new Error(`${entries} entries for ${part.keys.length} keys`);
        part.keys.forEach((k, j) => assemblies[part.plan].addScriptEntry(k, reply, reader, reply[modesAt + j] === 0x73));   // 's'
      } catch (e) {
        throw new BackendError("Redis", `reading the read script's reply on ${description}`, e, "a server whose Lua cmsgpack differs from Redis's; please report it");
      }
    });
  }

  /** Feast's read: HMGET per key, pipelined (one round trip per node). */
  private async readWithHmget({ client, description }: ConnectedRedis, plans: ReadPlan[], assemblies: ReadAssembly[]): Promise<void> {
    const batch = new CommandBatch();
    for (const plan of plans) for (const key of plan.keys) batch.add("hmget", key, plan.fields);
    const replies = (await batch.run(client, description)) as (Buffer | null)[][];
    let at = 0;
    plans.forEach((plan, p) => {
      for (let k = 0; k < plan.keys.length; k++) assemblies[p].addFields(k, replies[at++]);
    });
  }

  /** Runs script calls, loading the scripts once if the server does not have them (new or restarted server). */
  private async runScripts(batch: CommandBatch, client: RedisClient, description: string): Promise<unknown[]> {
    try {
      return await batch.run(client, description);
    } catch (e) {
      if (!/NOSCRIPT/.test(causeMessage(e))) throw e;
      await this.loadScript(client, description);
      return batch.run(client, description);
    }
  }

  /** Nothing to create in Redis; removed views lose their fields (Feast's `full_scan_for_deletion`). */
  async update(change: OnlineInfraUpdate): Promise<void> {
    if (this.config.fullScanForDeletion && change.remove.length > 0) await this.teardown(change.remove);
  }

  /** Deletes the views' fields from every entity hash; a hash left without any view is deleted. */
  async teardown(tables: readonly OnlineTable[]): Promise<void> {
    const { client, description } = await this.connect();
    for (const table of tables) {
      const pattern = Buffer.concat([globEscape(entityKeyPrefix(table.joinKeys, this.entityKeyVersion)), Buffer.from("*"), globEscape(this.projectBytes)]);
      const tsField = timestampField(table.name);
      const drop = [...this.fields.all(table), tsField];
      for await (const keys of scanAll(client, pattern, description)) {
        const inspect = new CommandBatch();
        for (const key of keys) inspect.add("hkeys", key);
        const fieldLists = (await inspect.run(client, description)) as Buffer[][];
        const remove = new CommandBatch();
        keys.forEach((key, i) => {
          const views = fieldLists[i].filter((f) => f.subarray(0, 4).toString("latin1") === "_ts:");
          if (!views.some((f) => f.equals(tsField))) return;
          if (views.length === 1) remove.add("del", key);
          else remove.add("hdel", key, drop);
        });
        await remove.run(client, description);
      }
    }
  }

  async close(): Promise<void> {
    const connection = this.connection.take();
    if (!connection) return;
    try {
      const { client } = await connection;
      await client.quit();
    } catch {
      // a connection that never opened has nothing to close
    }
  }

  private connect(): Promise<ConnectedRedis> {
    return this.connection.get();
  }
}

function causeMessage(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return `${error instanceof Error ? error.message : ""} ${cause instanceof Error ? cause.message : ""}`;
}

/** Escapes glob metacharacters so binary key bytes match literally in SCAN MATCH. */
function globEscape(bytes: Buffer): Buffer {
  const out: number[] = [];
  for (const b of bytes) {
    if (b === 0x2a || b === 0x3f || b === 0x5b || b === 0x5d || b === 0x5c) out.push(0x5c);
    out.push(b);
  }
  return Buffer.from(out);
}

/** SCAN over every master (all of them in a cluster), in chunks of keys. */
async function* scanAll(client: RedisClient, pattern: Buffer, description: string): AsyncGenerator<Buffer[]> {
  const nodes: RedisClient[] = client.isCluster ? (client as Cluster).nodes("master") : [client];
  for (const node of nodes) {
    let cursor = "0";
    let pending: Buffer[] = [];
    do {
      let reply: [Buffer, Buffer[]];
      try {
        reply = (await node.callBuffer("scan", [cursor, "MATCH", pattern, "COUNT", SCAN_COUNT])) as [Buffer, Buffer[]];
      } catch (e) {
        throw new BackendError("Redis", `SCAN on ${description}`, redact(e));
      }
      cursor = reply[0].toString();
      pending.push(...reply[1]);
      if (pending.length >= DELETE_BATCH) {
        yield pending;
        pending = [];
      }
    } while (cursor !== "0");
    if (pending.length) yield pending;
  }
}
