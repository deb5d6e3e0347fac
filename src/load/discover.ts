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
 * downstream depends on the order the file system lists them in. Files that are links
 * leading outside the project are refused.
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
  const found = await fg(["**/*.yaml", "**/*.yml"], {
    cwd: abs,
    absolute: true,
    onlyFiles: true,
    dot: false,
    followSymbolicLinks: false,
    suppressErrors: true,
    objectMode: true,
  });
  const links = new Set(found.filter((e) => e.dirent.isSymbolicLink()).map((e) => e.path));
  const entries = found.map((e) => e.path).sort();
  if (entries.length > LIMITS.files) {
    issues.push({
      code: "file-too-large",
      severity: "error",
      message: `${entries.length} fleet files found, more than the limit of ${LIMITS.files}`,
      file: shownDir,
    });
    return { files: [], issues };
  }
  const files: FleetFile[] = [];
  for (const entry of entries) {
    const file = displayPath(cwd, entry);
    if (!links.has(entry)) {
      files.push({ file, absPath: entry });
      continue;
    }
    let real: string;
    try {
      real = await realpath(entry);
    } catch {
      issues.push({ code: "file-unreadable", severity: "error", message: "is a broken symbolic link", file });
      continue;
    }
    if (!isInside(root, real)) {
      issues.push({
        code: "path-outside-root",
        severity: "error",
        message: `is a symbolic link to ${real}, outside ${displayPath(cwd, root) || "."}; fleet files must live in the project`,
        file,
      });
      continue;
    }
    files.push({ file, absPath: entry });
  }
  return { files, issues };
}
