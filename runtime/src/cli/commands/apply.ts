import type { Command } from "commander";
import { FeatureStore } from "../../feature-store";
import { renderPlan } from "../../registry/render-plan";
import type { CliContext } from "../main";

export function registerApply(program: Command, context: CliContext): void {
  program
    .command("apply")
    .description("make the registry match the repo's definitions (creates, updates, and deletes what this CLI created earlier)")
    .action(async () => {
      const store = await FeatureStore.open(context.repoPath());
      try {
        const plan = await store.apply();
        context.output.out(renderPlan(plan, { color: context.output.color }));
        if (plan.changes.length || plan.infra.changes.length) context.output.out(`Applied to ${store.config.registry.path}.`);
      } finally {
        await store.close();
      }
    });
}
