import type { Command } from "commander";
import { formatDuration, parseDuration } from "../../duration";
import { InvalidArgumentError } from "../../errors";
import { FeatureStore } from "../../feature-store";
import { PUSH_MODES, pushMode } from "../../push/push";
import { DEFAULT_FUTURE_SKEW_SECONDS } from "../../server/future-events";
import type { StreamStats, StreamWorker } from "../../stream/stream-worker";
import type { CliContext } from "../main";

interface StreamFlags {
  group?: string;
  to: string;
  brokers?: string;
  offlineFlush: string;
  offlineFlushRows: string;
  pushTimeSkew: string;
  statsEvery: string;
}

export function registerStream(program: Command, context: CliContext): void {
  program
    .command("stream")
    .argument("<kafka-source>", "the KafkaSource whose topic to consume")
    .description("consume a KafkaSource's topic in a consumer group and write every message to the feature views it feeds (online, and offline with --to)")
    .option("-g, --group <id>", "consumer group (default skewless-<project>-<source>); workers in one group share the partitions")
    .option("--to <mode>", `where rows go: ${PUSH_MODES.join(", ")}`, "online")
    .option("--brokers <list>", "host:port,... to use instead of the source's kafka_bootstrap_servers")
    .option("--offline-flush <duration>", "with --to ...offline: append buffered rows to the batch source at least this often", "5s")
    .option("--offline-flush-rows <n>", "... or once this many rows wait", "50000")
    .option("--push-time-skew <duration>", "how far past this machine's clock an event time may be; later messages are skipped", formatDuration(DEFAULT_FUTURE_SKEW_SECONDS))
    .option("--stats-every <duration>", "print a progress line this often (0s: never)", "30s")
    .addHelpText("after", `
Delivery is at least once: a partition's offset is committed only after its rows are written
(online, and in the batch source with --to online_and_offline), so after a crash the rows since
the last commit are consumed again. The online store keeps the newest event time per entity, so
a replayed (or late) message never replaces a newer value; a stream view's aggregation tiles
record the highest offset per partition they counted, so a replayed message is not counted
again. A message that cannot be read, or
whose values do not fit the view's types, is skipped with a log line. SIGINT or SIGTERM stops
fetching, finishes the batch in progress, appends what waits offline, commits and exits 0.

Example:
  skewless stream driver_trips_stream --to online_and_offline`)
    .action(async (source: string, flags: StreamFlags) => {
      const to = pushMode(flags.to, "--to");
      const flushRows = Number(flags.offlineFlushRows);
      if (!Number.isInteger(flushRows) || flushRows <= 0) throw new InvalidArgumentError(`--offline-flush-rows must be a positive whole number, got ${JSON.stringify(flags.offlineFlushRows)}`);
      const statsEvery = parseDuration(flags.statsEvery, "--stats-every");
      const store = await FeatureStore.open(context.repoPath());
      let worker: StreamWorker;
      try {
        // kafkajs (an optional peer) loads only when a worker starts, not with every CLI command
        const { StreamWorker } = await import("../../stream/stream-worker.js");
        worker = await StreamWorker.start(store, {
          source,
          groupId: flags.group,
          to,
          brokers: flags.brokers?.split(",").map((b) => b.trim()).filter(Boolean),
          offlineFlushSeconds: Math.max(parseDuration(flags.offlineFlush, "--offline-flush"), 1),
          offlineFlushRows: flushRows,
          futureSkewSeconds: parseDuration(flags.pushTimeSkew, "--push-time-skew"),
          log: (line) => context.output.err(line),
        });
      } catch (error) {
        await store.close();
        throw error;
      }
      context.output.out(`Streaming KafkaSource ${source} of project ${store.project} (to ${to}; Ctrl-C to stop)`);
      const progress = statsEvery > 0 ? setInterval(() => context.output.err(describe(worker.stats)), statsEvery * 1000) : undefined;
      progress?.unref();
      const signalled = new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      let failure: unknown;
      await Promise.race([signalled, worker.done]).catch((error: unknown) => (failure = error));
      context.output.out("Stopping...");
      try {
        await worker.stop().catch((error: unknown) => (failure ??= error));
        context.output.out(describe(worker.stats));
      } finally {
        if (progress) clearInterval(progress);
        await store.close();
      }
      // Exits non-zero; the rows since the last commit are consumed again on the next start.
      if (failure) throw failure;
    });
}

function describe(stats: StreamStats): string {
  return `consumed ${stats.consumed} messages: ${stats.written} rows written online, ${stats.skipped} not newer than the stored row, `
    + `${stats.rejected} skipped (unreadable or refused), ${stats.offlineRows} appended offline`;
}
