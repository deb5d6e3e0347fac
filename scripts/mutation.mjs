#!/usr/bin/env node
// `npm run mutation:module -- <group> [<group>...]`: StrykerJS over one group of modules with the
// tests of their guarantees (README, Development, "Mutation testing"). Each group keeps its own
// sandbox, reports and incremental file under reports/mutation/<group>/, so that two groups can
// run side by side and a rerun after new tests re-runs only the mutants whose code or tests
// changed. Without a group: the list of groups. `npm run mutation` is the whole run.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Module groups: what is mutated, and which test files (under test/) can kill its mutants. */
const GROUPS = {
  "simple-yaml": { mutate: ["src/load/simple-yaml.ts"], tests: ["simple-yaml", "yaml-markers", "fleet-input", "lazy-positions", "corpus"] },
  parse: { mutate: ["src/load/parse.ts", "src/load/limits.ts"], tests: ["fleet-text", "fleet-input", "yaml-markers", "lazy-positions", "corpus", "schemas-import-rules"] },
  templates: { mutate: ["src/resolve/templates.ts"], tests: ["templates", "template-lockdown", "corpus"] },
  "emit-yaml": { mutate: ["src/emit/yaml.ts"], tests: ["yaml", "emit-strings"] },
  "emit-files": { mutate: ["src/emit/emit.ts"], tests: ["emit-files", "owned-output", "render"] },
  validate: {
    mutate: ["src/validate/ajv.ts", "src/validate/ajv-issues.ts", "src/validate/documents.ts", "src/validate/fleet.ts", "src/validate/formats.ts", "src/validate/plain-secrets.ts", "src/validate/validators.ts"],
    tests: ["validation-messages", "fleet-rules", "fleet-input", "crd-schemas"],
  },
  credentials: { mutate: ["src/validate/credentials.ts", "src/check/credential-scan.ts"], tests: ["hostile", "mutation-kills", "credential-lines"] },
  "schemas-import": { mutate: ["src/schemas/import.ts"], tests: ["schemas-import", "schemas-import-rules"] },
  tree: { mutate: ["src/output/tree.ts", "src/output/comments.ts"], tests: ["tree-compare", "render", "owned-output", "json-output", "exit-codes", "diff-review", "diff"] },
  "diff-format": { mutate: ["src/output/diff-format.ts", "src/output/diff-group.ts"], tests: ["diff-review", "diff", "diff-objects", "diff-format-rules"] },
  "diff-model": { mutate: ["src/output/diff.ts", "src/output/diff-objects.ts"], tests: ["diff-objects", "diff-review", "diff-model"] },
  // faults.ts is the suite's fault injection (PAODIN_FLEET_FAULTS), never active outside tests:
  // a tool of the tests, not a guarantee of the output stage.
  write: {
    mutate: ["src/output/session.ts", "src/output/workdir.ts", "src/output/write.ts", "src/output/open.ts"],
    tests: ["render", "owned-output", "tree-compare", "json-output", "exit-codes", "diff", "output-stage", "output-races"],
  },
  git: { mutate: ["src/output/git.ts"], tests: ["diff", "diff-review", "cli-behaviour", "output-stage"] },
  // launch.ts is the bin's loader of the built bundle: it runs only as a process of its own from
  // dist/, which the sandbox does not rebuild (bin.test.ts and package.test.ts pin it).
  cli: { mutate: ["src/cli/**/*.ts", "!src/cli/launch.ts"], tests: ["exit-codes", "json-output", "init", "progress", "render", "owned-output", "cli-behaviour", "schemas-command"] },
  check: { mutate: ["src/check/crd-rules.ts", "src/check/crd-values.ts", "src/check/output.ts", "src/check/output-models.ts"], tests: ["crd-rules", "crd-values", "mutation-kills", "output-validation", "upstream-schemas"] },
  // Go's regexp, run, is the oracle (test/goregexp).
  re2: { mutate: ["src/check/re2.ts"], tests: ["crd-patterns"] },
  assets: { mutate: ["src/resolve/assets.ts"], tests: ["assets", "hostile", "fleet-files", "corpus"] },
};

/** For test/mutation-groups.test.ts: `--groups` prints them as JSON. */
if (process.argv[2] === "--groups") {
  process.stdout.write(JSON.stringify(GROUPS));
  process.exit(0);
}

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const [, , ...args] = process.argv;
const concurrency = process.env.STRYKER_CONCURRENCY ?? "1";

if (args.length === 0 || args.some((a) => !(a in GROUPS))) {
  const unknown = args.filter((a) => !(a in GROUPS));
  if (unknown.length > 0) console.error(`unknown group: ${unknown.join(", ")}`);
  console.error("usage: npm run mutation:module -- <group> [<group>...]   (STRYKER_CONCURRENCY, default 1)\ngroups:");
  for (const [name, g] of Object.entries(GROUPS)) console.error(`  ${name.padEnd(15)} ${g.mutate.join(", ")}`);
  process.exit(args.length === 0 ? 0 : 64);
}

const base = JSON.parse(readFileSync(path.join(root, "stryker.config.json"), "utf8"));
let failed = false;
for (const name of args) {
  const group = GROUPS[name];
  const dir = path.join(root, "reports", "mutation", name);
  mkdirSync(dir, { recursive: true });
  const { $schema: _, ...rest } = base;
  const config = {
    ...rest,
    mutate: group.mutate,
    tempDirName: `.stryker-tmp-${name}`,
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: path.join(dir, "mutation.html") },
    jsonReporter: { fileName: path.join(dir, "mutation.json") },
    incremental: true,
    incrementalFile: path.join(dir, "incremental.json"),
    // An infinite loop is caught sooner than the whole run's default allows.
    timeoutMS: 15000,
  };
  const configFile = path.join(dir, "stryker.config.json");
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  const started = Date.now();
  const r = spawnSync("npx", ["stryker", "run", configFile, "--concurrency", concurrency], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, STRYKER_TESTS: group.tests.map((t) => `test/${t}.test.ts`).join(",") },
  });
  console.log(`${name}: ${Math.round((Date.now() - started) / 1000)} s, report ${path.relative(root, dir)}/mutation.html`);
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
