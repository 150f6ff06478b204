import * as net from "node:net";
import * as tls from "node:tls";

/**
 * A connection for the online read path on a single Redis server: pipelined commands go out as one
 * write, and each request's replies come back as one contiguous buffer that callers read by
 * offset (see {@link RespReader}). A general client makes an object per reply value (5,000 for a
 * 100-entity x 50-feature read) and that, not the network, is most of a read's time: measured in
 * `bench:online`, next to ioredis, node-redis, iovalkey, valkey-glide and a plain-socket floor.
 * Requests are answered in order (Redis's protocol), so concurrent reads share the connection.
 */
export class RespConnection {
  private readonly queue: Pending[] = [];
  /**
   * Bytes received and not yet handed to a request are `store[start, end)`; up to `scanned` they
   * are whole replies of the head request. Chunks are appended into spare room (the store grows by
   * doubling), so each byte is copied at most about twice however many chunks a reply spans;
   * regions handed to requests are never written again.
   */
  private store: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  private scanned = 0;
  /** Whether `store` is a chunk the socket gave us (no spare room of ours to write into). */
  private borrowed = true;
  private repliesSeen = 0;
  private failure: Error | undefined;

  private constructor(private readonly socket: net.Socket, private readonly timeoutMs: number | undefined) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (e) => this.fail(e));
    socket.on("close", () => this.fail(new Error("the connection closed")));
    socket.on("timeout", () => {
      if (this.queue.length) socket.destroy(new Error(`no reply within ${this.timeoutMs! / 1000} s (socket_timeout)`));
    });
  }

  /**
   * Connects, then runs `setup` (AUTH, SELECT, CLIENT SETNAME) before any read; rejects with the
   * server's own error (which never repeats a password) when one fails.
   */
  static async open(options: { host: string; port: number; tls?: tls.ConnectionOptions; connectTimeoutMs: number; timeoutMs?: number; setup: Buffer[][] }): Promise<RespConnection> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const done = (e?: Error) => {
        clearTimeout(timer);
        if (e) {
          s.destroy();
          reject(e);
        } else resolve(s);
      };
      const s = options.tls
        ? tls.connect({ ...options.tls, host: options.host, port: options.port, servername: net.isIP(options.host) ? undefined : options.host }, () => done())
        : net.connect(options.port, options.host, () => done());
      const timer = setTimeout(() => done(new Error(`no connection within ${options.connectTimeoutMs / 1000} s`)), options.connectTimeoutMs);
      s.once("error", done);
    });
    const connection = new RespConnection(socket, options.timeoutMs);
    if (options.timeoutMs) socket.setTimeout(options.timeoutMs);
    if (options.setup.length) {
      const replies = await connection.send(Buffer.concat(options.setup.map(encodeCommand)), options.setup.length);
      const reader = new RespReader(replies);
      try {
        for (let i = 0; i < options.setup.length; i++) reader.status();
      } catch (e) {
        connection.close();
        throw e;
      }
    }
    return connection;
  }

  get closed(): boolean {
    return this.failure !== undefined;
  }

  /** Writes `commands` (RESP, `replies` commands) and resolves with their replies' bytes, back to back. */
  send(commands: Buffer, replies: number): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ replies, resolve, reject });
      this.socket.write(commands);
    });
  }

  close(): void {
    this.fail(new Error("the connection was closed"));
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.append(chunk);
    const bytes = this.store.subarray(0, this.end);
    while (this.queue.length) {
      const head = this.queue[0];
      while (this.repliesSeen < head.replies) {
        const end = replyEnd(bytes, this.scanned);
        if (end < 0) return;   // the rest arrives in a later chunk
        this.scanned = end;
        this.repliesSeen++;
      }
      const replies = bytes.subarray(this.start, this.scanned);
      this.start = this.scanned;
      this.repliesSeen = 0;
      this.queue.shift();
      head.resolve(replies);
    }
  }

  private append(chunk: Buffer): void {
    if (this.start === this.end) {
      this.store = chunk;
      this.start = this.scanned = 0;
      this.end = chunk.length;
      this.borrowed = true;
      return;
    }
    if (this.borrowed || this.end + chunk.length > this.store.length) {
      const pending = this.end - this.start;
      const grown = Buffer.allocUnsafe(Math.max(2 * (pending + chunk.length), 65_536));
      this.store.copy(grown, 0, this.start, this.end);
      this.scanned -= this.start;
      this.store = grown;
      this.start = 0;
      this.end = pending;
      this.borrowed = false;
    }
    this.end += chunk.copy(this.store, this.end);
  }

  private fail(error: Error): void {
    if (!this.failure) this.failure = error;
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }
}

