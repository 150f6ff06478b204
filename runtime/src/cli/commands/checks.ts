import type { Command } from "commander";
import { renderFreshness } from "../../checks/freshness";
import { renderValidation } from "../../checks/validate";
import { InvalidArgumentError } from "../../errors";
import { FeatureStore } from "../../feature-store";
import type { CliContext } from "../main";
import { parseList } from "../parse-time";

export function registerChecks(program: Command, context: CliContext): void {
  program
    .command("validate")
    .description("compare online values with the latest offline values as of the last materialization; exit 1 above --threshold")
    .option("--views <names>", "comma-separated feature views (default: every online view)")
    .option("--sample <n>", "check n entities per view, sampled uniformly (default: all)")
    .option("--threshold <rate>", "largest acceptable discrepancy rate, 0 to 1", "0")
    .action(async (options: { views?: string; sample?: string; threshold: string }) => {
      const threshold = Number(options.threshold);
      if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) throw new InvalidArgumentError(`--threshold must be a rate between 0 and 1, got ${options.threshold}`);
      const sample = options.sample === undefined ? undefined : Number(options.sample);
      if (sample !== undefined && (!Number.isInteger(sample) || sample <= 0)) throw new InvalidArgumentError(`--sample must be a positive whole number, got ${options.sample}`);
      const store = await FeatureStore.open(context.repoPath());
      try {
        const report = await store.validate({ featureViews: parseList(options.views), sample });
        context.output.out(renderValidation(report));
        if (report.rate > threshold) {
          context.output.err(`error: discrepancy rate ${report.rate} is above the threshold ${threshold}`);
          context.setExitCode(1);
        }
      } finally {
        await store.close();
      }
    });
  program
    .command("freshness")
    .description("per view: last materialized end, lag, and whether the lag exceeds the schedule interval; exit 1 if any view is stale")
    .option("--views <names>", "comma-separated feature views (default: every online view)")
    .option("--interval <duration>", "the materialization schedule, e.g. 1h (default: each view's materialization_interval tag)")
    .action(async (options: { views?: string; interval?: string }) => {
      const store = await FeatureStore.open(context.repoPath());
      try {
        const rows = await store.freshness({ featureViews: parseList(options.views), interval: options.interval });
        context.output.out(renderFreshness(rows));
        if (rows.some((r) => r.stale)) context.setExitCode(1);
      } finally {
        await store.close();
      }
    });
}
