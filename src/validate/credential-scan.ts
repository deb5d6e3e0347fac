import type { Issue } from "../diagnostics/issue.js";
import type { OutputFile } from "../emit/emit.js";

/**
 * The last line of defence before anything is written: no rendered file may hold what looks
 * like a credential in clear, whatever path it took there (a template, a kubesphere.yaml
 * base, a label). Encrypted values (SOPS `ENC[…]`, sealed data) and External Secrets
 * template expressions are what they should be, and pass.
 */
const PATTERNS: readonly [RegExp, string][] = [
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/, "a private key"],
];

/** Keys that hold object-store credentials in Thanos' configuration, written as `key: value`. */
const CREDENTIAL_LINE = /^\s*-?\s*"?(access_key|secret_key|secret_access_key|access_key_id|session_token|storage_account_key|access_key_secret|application_credential_secret|sas_token)"?\s*:\s*(.*)$/i;
/** A cheap first look at a whole file: most files have none of these, and are not split into lines. */
const SUSPECT = /AKIA|ASIA|PRIVATE KEY|access_key|secret_key|session_token|storage_account_key|application_credential_secret|sas_token/i;
const SAFE_VALUE = /^(?:""|''|\{\{.*\}\}|ENC\[.*\]|)$/;

export function scanForCredentials(files: readonly OutputFile[]): Issue[] {
  const issues: Issue[] = [];
  for (const f of files) {
    if (!SUSPECT.test(f.content)) continue;
    const lines = f.content.split("\n");
    lines.forEach((line, i) => {
      const found = PATTERNS.find(([re]) => re.test(line))?.[1] ?? credentialLine(line);
      if (found !== undefined) {
        issues.push({
          code: "plain-text-secret",
          severity: "error",
          file: f.path,
          line: i + 1,
          col: 1,
          message: `the rendered file would hold ${found} in clear; find where it comes from (the files named in its first line) and keep it in your secret store instead`,
        });
      }
    });
  }
  return issues;
}

function credentialLine(line: string): string | undefined {
  const m = CREDENTIAL_LINE.exec(line);
  if (m === null) return undefined;
  const value = m[2]!.trim();
  return SAFE_VALUE.test(value) ? undefined : `a value for ${m[1]}`;
}