interface Pending { replies: number; resolve: (bytes: Buffer) => void; reject: (e: Error) => void }

/** A command's RESP bytes: an array of bulk strings. */
export function encodeCommand(parts: readonly (Buffer | string)[]): Buffer {
  let length = 16;
  for (const p of parts) length += 16 + Buffer.byteLength(p);
  const out = Buffer.allocUnsafe(length);
  let at = out.write(`*${parts.length}\r\n`, 0, "latin1");
  for (const p of parts) {
    const size = Buffer.byteLength(p);
    at += out.write(`$${size}\r\n`, at, "latin1");
    at += typeof p === "string" ? out.write(p, at, "utf8") : p.copy(out, at);
    out[at++] = 13;
    out[at++] = 10;
  }
  return out.subarray(0, at);
}

/** Where the reply starting at `at` ends, or -1 when `bytes` ends first. */
export function replyEnd(bytes: Buffer, at: number): number {
  if (at >= bytes.length) return -1;
  const lineEnd = bytes.indexOf(13, at);
  if (lineEnd < 0 || lineEnd + 1 >= bytes.length) return -1;
  const type = bytes[at];
  if (type !== 0x24 && type !== 0x2a) return lineEnd + 2;   // + - : (simple lines)
  const n = lineNumber(bytes, at + 1, lineEnd);
  let pos = lineEnd + 2;
  if (n < 0) return pos;   // nil
  if (type === 0x24) return pos + n + 2 <= bytes.length ? pos + n + 2 : -1;
  for (let i = 0; i < n && pos >= 0; i++) pos = replyEnd(bytes, pos);
  return pos;
}

function lineNumber(bytes: Buffer, from: number, to: number): number {
  let n = 0;
  let negative = false;
  for (let i = from; i < to; i++) {
    const b = bytes[i];
    if (b === 0x2d) negative = true;
    else n = n * 10 + b - 48;
  }
  return negative ? -n : n;
}

/** An error reply from the server (`-ERR ...`, `-NOPERM ...`). */
export class RedisReplyError extends Error {}

/**
 * Reads whole replies by offset (the same calls as {@link MsgpackReader}, so one assembly reads
 * either): bulk strings are not copied, callers take `pos` and skip them.
 */
export class RespReader {
  pos = 0;

  constructor(private readonly bytes: Buffer) {}

  arrayHeader(): number {
    return this.header(0x2a, "an array");
  }

  strHeader(): number {
    const length = this.header(0x24, "a string");
    if (this.pos + length + 2 > this.bytes.length) throw new Error(`a reply ends inside a string at byte ${this.pos}`);
    return length;
  }

  /** Moves past a string's `length` bytes (and RESP's CRLF after them). */
  skipString(length: number): void {
    this.pos += length + 2;
  }

  /** True (and consumed) when the next item is nil (a field HMGET did not find). */
  skipFalse(): boolean {
    const b = this.bytes;
    if ((b[this.pos] !== 0x24 && b[this.pos] !== 0x2a) || b[this.pos + 1] !== 0x2d) return false;
    this.pos = b.indexOf(10, this.pos) + 1;
    return true;
  }

  /** A simple `+OK`-style reply. */
  status(): void {
    if (this.bytes[this.pos] !== 0x2b) this.header(0x2b, "a status");
    this.pos = this.bytes.indexOf(10, this.pos) + 1;
  }

  private header(type: number, wanted: string): number {
    const b = this.bytes;
    const lineEnd = b.indexOf(13, this.pos);
    if (lineEnd < 0) throw new Error(`a reply ends early at byte ${this.pos}`);
    if (b[this.pos] === 0x2d) throw new RedisReplyError(b.toString("utf8", this.pos + 1, lineEnd));
    if (b[this.pos] !== type) throw new Error(`a reply has byte 0x${b[this.pos].toString(16)} at ${this.pos} where ${wanted} should start`);
    const n = lineNumber(b, this.pos + 1, lineEnd);
    this.pos = lineEnd + 2;
    return n;
  }
}
