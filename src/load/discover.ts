import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import fg from "fast-glob";
import type { Issue } from "../diagnostics/issue.js";
import { LIMITS } from "./limits.js";
import { byPath } from "../order.js";

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

const YAML_NAME = /\.ya?ml$/i;

/**
 * Every YAML file under the clusters directory (`.yaml`/`.yml`, any case, any depth), sorted by
 * path so that nothing downstream depends on the order the file system lists them in. Nothing
 * is skipped silently: a hidden file or directory (a name that starts with a dot), a link to a
 * directory (not followed) and a YAML name that is not a regular file are `skipped`, each with
 * a warning. A link to a file is read only when it leads inside the fleet's directory; one that
 * leads elsewhere is refused, before anything reads it. `.git` is never looked into.
 */
export async function discover(cwd: string, clustersDir: string): Promise<{ files: FleetFile[]; issues: Issue[]; skipped: Issue[] }> {
  const issues: Issue[] = [];
  const skipped: Issue[] = [];
  const abs = path.resolve(cwd, clustersDir);
  const shownDir = displayPath(cwd, abs);
  let info;
  try {
    info = await stat(abs);
  } catch {
    return { files: [], issues: [{ code: "file-unreadable", severity: "error", message: `clusters directory ${shownDir} does not exist`, file: shownDir }], skipped };
  }
  if (!info.isDirectory()) {
    return { files: [], issues: [{ code: "file-unreadable", severity: "error", message: `${shownDir} is not a directory`, file: shownDir }], skipped };
  }
  const root = await trustedRoot(cwd, abs);
  const fleetDir = await realpath(abs);
  // Links are not followed by the glob (fast-glob reports them as links, not files): each is
  // resolved here. A directory that cannot be listed is an error, never a silent gap.
  let found;
  try {
    found = await fg(["**"], {
      cwd: abs,
      absolute: true,
      onlyFiles: false,
      dot: true,
      ignore: ["**/.git", "**/.git/**"],
      followSymbolicLinks: false,
      suppressErrors: false,
      objectMode: true,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const file = err.path !== undefined ? displayPath(cwd, err.path) : shownDir;
    return { files: [], issues: [{ code: "file-unreadable", severity: "error", file, message: `cannot be read (${err.code ?? err.message})` }], skipped };
  }
  const entries: string[] = [];
  const hidden = new Map<string, string[]>();
  for (const e of found.sort(byPath)) {
    const segments = path.relative(abs, e.path).split(path.sep);
    if (segments.some((s) => s.toLowerCase() === ".git")) continue;
    const yamlName = YAML_NAME.test(e.name);
    const hiddenAt = segments.findIndex((s) => s.startsWith("."));
    if (hiddenAt !== -1) {
      // Named once per hidden file or directory, with the YAML files it keeps out of the fleet.
      if (!e.dirent.isDirectory() && yamlName) {
        const key = path.join(abs, ...segments.slice(0, hiddenAt + 1));
        hidden.set(key, [...(hidden.get(key) ?? []), segments.slice(hiddenAt + 1).join("/")]);
      }
      continue;
    }
    if (e.dirent.isDirectory()) continue;
    const file = displayPath(cwd, e.path);
    if (e.dirent.isFile()) {
      if (yamlName) entries.push(e.path);
      continue;
    }
    if (!e.dirent.isSymbolicLink()) {
      if (yamlName) skipped.push({ code: "file-skipped", severity: "warning", file, message: "is not a regular file (a pipe, socket or device), so it is not read" });
      continue;
    }
    const real = await realpath(e.path).catch(() => undefined);
    if (real === undefined) {
      if (yamlName) issues.push({ code: "file-unreadable", severity: "error", file, message: "is a broken symbolic link" });
      continue;
    }
    if (!isInside(root, real)) {
      issues.push({ code: "path-outside-root", severity: "error", file, message: `is a symbolic link to ${real}, outside the project; fleet files must live in it` });
      continue;
    }
    const target = await stat(real).catch(() => undefined);
    if (target?.isDirectory() === true) {
      // What it leads to inside the fleet's directory is read where it is.
      if (!isInside(fleetDir, real)) {
        skipped.push({ code: "file-skipped", severity: "warning", file, message: `is a link to a directory (${displayPath(cwd, real)}), which is not followed: the YAML files there are not part of the fleet` });
      }
      continue;
    }
    if (!yamlName) continue;
    if (!isInside(fleetDir, real) || path.relative(fleetDir, real).split(path.sep).some((s) => s.toLowerCase() === ".git")) {
      issues.push({
        code: "path-outside-root",
        severity: "error",
        file,
        message: `is a symbolic link to ${displayPath(cwd, real)}, outside the fleet's directory ${shownDir}; a fleet file that is a link must lead inside it`,
      });
      continue;
    }
    if (target?.isFile() === true) entries.push(e.path);
    else skipped.push({ code: "file-skipped", severity: "warning", file, message: "is a link to something that is not a regular file, so it is not read" });
  }
  for (const [dir, files] of hidden) {
    const file = displayPath(cwd, dir);
    const isFile = files.length === 1 && files[0] === "";
    skipped.push({
      code: "file-skipped",
      severity: "warning",
      file,
      message: isFile
        ? "is hidden (its name starts with a dot), so it is not read; rename it if it belongs to the fleet"
        : `is a hidden directory (its name starts with a dot): the ${files.length === 1 ? "YAML file" : `${files.length} YAML files`} in it (${files.length > 5 ? `${files.slice(0, 5).join(", ")}, …` : files.join(", ")}) ${files.length === 1 ? "is" : "are"} not read; rename it if ${files.length === 1 ? "it belongs" : "they belong"} to the fleet`,
    });
  }
  if (entries.length > LIMITS.files) {
    issues.push({
      code: "file-too-large",
      severity: "error",
      message: `${entries.length} fleet files found, more than the limit of ${LIMITS.files}`,
      file: shownDir,
    });
    return { files: [], issues, skipped };
  }
  const files: FleetFile[] = entries.map((entry) => ({ file: displayPath(cwd, entry), absPath: entry }));
  return { files, issues, skipped };
}
