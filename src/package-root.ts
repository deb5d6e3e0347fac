import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/**
 * The package's own directory (where package.json, schemas/ and clusters/ live), found by
 * walking up from this module: the same from src/ under the test runner, from dist/ after
 * tsc, and from the bundle.
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!(existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "schemas")))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("cannot find paodin-fleet's package directory (package.json beside schemas/)");
    dir = parent;
  }
  cached = dir;
  return dir;
}
