import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Suites start real servers and child processes; keep them apart and give them time.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
