import type { DocPath, Issue } from "./issue.js";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `spec.central.ingestors[0].name`; keys that are not plain names are quoted: `labels["a.b/c"]`. */
export function formatPath(path: DocPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export interface Style {
  error(s: string): string;
  warning(s: string): string;
  dim(s: string): string;
}

export const plain: Style = { error: (s) => s, warning: (s) => s, dim: (s) => s };

export const ansi: Style = {
  error: (s) => `\x1b[31m${s}\x1b[39m`,
  warning: (s) => `\x1b[33m${s}\x1b[39m`,
  dim: (s) => `\x1b[2m${s}\x1b[22m`,
};

/** `clusters/eu-1.yaml:12:7 spec.role: must be "host" or "member"` (warnings say so). */
export function formatIssue(issue: Issue, style: Style = plain): string {
  let where = issue.file ?? "";
  if (issue.file !== undefined && issue.line !== undefined) where += `:${issue.line}:${issue.col ?? 1}`;
  const path = issue.path !== undefined && issue.path.length > 0 ? formatPath(issue.path) : "";
  const head = [where, path === "" ? "" : `${path}:`].filter((s) => s !== "").join(" ");
  const tag = issue.severity === "warning" ? `${style.warning("warning")} ` : "";
  return head === "" ? `${tag}${issue.message}` : `${style.dim(head)} ${tag}${issue.message}`;
}

export function toJSON(issue: Issue): Record<string, unknown> {
  return {
    severity: issue.severity,
    code: issue.code,
    file: issue.file ?? null,
    line: issue.line ?? null,
    col: issue.col ?? null,
    path: issue.path === undefined ? null : formatPath(issue.path),
    message: issue.message,
  };
}

/**
 * A library's error message (the `yaml` package's, Handlebars') as one line of an issue: its
 * first line, without the ` at line L, column C` the `yaml` package appends (the issue carries
 * the position itself).
 */
export function firstLine(message: string): string {
  const line = message.split("\n", 1)[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, "").trim();
}
