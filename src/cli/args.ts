import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../diagnostics/issue.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Strict parsing: an unknown flag or a missing value is a usage error (exit 64), said plainly. */
export function parse<O extends Options>(argv: readonly string[], options: O, positionals = false) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: positionals, strict: true });
  } catch (e) {
    // Node's own message, without its advice on positionals after `--` (this CLI takes none),
    // and its three-line advice on a value that starts with a dash said on one line.
    const message = (e as Error).message.split(". To specify")[0]!;
    const ambiguous = /^Option '(-[^']+)' argument is ambiguous\./.exec(message);
    if (ambiguous === null) throw new UsageError(message);
    const at = argv.findIndex((a, i) => a === ambiguous[1] && argv[i + 1]?.startsWith("-") === true);
    const value = argv[at + 1] ?? "";
    throw new UsageError(`Option '${ambiguous[1]}' has no value: ${JSON.stringify(value)} is read as an option; write ${ambiguous[1]}=${value} if it is the value`);
  }
}

export const COMMON = {
  help: { type: "boolean", short: "h" },
} as const satisfies Options;
