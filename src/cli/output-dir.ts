import { realpath } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../diagnostics/issue.js";
import { isInside } from "../load/discover.js";

/** The nearest existing ancestor's real path, for directories that do not exist yet. */
async function realish(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    const parent = path.dirname(p);
    return parent === p ? p : path.join(await realish(parent), path.basename(p));
  }
}

/**
 * A render replaces the output directory wholesale, so it must not be the project itself,
 * the fleet's directory (or contain it), or lie outside the project unless the user says so.
 */
export async function checkOutputDir(cwd: string, outDir: string, clustersDir: string, allowOutside: boolean): Promise<void> {
  const out = await realish(path.resolve(cwd, outDir));
  const project = await realish(cwd);
  const clusters = await realish(path.resolve(cwd, clustersDir));
  if (out === project) throw new UsageError(`--out ${outDir} is the project directory itself; render into a directory of its own, such as overlays`);
  if (isInside(out, clusters)) throw new UsageError(`--out ${outDir} contains the fleet (${clustersDir}); render into a directory of its own, such as overlays`);
  if (isInside(clusters, out)) throw new UsageError(`--out ${outDir} is inside the fleet's directory ${clustersDir}`);
  if (!isInside(project, out) && !allowOutside) {
    throw new UsageError(`--out ${outDir} is outside the project (${cwd}); add --allow-outside if you mean it`);
  }
}
