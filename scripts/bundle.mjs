// Bundles the CLI into one CommonJS file (dist/paodin-fleet.cjs) for the bin, then writes V8's
// code cache of it (see src/cli/launch.ts): a user starts a new process on every run, and
// loading and compiling one cached file instead of hundreds of modules is most of what
// start-up costs. `tsc` still builds dist/ for type-checking, the launcher and the dev scripts.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/bin.ts"],
  outfile: "dist/paodin-fleet.cjs",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // Only `paodin-fleet schemas` needs the type generator (and prettier inside it).
  external: ["json-schema-to-typescript"],
  // CommonJS has no import.meta; the modules that locate files from it get the bundle's URL.
  define: { "import.meta.url": "__paodinBundleUrl" },
  banner: { js: 'var __paodinBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  sourcemap: true,
  legalComments: "none",
  // ASCII only (esbuild escapes the rest), so that the launcher can read it as Latin-1, which is
  // faster than decoding UTF-8; checked below.
  charset: "ascii",
  logLevel: "warning",
});

if (/[^\x00-\x7f]/.test(readFileSync("dist/paodin-fleet.cjs", "utf8"))) {
  throw new Error("dist/paodin-fleet.cjs holds a character outside ASCII (in a comment or a regular expression that esbuild leaves as written): write it as an escape");
}

// The cache holds the functions a run compiled: render the example fleet (validation, planning,
// output validation, writing) into a scratch directory, in a process of its own. A fleet that
// does not render still leaves a cache of what ran, and must not fail the build.
const scratch = "dist/.code-cache-render";
rmSync(scratch, { recursive: true, force: true });
const run = spawnSync(process.execPath, ["scripts/code-cache-run.mjs", "render", "--out", scratch], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
rmSync(scratch, { recursive: true, force: true });
if (run.status !== 0) process.stderr.write(`bundle: the example render for the code cache exited ${run.status}; the cache holds what it ran.\n${run.stderr ?? ""}`);
