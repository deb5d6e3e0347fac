import { formatIssue } from "../../diagnostics/format.js";
import type { Issue } from "../../diagnostics/issue.js";
import { styleFor, type Io } from "../io.js";

/** What a command hands back to main: an exit code and what to print. Only main writes and exits. */
export interface CommandResult {
  readonly code: number;
  readonly stdout?: string;
  readonly stderr?: string;
}

export function printWarnings(warnings: readonly Issue[], io: Io): void {
  const style = styleFor(io.stderr, io.env);
  for (const w of warnings) io.stderr.write(`${formatIssue(w, style)}\n`);
}
