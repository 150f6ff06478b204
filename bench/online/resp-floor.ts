import * as net from "node:net";

// The plain-socket floor of a Redis read: the command bytes written once, the reply's frames
// found by scanning (no object per value, no copy of the bytes), nothing else. No Redis client
// and no Skewless code: what any client on this machine could at best approach.

/** RESP2 for one command of bulk strings. */
export function encodeCommand(parts: readonly Buffer[]): Buffer {
  const chunks: Buffer[] = [Buffer.from(`*${parts.length}\r\n`)];
  for (const p of parts) chunks.push(Buffer.from(`$${p.length}\r\n`), p, Buffer.from("\r\n"));
  return Buffer.concat(chunks);
}

/** The end of the reply starting at `at`, or -1 when `bytes` ends before it does. */
export function skipReply(bytes: Buffer, at: number): number {
  if (at >= bytes.length) return -1;
  const type = bytes[at];
  const lineEnd = bytes.indexOf(13, at);
  if (lineEnd < 0 || lineEnd + 1 >= bytes.length) return -1;
  if (type === 0x2b || type === 0x2d || type === 0x3a) return lineEnd + 2;   // + - :
  let n = 0;
  let negative = false;
  for (let i = at + 1; i < lineEnd; i++) {
    if (bytes[i] === 0x2d) negative = true;
    else n = n * 10 + bytes[i] - 48;
  }
  let pos = lineEnd + 2;
  if (negative) return pos;   // nil
  if (type === 0x24) return pos + n + 2 <= bytes.length ? pos + n + 2 : -1;   // $
  for (let i = 0; i < n && pos >= 0; i++) pos = skipReply(bytes, pos);   // *
  return pos;
}

/** One connection that sends pre-encoded pipelines and resolves when all their replies arrived. */
export class SocketFloor {
  private pending: { replies: number; resolve: () => void } | undefined;
  private chunks: Buffer[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
  }

  static connect(port: number): Promise<SocketFloor> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => resolve(new SocketFloor(socket)));
      socket.once("error", reject);
    });
  }

  /** Writes `commands` (RESP bytes of `replies` commands) and waits for every reply. */
  send(commands: Buffer, replies: number): Promise<void> {
    return new Promise((resolve) => {
      this.pending = { replies, resolve };
      this.socket.write(commands);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    const bytes = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks);
    let pos = 0;
    for (let i = 0; i < this.pending!.replies && pos >= 0; i++) pos = skipReply(bytes, pos);
    if (pos < 0) {
      this.chunks = [bytes];
      return;
    }
    this.chunks = [];
    const done = this.pending!;
    this.pending = undefined;
    done.resolve();
  }
}
