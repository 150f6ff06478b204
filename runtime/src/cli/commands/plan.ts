import type { Command } from "commander";
import { FeatureStore } from "../../feature-store";
import { renderPlan } from "../../registry/render-plan";
import type { CliContext } from "../main";

export function registerPlan(program: Command, context: CliContext): void {
  program
    .command("plan")
    .description("show what `skewless apply` would change in the registry, without changing it")
    .option("--detailed-exitcode", "exit 0 when nothing would change, 2 when something would, 1 on error (as terraform does)")
    .addHelpText("after", "\nExample:\n  ~ update feature view user_stats: ttl 1d -> 2d")
    .action(async (options: { detailedExitcode?: boolean }) => {
      const store = await FeatureStore.open(context.repoPath());
      try {
        const plan = await store.plan();
        context.output.out(renderPlan(plan, { color: context.output.color, tense: "future" }));
        if (options.detailedExitcode && (plan.changes.length > 0 || plan.infra.changes.length > 0)) context.setExitCode(2);
      } finally {
        await store.close();
      }
    });
}
