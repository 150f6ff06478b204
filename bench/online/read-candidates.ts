import { GlideClient, Batch, Decoder } from "@valkey/valkey-glide";
import Redis from "ioredis";
import IoValkey from "iovalkey";
import { createClient, RESP_TYPES } from "redis";
import type { FeatureStore } from "@skewless/runtime";
import { encodeCommand, murmur3Field, READ_SCRIPT, READ_SCRIPT_SHA, RespConnection, serializeEntityKey } from "@skewless/runtime/internal";

// The Redis read path's candidates, measured in one process on the same keys in interleaved
// rounds: raw clients (ioredis, node-redis 5, iovalkey, valkey-glide), the commands (HGETALL,
// HMGET, the read script) and the plain-socket floor, next to Skewless's own getOnlineFeatures.

/** One way of reading `ids`' hashes; resolves when every reply is in. */
type Read = (ids: number[]) => Promise<unknown>;
export interface Candidate { label: string; entities: 1 | 100; read: Read }
export interface CandidateResult { label: string; entities: number; p50: number; p99: number; roundP99s: number[] }

const INT64 = 4;   // Feast's ValueType.INT64

export async function redisCandidates(port: number, store: FeatureStore, view: string, features: string[]): Promise<{ candidates: Candidate[]; close: () => Promise<void> }> {
  const project = Buffer.from("bench");
  const key = (id: number) => Buffer.concat([serializeEntityKey([{ name: "user_id", valueType: INT64 }], [BigInt(id)], 3), project]);
  const fields = [...features.map((f) => murmur3Field(`${view}:${f.split(":")[1]}`)), Buffer.from(`_ts:${view}`)];
  const io = new Redis({ port, host: "127.0.0.1" });
  const valkey = new IoValkey({ port, host: "127.0.0.1" });
  const node = createClient({ socket: { port, host: "127.0.0.1" } }).withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer, [RESP_TYPES.MAP]: Array });
  await node.connect();
  const glide = await GlideClient.createClient({ addresses: [{ host: "127.0.0.1", port }], requestTimeout: 10_000 });
  // the floor: a socket, the commands written at once, the replies' frames found (no value read)
  const floor = await RespConnection.open({ host: "127.0.0.1", port, connectTimeoutMs: 10_000, setup: [] });
  await io.script("LOAD", READ_SCRIPT);
  const found = await io.hgetallBuffer(key(0));
  if (Object.keys(found).length !== features.length + 1) throw new Error(`bench key 0 has ${Object.keys(found).length} fields, expected ${features.length + 1}`);

  const rows = (ids: number[]) => ids.map((id) => ({ user_id: id }));
  const pipeline = (client: Redis | IoValkey, command: "hgetallBuffer" | "hmgetBuffer") => async (ids: number[]) => {
    const p = client.pipeline();
    for (const id of ids) {
      if (command === "hgetallBuffer") p.hgetallBuffer(key(id));
      else p.hmgetBuffer(key(id), ...fields);
    }
    return p.exec();
  };
  const candidates: Candidate[] = [];
  for (const entities of [1, 100] as const) {
    const one = entities === 1;
    candidates.push(
      { label: "floor: plain socket, HGETALL", entities, read: (ids) => floor.send(Buffer.concat(ids.map((id) => encodeCommand(["HGETALL", key(id)]))), ids.length) },
      { label: "ioredis HGETALL", entities, read: one ? (ids) => io.hgetallBuffer(key(ids[0])) : pipeline(io, "hgetallBuffer") },
      { label: "ioredis HMGET", entities, read: one ? (ids) => io.hmgetBuffer(key(ids[0]), ...fields) : pipeline(io, "hmgetBuffer") },
      { label: "ioredis read script", entities, read: (ids) => io.callBuffer("evalsha", READ_SCRIPT_SHA, ids.length, ...ids.map(key), ...fields) },
      { label: "iovalkey HGETALL", entities, read: one ? (ids) => valkey.hgetallBuffer(key(ids[0])) : pipeline(valkey, "hgetallBuffer") },
      { label: "node-redis 5 HGETALL", entities, read: (ids) => Promise.all(ids.map((id) => node.hGetAll(key(id)))) },
      {
        label: "valkey-glide HGETALL", entities,
        read: one ? (ids) => glide.hgetall(key(ids[0]), { decoder: Decoder.Bytes }) : (ids) => {
          const batch = new Batch(false);
          for (const id of ids) batch.hgetall(key(id));
          return glide.exec(batch, true, { decoder: Decoder.Bytes });
        },
      },
      { label: "Skewless getOnlineFeatures", entities, read: (ids) => store.getOnlineFeatures({ features, entityRows: rows(ids) }) },
    );
  }
  const close = async () => {
    io.disconnect();
    valkey.disconnect();
    await node.quit();
    glide.close();
    floor.close();
  };
  return { candidates, close };
}

/** `calls` timed calls of `read` for `entities` pseudo-random ids (a fixed sequence per `seed`); milliseconds, sorted. */
export async function timeCalls(read: Read, population: number, entities: number, calls: number, seed: number): Promise<Float64Array> {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % population;
  };
  const times = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const ids = Array.from({ length: entities }, next);
    const t0 = process.hrtime.bigint();
    await read(ids);
    times[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  return times.sort();
}

export const percentile = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs every candidate for `calls` calls per round, the candidates interleaved within each round
 * (a burst of load from another tenant lands on all of them), on the same pseudo-random entity
 * ids; percentiles are the rounds' medians.
 */
export async function measureCandidates(candidates: Candidate[], population: number, calls: (entities: number) => number, rounds: number): Promise<CandidateResult[]> {
  const p99s = candidates.map(() => [] as number[]);
  const p50s = candidates.map(() => [] as number[]);
  for (let round = 0; round <= rounds; round++) {   // round 0 warms every path up
    for (let c = 0; c < candidates.length; c++) {
      const { read, entities } = candidates[c];
      // the previous candidate's garbage is collected now, not during this one's calls (node --expose-gc)
      (globalThis as { gc?: () => void }).gc?.();
      const times = await timeCalls(read, population, entities, round === 0 ? Math.ceil(calls(entities) / 4) : calls(entities), 12345 + round);
      if (round === 0) continue;
      p50s[c].push(percentile(times, 0.5));
      p99s[c].push(percentile(times, 0.99));
    }
  }
  return candidates.map((c, i) => ({ label: c.label, entities: c.entities, p50: median(p50s[i]), p99: median(p99s[i]), roundP99s: p99s[i] }));
}
