import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT, type RunResult } from "./processes";

const WORKER_SCRIPT = path.join(REPO_ROOT, "feast-check", "worker.py");

/** A request to feast-check/worker.py: a feast-check script command, or Feast's CLI. */
export type WorkerRequest = { cwd?: string } & ({ script: string; args: string[] } | { feast: string[] });

interface Pending {
  resolve(result: RunResult): void;
  reject(error: Error): void;
}

/**
 * The suite's one Python process for Feast (feast-check/worker.py): importing Feast costs seconds
 * (far more on a loaded machine), so a suite pays it once, not once per call. Requests run one at
 * a time, in order; each has its own time limit, counted from when it starts. A worker that hangs
 * past a limit is killed and the next request starts a new one. The worker exits when this
 * process does (its stdin closes).
 */
export class FeastWorker {
  private child?: ChildProcess;
  private pending?: Pending;
  private queue: Promise<unknown> = Promise.resolve();
  private buffer = "";
  private stderrTail = "";
  private nextId = 1;

  constructor(private readonly python: string) {}

  request(request: WorkerRequest, timeoutMs: number): Promise<RunResult> {
    const result = this.queue.then(() => this.send(request, timeoutMs));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private start(): ChildProcess {
    const child = spawn(this.python, [WORKER_SCRIPT], { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    this.buffer = "";
    this.stderrTail = "";
    child.stdin!.on("error", () => undefined);   // a dead worker reports through "exit"
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => this.receive(chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-20_000);
    });
    child.on("exit", (code, signal) => {
      if (this.child === child) this.child = undefined;
      this.pending?.reject(new Error(`feast-check/worker.py exited (${code ?? signal}):\n${this.stderrTail}`));
      this.pending = undefined;
    });
    this.idle(child);
    return child;
  }

  private send(request: WorkerRequest, timeoutMs: number): Promise<RunResult> {
    const child = (this.child ??= this.start());
    const id = this.nextId++;
    return new Promise<RunResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        if (this.child === child) this.child = undefined;
        child.kill("SIGKILL");
        reject(new Error(`feast-check/worker.py: ${describe(request)} took over ${timeoutMs / 1000} s:\n${this.stderrTail}`));
      }, timeoutMs);
      this.pending = {
        resolve: (result) => { clearTimeout(timer); this.idle(child); resolve(result); },
        reject: (error) => { clearTimeout(timer); reject(error); },
      };
      // While a request runs the worker keeps this process alive; idle, it does not.
      child.ref();
      (child.stdout as unknown as { ref(): void }).ref();
      child.stdin!.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      const answer = JSON.parse(line) as { code: number; stdout: string; stderr: string };
      const pending = this.pending;
      this.pending = undefined;
      pending?.resolve({ code: answer.code, stdout: answer.stdout, stderr: answer.stderr });
    }
  }

  private idle(child: ChildProcess): void {
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?(): void } | null)?.unref?.();
  }
}

function describe(request: WorkerRequest): string {
  return "feast" in request ? `feast ${request.feast.join(" ")}` : `${request.script} ${request.args.join(" ")}`;
}
