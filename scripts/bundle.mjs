// Bundles the CLI into one file (dist/paodin-fleet.mjs) for the bin: a user starts a new
// process on every run, and loading one file instead of hundreds of modules is most of
// what start-up costs. `tsc` still builds dist/ for type-checking and the dev scripts.
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/bin.ts"],
  outfile: "dist/paodin-fleet.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Only `paodin-fleet schemas` needs the type generator (and prettier inside it).
  external: ["json-schema-to-typescript"],
  // Bundled CommonJS dependencies call require(); give the ES module one.
  banner: { js: 'import { createRequire as __paodinCreateRequire } from "node:module"; const require = __paodinCreateRequire(import.meta.url);' },
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
});
