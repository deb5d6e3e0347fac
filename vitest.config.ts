import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // CLI tests spawn real processes and kubectl; keep the suite well inside CI time.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
