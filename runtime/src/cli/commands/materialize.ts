import type { Command } from "commander";
import { FeatureStore } from "../../feature-store";
import { DEFAULT_MAX_FUTURE_SECONDS } from "../../materialize/materializer";
import { progressReporter, type ProgressSink } from "../../materialize/progress";
import type { CliContext } from "../main";
import { parseList, parseSeconds, parseTime } from "../parse-time";

export function registerMaterialize(program: Command, context: CliContext): void {
  program
    .command("materialize")
    .argument("<start>", "ISO 8601 time with Z or an offset, e.g. 2024-05-01T00:00:00Z")
    .argument("<end>", "ISO 8601 time with Z or an offset")
    .option("--views <names>", "comma-separated feature views (default: every online view but those with windowed aggregations)")
    .description("load the latest row per entity between START and END from the offline store into the online store")
    .action(async (start: string, end: string, options: { views?: string }) => {
      const from = parseTime(start, "START");
      const to = parseTime(end, "END");
      await withStore(context, (store) => store.materialize(from, to, { featureViews: parseList(options.views), progress: progressReporter(sink(context)) }));
    });
  program
    .command("materialize-incremental")
    .argument("<end>", "ISO 8601 time with Z or an offset, e.g. 2024-05-01T00:00:00Z")
    .option("--views <names>", "comma-separated feature views (default: every online view but those with windowed aggregations)")
    .option("--max-future <seconds>", `how far past now END may be (default ${DEFAULT_MAX_FUTURE_SECONDS})`)
    .description("materialize each view from where its last run ended (or now - ttl) up to END (not in the future)")
    .action(async (end: string, options: { views?: string; maxFuture?: string }) => {
      const to = parseTime(end, "END");
      const maxFutureSeconds = options.maxFuture === undefined ? undefined : parseSeconds(options.maxFuture, "--max-future");
      await withStore(context, (store) => store.materializeIncremental(to, { featureViews: parseList(options.views), progress: progressReporter(sink(context)), maxFutureSeconds }));
    });
}

async function withStore<T>(context: CliContext, fn: (store: FeatureStore) => Promise<T>): Promise<T> {
  const store = await FeatureStore.open(context.repoPath());
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** A terminal gets a redrawn bar on stdout; anything else gets whole lines through the CLI's output. */
function sink(context: CliContext): ProgressSink {
  if (context.output.isTTY) return { isTTY: true, write: (text) => void process.stdout.write(text) };
  return { isTTY: false, write: (text) => context.output.out(text.replace(/\n$/, "")) };
}
