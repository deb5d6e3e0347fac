/**
 * Starts the bundled CLI (dist/paodin-fleet.cjs, made by scripts/bundle.mjs) from V8's code
 * cache. A user runs the CLI as a new process every time, and compiling the 3 MB bundle was the
 * largest part of start-up: the cache, written by the build after a render of the example
 * fleet, holds the bytecode of every function that render ran. A cache V8 does not accept (another
 * Node.js, other V8 flags, a rebuilt bundle) is ignored and the bundle compiled from source.
 *
 * This is the one module the bin loads; it uses Node.js alone.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

export const BUNDLE = fileURLToPath(new URL("../paodin-fleet.cjs", import.meta.url));
export const CODE_CACHE = `${BUNDLE}.v8-cache`;
/**
 * The bundle's name in stack traces: the same wherever the package is, since V8's code cache
 * keeps the name the build compiled it under (a path on the machine that packed the package),
 * and a cached script reports that one, not the name it is given later.
 */
export const SCRIPT_NAME = "paodin-fleet/dist/paodin-fleet.cjs";

type CommonJsWrapper = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;

/** Runs the CLI on `process.argv`; with `writeCodeCache`, saves V8's cache of it when the process exits. */
export function launch(options: { writeCodeCache?: boolean } = {}): void {
  // The build makes the bundle ASCII only: Latin-1 reads it as UTF-8 would, without decoding.
  const source = readFileSync(BUNDLE, "latin1");
  let cachedData: Buffer | undefined;
  try {
    cachedData = options.writeCodeCache === true ? undefined : readFileSync(CODE_CACHE);
  } catch {
    // No cache (a build that did not finish): compile from source.
  }
  // Node.js's own CommonJS wrapper, so the bundle sees require, module and __filename as usual.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: SCRIPT_NAME, cachedData });
  const run = script.runInThisContext() as CommonJsWrapper;
  const module = { exports: {} };
  run.call(module.exports, module.exports, createRequire(BUNDLE), module, BUNDLE, path.dirname(BUNDLE));
  if (options.writeCodeCache === true) process.once("exit", () => writeFileSync(CODE_CACHE, script.createCachedData()));
}
