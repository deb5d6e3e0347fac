// Loaded by vitest.stryker.config.ts only. Stryker runs each test many times (the dry run, then
// once per mutant that the test covers) and compares the outcomes: a property test that draws new
// cases on every run could fail or pass by chance, and its floors (how many cases render, how many
// the fast reader reads) with it. A fixed seed gives every run the same cases; PROPERTY_SEED
// picks another. `npm test` keeps drawing new cases.
import fc from "fast-check";

fc.configureGlobal({ seed: Number(process.env.PROPERTY_SEED ?? 20261202) });

// The CLI loads its commands (and through them the pipeline) lazily, on first use. Loaded by
// the first test that runs a command, their module-level code (constants, tables, regular
// expressions) would count as covered by that test alone, and a mutant there would be tried
// against that test only. Loaded here, before any test, that code is "static": its mutants are
// tried against every selected test.
await import("../../src/cli/commands/init.js");
await import("../../src/cli/commands/render.js");
await import("../../src/cli/commands/validate.js");
await import("../../src/cli/commands/diff.js");
await import("../../src/cli/commands/schemas.js");
