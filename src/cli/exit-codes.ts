/**
 * Every exit code paodin-fleet returns, in one table: commands hand one of these to main,
 * which alone exits. The help text and the README list the same codes.
 */
export const EXIT = {
  ok: 0,
  /** The fleet is invalid (or `init` finds files in its way): nothing was written. */
  invalid: 1,
  /** `render --check`, `schemas --check`: the output is stale; `diff --exit-code`: there are changes. */
  drift: 2,
  usage: 64,
  internal: 70,
  /** The machine: disk full, read-only, permissions, a mount point, a lock held too long. */
  environment: 74,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
