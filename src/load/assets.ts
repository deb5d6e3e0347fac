import { readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import type { Issue } from "../diagnostics/issue.js";
import { displayPath, isInside } from "./discover.js";
import { LIMITS } from "./limits.js";
import { decodeText } from "./parse.js";
import { byPath } from "../order.js";

/** A file the fleet points to (a kubesphere.yaml base, a sealed or SOPS Secret), read between resolve and plan. */
export interface Asset {
  /** Absolute path. */
  readonly path: string;
  /** As shown to the user. */
  readonly display: string;
  /** Where it was named, for messages about its content. */
  readonly namedAt: { readonly file: string; readonly line: number; readonly col: number; readonly path: readonly (string | number)[] };
}

/** Does the path go through a directory named `.git` (git's own files, whatever the case)? */
function throughGit(p: string): boolean {
  return p.split(/[\\/]/).some((s) => s.toLowerCase() === ".git");
}

/**
 * The files the fleet names (kubesphere.yaml base, sealed or SOPS Secret), read once each, kept
 * inside the project and out of `.git`. Messages name the file, never its content: it is not a
 * fleet document.
 */
export async function readAssets(assets: readonly Asset[], root: string, cwd: string): Promise<{ texts: Map<string, string>; issues: Issue[] }> {
  const texts = new Map<string, string>();
  const issues: Issue[] = [];
  const at = (a: Asset, message: string): Issue => ({ code: "invalid-asset", severity: "error", ...a.namedAt, message });
  for (const a of uniqueByPath(assets)) {
    if (throughGit(path.relative(root, path.resolve(a.path)))) {
      issues.push(at(a, `${a.display} is inside .git, git's own directory; files the fleet names must live outside it`));
      continue;
    }
    let real: string;
    try {
      real = await realpath(a.path);
      if (!(await stat(real)).isFile()) {
        issues.push(at(a, `${a.display} is not a file`));
        continue;
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      issues.push(at(a, code === "ENOENT" || code === "ENOTDIR" ? `${a.display} does not exist` : `${a.display} cannot be read (${code ?? "unreadable"})`));
      continue;
    }
    if (!isInside(root, real)) {
      issues.push(at(a, `${a.display} leads to ${displayPath(cwd, real)}, outside the project; files the fleet names must live in it`));
      continue;
    }
    if (throughGit(path.relative(root, real))) {
      issues.push(at(a, `${a.display} leads to ${displayPath(cwd, real)}, inside .git, git's own directory; files the fleet names must live outside it`));
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(real);
    } catch (e) {
      issues.push(at(a, `${a.display} cannot be read (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`));
      continue;
    }
    if (bytes.length > LIMITS.assetBytes) {
      issues.push(at(a, `${a.display} is ${bytes.length} bytes, more than the limit of ${LIMITS.assetBytes}`));
      continue;
    }
    const decoded = decodeText(a.display, bytes);
    if ("issue" in decoded) issues.push(at(a, `${a.display} ${decoded.issue.message}`));
    else texts.set(a.path, decoded.text);
  }
  return { texts, issues };
}

function uniqueByPath(assets: readonly Asset[]): Asset[] {
  const seen = new Map<string, Asset>();
  for (const a of assets) if (!seen.has(a.path)) seen.set(a.path, a);
  return [...seen.values()].sort(byPath);
}
