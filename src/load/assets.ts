import { readFile, realpath, stat } from "node:fs/promises";
import type { Issue } from "../diagnostics/issue.js";
import type { Asset } from "../resolve/model.js";
import { displayPath, isInside } from "./discover.js";
import { LIMITS } from "./limits.js";
import { decodeText } from "./parse.js";

/** The files the fleet names (kubesphere.yaml base, sealed or SOPS Secret), read once each, kept inside the project. */
export async function readAssets(assets: readonly Asset[], root: string, cwd: string): Promise<{ texts: Map<string, string>; issues: Issue[] }> {
  const texts = new Map<string, string>();
  const issues: Issue[] = [];
  const at = (a: Asset, message: string): Issue => ({ code: "invalid-asset", severity: "error", ...a.namedAt, message });
  for (const a of uniqueByPath(assets)) {
    let real: string;
    try {
      real = await realpath(a.path);
      if (!(await stat(real)).isFile()) {
        issues.push(at(a, `${a.display} is not a file`));
        continue;
      }
    } catch {
      issues.push(at(a, `${a.display} does not exist`));
      continue;
    }
    if (!isInside(root, real)) {
      issues.push(at(a, `${a.display} leads to ${displayPath(cwd, real)}, outside the project; files the fleet names must live in it`));
      continue;
    }
    const bytes = await readFile(real);
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
  return [...seen.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}
