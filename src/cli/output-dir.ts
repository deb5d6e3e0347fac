import { lstat, readlink, realpath, stat } from "node:fs/promises";
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
 * Where a path leads: links followed, also a link whose target does not exist yet (a linked
 * output directory is written through, never replaced by a directory of its own).
 */
async function resolveLinks(p: string, shown: string, depth = 0): Promise<string> {
  const parent = await realish(path.dirname(p));
  const here = path.join(parent, path.basename(p));
  let isLink = false;
  try {
    isLink = (await lstat(here)).isSymbolicLink();
  } catch {
    return here;
  }
  if (!isLink) return here;
  if (depth > 32) throw new UsageError(`--out ${shown} leads through too many levels of symbolic links (a loop?)`);
  return resolveLinks(path.resolve(parent, await readlink(here)), shown, depth + 1);
}

/** Does the path go through a directory named `.git` (git's own files, whatever the case)? */
export function insideGit(p: string): boolean {
  return p.split(/[\\/]/).some((s) => s.toLowerCase() === ".git");
}

/**
 * A render replaces the output directory wholesale, so it must not be the project itself,
 * the fleet's directory (or contain it), lie inside `.git`, or lie outside the project unless
 * the user says so. Returns the directory to write: links resolved, so that a linked output
 * directory is written through.
 */
export async function checkOutputDir(cwd: string, outDir: string, clustersDir: string, allowOutside: boolean): Promise<string> {
  const out = await resolveLinks(path.resolve(cwd, outDir), outDir);
  const project = await realish(cwd);
  const clusters = await realish(path.resolve(cwd, clustersDir));
  if (out === project) throw new UsageError(`--out ${outDir} is the project directory itself; render into a directory of its own, such as overlays`);
  if (isInside(out, clusters)) throw new UsageError(`--out ${outDir} contains the fleet (${clustersDir}); render into a directory of its own, such as overlays`);
  if (isInside(clusters, out)) throw new UsageError(`--out ${outDir} is inside the fleet's directory ${clustersDir}`);
  if (insideGit(path.relative(path.parse(out).root, out))) throw new UsageError(`--out ${outDir} is inside .git, git's own directory; render into a directory of its own, such as overlays`);
  if (!isInside(project, out) && !allowOutside) {
    throw new UsageError(`--out ${outDir} is outside the project (${cwd}); add --allow-outside if you mean it`);
  }
  await mustBeDirectory(out, outDir);
  return out;
}

/** The output directory `diff` reads: as for a render, absent (nothing rendered yet) or a directory, links followed. */
export async function checkOutputToRead(cwd: string, outDir: string): Promise<void> {
  await mustBeDirectory(await resolveLinks(path.resolve(cwd, outDir), outDir), outDir);
}

async function mustBeDirectory(out: string, shown: string): Promise<void> {
  const info = await stat(out).catch(() => undefined);
  if (info !== undefined && !info.isDirectory()) throw new UsageError(`--out ${shown} is not a directory`);
}
