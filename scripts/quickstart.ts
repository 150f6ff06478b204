// npm run quickstart [dir]: a feature repo from scratch to a point-in-time correct training set.
import { runQuickstart } from "@skewless/runtime/internal";

runQuickstart({ dir: process.argv[2] }).then(
  (context) => console.log(`\nDone. The feature repo is in ${context.repoPath}`),
  (error: unknown) => {
    console.error(error instanceof Error && "describe" in error ? (error as { describe(): string }).describe() : error);
    process.exit(1);
  },
);
