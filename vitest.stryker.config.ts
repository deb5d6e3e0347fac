// The vitest configuration StrykerJS uses (stryker.config.json, `npm run mutation`); `npm test`
// uses vitest.config.ts. Stryker runs the suite in a sandbox copy of the project, one test file
// at a time in a worker thread, once per mutant, so it leaves out the tests that cannot kill a
// mutant of `src/` or cannot run there:
// - test/bin.test.ts runs the built bundle (dist/), not the mutated sources;
// - test/faults.test.ts kills render processes at random points and counts what it sees: timing
//   dependent, and it spawns the built CLI;
// - test/diff-scale-5000.test.ts is a scale test (minutes per run); test/diff-scale.test.ts
//   covers the same code at a size that fits;
// - test/environment.test.ts makes directories read-only and unwritable as an unprivileged
//   user: it fails in the sandbox's worker thread (one case, 2026-12-02);
// - test/diff-scale.test.ts renders and diffs a fleet of 1,000 members in its setup, which every
//   mutant it covers (nearly all of them) would pay for; test/diff-review.test.ts and
//   test/diff.test.ts pin the same guarantees (the comment limit, splitting, nothing dropped) at a
//   size that runs in seconds.
// Property tests run with a fixed seed here (test/helpers/stryker-setup.ts), so that every run
// meets the same cases: test/property.test.ts was left out once for a floor that failed by
// chance in the dry run (its floors are fractions of the runs now, and the seed fixes them).
//
// STRYKER_TESTS (comma-separated files or globs) narrows the run to the tests of one module's
// guarantees. Stryker runs every test for a "static" mutant (one in code that runs when the module
// loads: the regular expressions and tables at the top of src/load/simple-yaml.ts or
// src/emit/yaml.ts), which on the whole suite is about a minute per mutant; README, Development,
// "Mutation testing", lists the selection used for each module.
import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.js";

const selected = process.env.STRYKER_TESTS?.split(",").map((s) => s.trim()).filter((s) => s !== "");

const config = mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: ["test/bin.test.ts", "test/faults.test.ts", "test/diff-scale-5000.test.ts", "test/diff-scale.test.ts", "test/environment.test.ts", "**/node_modules/**"],
      setupFiles: ["test/helpers/stryker-setup.ts"],
    },
  }),
);
// Replaced, not merged (mergeConfig concatenates lists).
if (selected !== undefined && selected.length > 0) config.test!.include = selected;

export default config;
