import path from "node:path";
import { EnvironmentError } from "./issue.js";

/**
 * Failures of the machine a command runs on, by errno code, each as a person would say it. Only
 * these are environment errors (exit 74): anything else a system call throws (ENOENT, EEXIST,
 * ENOTDIR…) in the middle of a command is more likely a bug of ours, and stays exit 70.
 */
const CAUSES: Readonly<Record<string, string>> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  EBUSY: "the directory is in use (a mount point?)",
  EXDEV: "on another file system (a mount point?)",
  EMFILE: "too many open files",
  ENFILE: "too many open files in the system",
  EIO: "input/output error",
  EMLINK: "too many links",
  ENAMETOOLONG: "file name too long",
};

export interface SystemError extends Error {
  readonly code: string;
  readonly syscall?: string;
  readonly path?: string;
  readonly dest?: string;
}

/** A Node.js system error with an errno code (what `fs` throws). */
export function isSystemError(e: unknown): e is SystemError {
  return e instanceof Error && typeof (e as { code?: unknown }).code === "string" && typeof (e as { syscall?: unknown }).syscall === "string";
}

/** Is this a failure of the environment (full disk, read-only, permissions, mount point)? */
export function isEnvironmentFailure(e: unknown): e is SystemError {
  return isSystemError(e) && Object.hasOwn(CAUSES, e.code);
}

/** `no space left on the device (ENOSPC)`. */
export function causeOf(e: SystemError): string {
  return `${CAUSES[e.code] ?? e.message} (${e.code})`;
}

/** A path as the user would type it: relative to `cwd` when inside it. */
export function shownPath(cwd: string, p: string): string {
  const rel = path.relative(cwd, p);
  const shown = rel === "" ? "." : rel.startsWith("..") || path.isAbsolute(rel) ? p : rel;
  return shown.split(path.sep).join("/");
}

/**
 * `e` as an EnvironmentError saying what was being done: `cannot write X: no space left on the
 * device (ENOSPC); overlays/ is unchanged`. Anything that is not an environment failure is
 * returned as it is (a bug stays a bug).
 */
export function asEnvironmentError(e: unknown, doing: string, consequence?: string): unknown {
  if (!isEnvironmentFailure(e)) return e;
  return new EnvironmentError(`${doing}: ${causeOf(e)}${consequence === undefined ? "" : `; ${consequence}`}`);
}

/** One line for a system error that reached the top: `cannot open X: permission denied (EACCES)`. */
export function describeSystemError(e: SystemError, cwd: string): string {
  const where = e.path === undefined ? "" : ` ${shownPath(cwd, e.path)}${e.dest === undefined ? "" : ` to ${shownPath(cwd, e.dest)}`}`;
  return `cannot ${e.syscall ?? "access"}${where}: ${causeOf(e)}`;
}
