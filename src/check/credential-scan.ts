import type { Issue } from "../diagnostics/issue.js";
import type { Overlay } from "../emit/emit.js";
import { findCredentials } from "../validate/credentials.js";

/**
 * The last line of defence before anything is written: no rendered object may hold what
 * looks like a credential in clear, whatever path it took there (a template, a
 * kubesphere.yaml base, a label). The objects are read as data, so each string is seen as
 * kubectl will read it, not as the emitter happened to quote it, and a string holding a file
 * is read as that file (src/validate/credentials.ts). Encrypted values (SOPS `ENC[…]`) and External
 * Secrets template expressions are what they should be, and pass. Sealed and SOPS documents,
 * copied through as written, are scanned as the documents they were read as.
 */
export function scanForCredentials(overlay: Overlay): Issue[] {
  const issues: Issue[] = [];
  for (const { name, planned } of overlay.entries) {
    for (const f of findCredentials(planned.object)) {
      const where = f.line === undefined ? "" : ` (line ${f.line} of the embedded text)`;
      issues.push({
        code: "plain-text-secret",
        severity: "error",
        file: `${overlay.dir}/${name}`,
        path: f.path,
        message: `the rendered file would hold ${f.what} in clear${where}; find where it comes from (the files named in its first line) and keep it in your secret store instead`,
      });
    }
  }
  return issues;
}
