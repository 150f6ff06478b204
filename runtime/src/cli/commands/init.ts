import * as path from "node:path";
import type { Command } from "commander";
import { scaffoldCreditScoring } from "../../demo/credit-scoring";
import { InvalidArgumentError } from "../../errors";
import type { CliContext } from "../main";

export function registerInit(program: Command, context: CliContext): void {
  program
    .command("init")
    .argument("[dir]", "folder to create (relative to -C DIR)", "feature_repo")
    .description("create a working demo feature repo: credit scoring, with generated hourly parquet history")
    .option("--users <n>", "users to generate history for", "2000")
    .option("--days <n>", "days of hourly history, ending now", "7")
    .option("--force", "write into a folder that already has files")
    .action(async (dir: string, options: { users: string; days: string; force?: boolean }) => {
      const users = positiveInteger(options.users, "--users");
      const days = positiveInteger(options.days, "--days");
      const target = path.resolve(context.repoPath(), dir);
      context.output.out(`Creating a feature repo in ${target} (${users} users, ${days} days of hourly history)...`);
      const result = await scaffoldCreditScoring(target, { users, days, force: options.force });
      for (const file of result.files) {
        const rows = result.rows[path.basename(file)];
        context.output.out(`  created ${file}${rows !== undefined ? ` (${rows.toLocaleString("en-US")} rows)` : ""}`);
      }
      context.output.out(`\nProject ${result.project} is ready. Next:\n  cd ${path.relative(process.cwd(), target) || "."}\n  skewless plan\n  skewless apply`);
    });
}

function positiveInteger(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive whole number, got ${JSON.stringify(value)}`);
  return n;
}
