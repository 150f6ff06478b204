import type { Cluster } from "ioredis";
import { BackendError } from "../../errors";
import { keySlot } from "./key-slot";
import { redact, type RedisClient } from "./redis-client";

type Arg = Buffer | string | number;
interface Command {
  name: "hmget" | "hset" | "expire" | "hkeys" | "del" | "hdel" | "evalsha";
  /** The key that routes the command to a cluster node. */
  key: Buffer;
  /** Arguments after the key (for evalsha: everything after the SHA). */
  args: Arg[];
  sha?: string;
}

/**
 * Commands sent together: one pipeline (one round trip) on a single server; on a cluster, one
 * pipeline per node, sent in parallel. Results come back in the order commands were added.
 */
export class CommandBatch {
  private readonly commands: Command[] = [];

  get length(): number {
    return this.commands.length;
  }

  add(name: Exclude<Command["name"], "evalsha">, key: Buffer, args: Arg[] = []): void {
    this.commands.push({ name, key, args });
  }

  /** EVALSHA over `keys` (all in one cluster slot), routed by the first. */
  addScript(sha: string, keys: Buffer[], argv: Arg[]): void {
    const args: Arg[] = new Array(1 + keys.length + argv.length);
    args[0] = keys.length;
    for (let i = 0; i < keys.length; i++) args[1 + i] = keys[i];
    for (let i = 0; i < argv.length; i++) args[1 + keys.length + i] = argv[i];
    this.commands.push({ name: "evalsha", key: keys[0], args, sha });
  }

  async run(client: RedisClient, description: string): Promise<unknown[]> {
    if (this.commands.length === 0) return [];
    if (!client.isCluster) return this.exec(client, this.commands, description);
    const groups = new Map<string, number[]>();
    const slots = (client as Cluster).slots;
    this.commands.forEach((c, i) => {
      const node = slots[keySlot(c.key)]?.join(",") ?? "";
      const group = groups.get(node);
      if (group) group.push(i);
      else groups.set(node, [i]);
    });
    const results: unknown[] = new Array(this.commands.length);
    await Promise.all([...groups.values()].map(async (indexes) => {
      const out = await this.exec(client, indexes.map((i) => this.commands[i]), description);
      indexes.forEach((i, j) => {
        results[i] = out[j];
      });
    }));
    return results;
  }

  private async exec(client: RedisClient, commands: Command[], description: string): Promise<unknown[]> {
    let replies: [Error | null, unknown][] | null;
    try {
      replies = commands.length <= DIRECT_COMMANDS ? await sendEach(client, commands) : await pipelined(client, commands).exec();
    } catch (e) {
      throw new BackendError("Redis", `${summary(commands)} on ${description}`, redact(e));
    }
    if (!replies) throw new BackendError("Redis", `${summary(commands)} on ${description}`, new Error("the pipeline was discarded"));
    const out: unknown[] = new Array(replies.length);
    for (let i = 0; i < replies.length; i++) {
      const [error, value] = replies[i];
      if (error) throw new BackendError("Redis", `${commands[i].name.toUpperCase()} (one of ${summary(commands)}) on ${description}`, redact(error));
      out[i] = value;
    }
    return out;
  }
}

/**
 * Up to this many commands are sent one by one, all before the first reply (still one round trip):
 * an ioredis Pipeline keeps what it sent alive long enough to reach the old generation, and a
 * request-path read is one or a few commands, where those promotions made full garbage
 * collections, and the latency tail, several times more frequent.
 */
const DIRECT_COMMANDS = 16;

function pipelined(client: RedisClient, commands: Command[]): ReturnType<RedisClient["pipeline"]> {
  const pipeline = client.pipeline();
  for (const c of commands) {
    if (c.name === "hmget") pipeline.hmgetBuffer(c.key, ...(c.args as Buffer[]));
    else if (c.name === "hkeys") pipeline.hkeysBuffer(c.key);
    else if (c.name === "evalsha") pipeline.callBuffer("evalsha", c.sha!, ...c.args);
    else pipeline.call(c.name, c.key, ...c.args);
  }
  return pipeline;
}

/** Each command on its own, in order, without waiting in between; replies as a pipeline gives them. */
function sendEach(client: RedisClient, commands: Command[]): Promise<[Error | null, unknown][]> {
  return Promise.all(commands.map(async (c): Promise<[Error | null, unknown]> => {
    try {
      if (c.name === "hmget") return [null, await client.hmgetBuffer(c.key, ...(c.args as Buffer[]))];
      if (c.name === "hkeys") return [null, await client.hkeysBuffer(c.key)];
      if (c.name === "evalsha") return [null, await client.callBuffer("evalsha", c.sha!, ...c.args)];
      return [null, await client.call(c.name, c.key, ...c.args)];
    } catch (e) {
      return [e instanceof Error ? e : new Error(String(e)), undefined];
    }
  }));
}

/** `HMGET x 100, HSET x 100`: what a pipeline held, for error messages (keys and values are data). */
function summary(commands: Command[]): string {
  const counts = new Map<string, number>();
  for (const c of commands) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${name.toUpperCase()} x ${n}`).join(", ");
}
