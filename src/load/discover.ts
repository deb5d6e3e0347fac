import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import fg from "fast-glob";
import type { Issue } from "../diagnostics/issue.js";
import { LIMITS } from "./limits.js";

export interface FleetFile {
  /** As shown to the user: relative to the working directory, `/`-separated. */
  readonly file: string;
  readonly absPath: string;
}

/** Paths are shown relative to the working directory when inside it, so messages match what users type. */
export function displayPath(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  const shown = rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? abs : rel;
  return shown.split(path.sep).join("/");
}

/**
 * The directory files may live in: the working directory (the project) when the
 * clusters directory is inside it, else the clusters directory itself.
 */
export async function trustedRoot(cwd: string, clustersDir: string): Promise<string> {
  const realCwd = await realpath(cwd);
  const realDir = await realpath(clustersDir);
  return isInside(realCwd, realDir) ? realCwd : realDir;
}

export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/**
 * Every `*.yaml`/`*.yml` under the clusters directory, sorted by path so that nothing
 * downstream depends on the order the file system lists them in. Links leading outside
 * the project are refused.
 */
export async function discover(cwd: string, clustersDir: string): Promise<{ files: FleetFile[]; issues: Issue[] }> {
  const issues: Issue[] = [];
  const abs = path.resolve(cwd, clustersDir);
  const shownDir = displayPath(cwd, abs);
  let info;
  try {
    info = await stat(abs);
  } catch {
    return { files: [], issues: [{ code: "file-unreadable", severity: "error", message: `clusters directory ${shownDir} does not exist`, file: shownDir }] };
  }
  if (!info.isDirectory()) {
    return { files: [], issues: [{ code: "file-unreadable", severity: "error", message: `${shownDir} is not a directory`, file: shownDir }] };
  }
  const root = await trustedRoot(cwd, abs);
  // Links are not followed by the glob (fast-glob reports them as links, not files): each
  // is resolved here. One that leads out of the project is refused; a link to a YAML file
  // inside it is read; a link to a directory is not followed.
  const found = await fg(["**"], {
    cwd: abs,
    absolute: true,
    onlyFiles: false,
    dot: false,
    followSymbolicLinks: false,
    suppressErrors: true,
    objectMode: true,
  });
  const isYaml = (p: string): boolean => /\.ya?ml$/.test(p);
  const entries: string[] = [];
  for (const e of found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (e.dirent.isFile()) {
      if (isYaml(e.path)) entries.push(e.path);
      continue;
    }
    if (!e.dirent.isSymbolicLink()) continue;
    const file = displayPath(cwd, e.path);
    const real = await realpath(e.path).catch(() => undefined);
    if (real === undefined) {
      if (isYaml(e.path)) issues.push({ code: "file-unreadable", severity: "error", file, message: "is a broken symbolic link" });
    } else if (!isInside(root, real)) {
      issues.push({ code: "path-outside-root", severity: "error", file, message: `is a symbolic link to ${real}, outside the project; fleet files must live in it` });
    } else if (isYaml(e.path) && (await stat(real)).isFile()) {
      entries.push(e.path);
    }
  }
  if (entries.length > LIMITS.files) {
    issues.push({
      code: "file-too-large",
      severity: "error",
      message: `${entries.length} fleet files found, more than the limit of ${LIMITS.files}`,
      file: shownDir,
    });
    return { files: [], issues };
  }
  const files: FleetFile[] = entries.map((entry) => ({ file: displayPath(cwd, entry), absPath: entry }));
  return { files, issues };
}
