import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../diagnostics/issue.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Strict parsing: an unknown flag or a missing value is a usage error (exit 64), said plainly. */
export function parse<O extends Options>(argv: readonly string[], options: O, positionals = false) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: positionals, strict: true });
  } catch (e) {
    // Node's own message, without its advice on positionals after `--` (this CLI takes none).
    const message = (e as Error).message.split(". To specify")[0]!;
    throw new UsageError(message);
  }
}

export const COMMON = {
  help: { type: "boolean", short: "h" },
} as const satisfies Options;
