import cluster, { type Worker } from "node:cluster";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { BackendError } from "../../errors";
import type { Output } from "../output";

/** What a worker tells the primary once its server listens: the primary prints it once, not N times. */
export interface WorkerReady {
  type: "skewless:serving";
  address: AddressInfo;
  /** The lines a single-process `serve` prints after listening. */
  banner: string[];
}

/** The CLI every worker runs (the same file `skewless` is), whoever started the primary. */
const CLI_BIN = path.resolve(__dirname, "..", "..", "..", "bin", "skewless.js");

/** Whether this process is a `serve --workers N` worker (then it serves and reports, see {@link reportReady}). */
export function isServeWorker(): boolean {
  return cluster.isWorker;
}

/** A worker's report to the primary. */
export function reportReady(ready: Omit<WorkerReady, "type">): void {
  process.send!({ type: "skewless:serving", ...ready } satisfies WorkerReady);
}

/**
 * The primary of `skewless serve --workers N`: forks N processes that run the same command and
 * share the listening socket (node:cluster; the primary hands out connections round-robin), prints
 * the address once they all listen, replaces a worker that dies, and on SIGINT/SIGTERM stops them
 * (each finishes its requests, as a single-process serve does) and resolves once they exited.
 */
export async function runPrimary(workers: number, argv: readonly string[], output: Output): Promise<void> {
  cluster.setupPrimary({ exec: CLI_BIN, args: [...argv] });
  let stopping = false;
  const ready = await Promise.all(Array.from({ length: workers }, () => fork()));
  for (const line of ready[0].banner) output.out(line.replace(" (Ctrl-C to stop)", ` with ${workers} workers (Ctrl-C to stop)`));

  const live = new Set(Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined));
  const onExit = (worker: Worker, code: number | null, signal: string | null) => {
    live.delete(worker);
    if (stopping) return;
    output.err(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
    fork().then((w) => live.add(w.worker), (e: unknown) => output.err(`could not replace it: ${(e as Error).message}`));
  };
  cluster.on("exit", onExit);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  stopping = true;
  output.out("Stopping...");
  await Promise.all([...live].map((worker) => new Promise<void>((resolve) => {
    if (worker.isDead()) return resolve();
    worker.once("exit", () => resolve());
    worker.process.kill("SIGTERM");
  })));
  cluster.off("exit", onExit);
}

/** Forks one worker; resolves once it listens, rejects (stopping the others) if it exits first. */
function fork(): Promise<WorkerReady & { worker: Worker }> {
  const worker = cluster.fork();
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if ((message as WorkerReady)?.type !== "skewless:serving") return;
      worker.off("exit", onExit);
      resolve({ ...(message as WorkerReady), worker });
    };
    const onExit = (code: number | null, signal: string | null) => {
      worker.off("message", onMessage);
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill("SIGTERM");
      // The worker printed its own error (a bad flag, a missing registry) before exiting.
      reject(new BackendError("skewless serve", "starting a worker", `it exited with ${signal ?? `code ${code}`} before listening`, "see the worker's error above"));
    };
    worker.on("message", onMessage);
    worker.once("exit", onExit);
  });
}
