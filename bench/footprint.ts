// npm run bench:footprint: what an online-only app pays for @skewless/runtime. For SQLite and a
// real redis-server: a fresh `node` imports the package and reads online features (import time,
// modules loaded, packages loaded), first from this repo, then from an app that installed the
// packed runtime without the optional peers (install size).
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startRedis } from "./online/redis-process";
import { HEAVY_PACKAGES, onlineRepo, runProbe, type ProbeInput, type ProbeResult } from "./footprint/fixture";
import { folderBytes, installApp, installedPackages, packRuntime } from "./footprint/install";

const ROUNDS = 5;
const GOALS = { importMs: 150, modules: 100, installMb: 40 };

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "skewless-footprint-"));
  const redis = await startRedis();
  try {
    const backends: [string, "better-sqlite3" | "ioredis", ProbeInput][] = [
      ["sqlite", "better-sqlite3", await onlineRepo(path.join(scratch, "sqlite"), { type: "sqlite", path: "data/online.db" })],
      ["redis", "ioredis", await onlineRepo(path.join(scratch, "redis"), { type: "redis", connection_string: `127.0.0.1:${redis.port}` })],
    ];
    const tarball = await packRuntime(scratch);
    console.log(`@skewless/runtime footprint, ${os.cpus().length} cores, node ${process.version}; median of ${ROUNDS} fresh processes`);
    for (const [backend, client, input] of backends) {
      const app = path.join(scratch, `app-${backend}`);
      await installApp(app, tarball, client);
      const installMb = folderBytes(path.join(app, "node_modules")) / 1e6;
      const heavyInstalled = installedPackages(path.join(app, "node_modules")).filter((p) => HEAVY_PACKAGES.includes(p));
      for (const [where, dir] of [["repo", path.resolve(__dirname, "..")], ["installed app", app]] as const) {
        const results: ProbeResult[] = [];
        for (let i = 0; i < ROUNDS; i++) results.push(await runProbe(dir, input));
        const last = results[results.length - 1];
        const heavy = last.packages.filter((p) => HEAVY_PACKAGES.includes(p));
        console.log(
          `${backend.padEnd(6)} ${where.padEnd(13)} import ${median(results.map((r) => r.importMs)).toFixed(0)} ms (goal < ${GOALS.importMs})` +
          `  modules at import ${last.modulesAtImport} (goal < ${GOALS.modules}), after first read ${last.modulesAfterRead}` +
          `  first read ${median(results.map((r) => r.firstReadMs)).toFixed(0)} ms  heavy loaded: ${heavy.length ? heavy.join(", ") : "none"}`,
        );
      }
      console.log(`${backend.padEnd(6)} install       ${installMb.toFixed(1)} MB (goal < ${GOALS.installMb}), runtime + ${client}; heavy installed: ${heavyInstalled.length ? heavyInstalled.join(", ") : "none"}`);
    }
  } finally {
    redis.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
