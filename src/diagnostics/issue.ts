import { byCodeUnits } from "../order.js";

/**
 * One type for everything a user can get wrong: where (file, line, column, path
 * inside the document), what (a code from a closed union) and a message written
 * for a person. Stages collect issues and return them; only the CLI prints.
 */

export type IssueCode =
  // load
  | "file-unreadable"
  | "file-not-text"
  | "file-too-large"
  | "file-empty"
  | "file-skipped"
  | "path-outside-root"
  | "yaml-syntax"
  | "yaml-aliases"
  | "yaml-too-many-documents"
  | "yaml-too-deep"
  | "forbidden-key"
  // validate
  | "unknown-api-version"
  | "unknown-kind"
  | "schema"
  | "unknown-field"
  | "missing-field"
  | "missing-fleet"
  | "duplicate-fleet"
  | "missing-host"
  | "duplicate-host"
  | "duplicate-cluster"
  | "invalid-name"
  | "plain-text-secret"
  // resolve
  | "template-syntax"
  | "template-unknown-variable"
  | "template-forbidden"
  | "template-too-large"
  | "required-setting"
  | "invalid-value"
  | "unpinned-image"
  | "invalid-asset"
  | "operator-defect"
  | "unused-setting"
  | "side-effect"
  // output
  | "output-not-ours"
  // schemas import
  | "not-a-crd"
  | "crd-no-schema"
  | "crd-unsupported"
  | "duplicate-schema";

export type Severity = "error" | "warning";

/** A path inside a YAML document, as keys and array indexes. */
export type DocPath = readonly (string | number)[];

export interface Issue {
  readonly code: IssueCode;
  readonly severity: Severity;
  readonly message: string;
  /** Path of the input file as the user named it (relative to the working directory). */
  readonly file?: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly col?: number;
  readonly path?: DocPath;
}

export type Result<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: readonly Issue[] }
  | { readonly ok: false; readonly issues: readonly Issue[] };

/** Splits a list of issues into a result: errors fail it, warnings ride along. */
export function resultOf<T>(value: T, issues: readonly Issue[]): Result<T> {
  const errors = issues.filter((i) => i.severity === "error");
  if (errors.length > 0) return { ok: false, issues: sortIssues(issues) };
  return { ok: true, value, warnings: sortIssues(issues) };
}

/** Stable order: by file, line, column, then message, so output never depends on discovery order. */
export function sortIssues(issues: readonly Issue[]): Issue[] {
  const seen = new Set<string>();
  const unique: Issue[] = [];
  for (const issue of issues) {
    const key = `${issue.file ?? ""}\0${issue.line ?? 0}\0${issue.col ?? 0}\0${issue.code}\0${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(issue);
  }
  return unique.sort(
    (a, b) =>
      byCodeUnits(a.file ?? "", b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0) ||
      byCodeUnits(a.message, b.message),
  );
}

/** The fleet is invalid: exit 1 with every issue printed. */
export class FleetError extends Error {
  readonly issues: readonly Issue[];
  /** What was written all the same, said in place of "nothing was written" (init's files, before its render failed). */
  readonly written: string | undefined;
  constructor(issues: readonly Issue[], written?: string) {
    super(`${issues.length} problem(s) in the fleet`);
    this.name = "FleetError";
    this.issues = issues;
    this.written = written;
  }
}

/** The command line is wrong: exit 64. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * The environment failed the command, not the fleet and not paodin-fleet: a full disk, a
 * read-only or unwritable directory, a mount point where a directory must be replaced, a lock
 * another render holds for too long. Exit 74 with this one line (it names the path and the
 * cause), never a stack trace.
 */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvironmentError";
  }
}

/**
 * A bug in paodin-fleet: exit 70, the only case where a stack trace is printed.
 * `detail` carries data worth pasting into a bug report.
 */
export class InternalError extends Error {
  /** What failed, shown right after the message. */
  readonly detail: string;
  constructor(message: string, detail: string) {
    super(message);
    this.name = "InternalError";
    this.detail = detail;
  }
}
