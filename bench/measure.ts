import { spawn } from "node:child_process";
import * as path from "node:path";

/** What one measured child process reports. */
export interface Measurement {
  label: string;
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
  detail?: Record<string, unknown>;
}

// The jiti CLI (not in its package exports) runs the TypeScript child as the parent was run.
const JITI = path.join(path.dirname(require.resolve("jiti/package.json")), "lib", "jiti-cli.mjs");

/**
 * Runs `script --child <args>` in a fresh Node process, so each contender's peak RSS (which
 * includes DuckDB's native memory) is its own. The child prints one JSON line last.
 */
export function measureInChild(script: string, label: string, args: string[]): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [JITI, script, "--child", ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0) return reject(new Error(`${label} exited with ${code}: ${out}`));
      try {
        resolve({ label, ...(JSON.parse(last) as Omit<Measurement, "label">) });
      } catch {
        reject(new Error(`${label} printed no result: ${out}`));
      }
    });
  });
}

/** Times `work` in this (child) process and prints the JSON line the parent reads. */
export async function reportFromChild(work: () => Promise<Record<string, unknown> | void>): Promise<void> {
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const detail = (await work()) ?? undefined;
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`${JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssBytes, detail })}\n`);
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const gigabytes = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GB`;
