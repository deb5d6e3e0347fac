import { readFileSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "../package-root.js";
import { formatIssue, toJSON } from "../diagnostics/format.js";
import { describeSystemError, isEnvironmentFailure } from "../diagnostics/environment.js";
import { EnvironmentError, FleetError, InternalError, UsageError } from "../diagnostics/issue.js";
import { styleFor, type Io } from "./io.js";
import type { CommandResult } from "./commands/shared.js";
import { EXIT } from "./exit-codes.js";
import { toJsonText } from "../emit/yaml.js";

export { EXIT } from "./exit-codes.js";

const HELP = `Usage: paodin-fleet <command> [options]

Multi-cluster monitoring for KubeSphere with the paodin operator, managed the GitOps way:
describe the fleet in clusters/*.yaml, render one kustomize overlay per cluster.

Commands:
  init       make a working fleet in this directory (clusters/, overlays/, npm scripts, CI)
  render     validate the fleet and render overlays/ (--check: fail when it is stale)
  validate   validate the fleet only
  diff       show what a render would change, for pull-request review
  schemas    schemas import: your operator's CRDs to JSON Schemas, used from then on;
             schemas: generate paodin-fleet's TypeScript types (its source checkout only)

Commands work on the fleet of the nearest directory, from here up, that has clusters/.

Run \`paodin-fleet <command> --help\` for a command's options.
Exit codes: 0 success, 1 invalid fleet (init: a file it would write is there), 2 drift
(--check), 64 usage error, 70 internal error, 74 environment error (disk full, read-only,
permissions, mount point, locked).
`;

type Command = (argv: readonly string[], io: Io) => Promise<CommandResult>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  init: async () => (await import("./commands/init.js")).initCommand,
  render: async () => (await import("./commands/render.js")).renderCommand,
  validate: async () => (await import("./commands/validate.js")).validateCommand,
  diff: async () => (await import("./commands/diff.js")).diffCommand,
  schemas: async () => (await import("./commands/schemas.js")).schemasCommand,
};

/** Runs one command line and returns the exit code. Never throws; only the bin calls process.exit. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes("--json");
  try {
    if (name === undefined || name === "-h" || name === "--help" || name === "help") {
      io.stdout.write(HELP);
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    if (name === "--version" || name === "-v") {
      io.stdout.write(`${version()}\n`);
      return EXIT.ok;
    }
    const load = COMMANDS[name];
    if (load === undefined) throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(", ")}`);
    const result = await (await load())(rest, io);
    if (result.stdout !== undefined) io.stdout.write(result.stdout);
    if (result.stderr !== undefined) io.stderr.write(result.stderr);
    return result.code;
  } catch (e) {
    return report(e, io, json);
  }
}

function report(e: unknown, io: Io, json: boolean): number {
  if (e instanceof FleetError) {
    if (json) {
      io.stdout.write(toJsonText({ valid: false, issues: e.issues.map(toJSON) }));
    } else {
      const style = styleFor(io.stderr, io.env);
      for (const issue of e.issues) io.stderr.write(`${formatIssue(issue, style)}\n`);
      const errors = e.issues.filter((i) => i.severity === "error").length;
      io.stderr.write(`${errors} error${errors === 1 ? "" : "s"}; ${e.written ?? "nothing was written"}.\n`);
    }
    return EXIT.invalid;
  }
  if (e instanceof UsageError) {
    io.stderr.write(`paodin-fleet: ${e.message}\nRun \`paodin-fleet --help\` for usage.\n`);
    return EXIT.usage;
  }
  // The machine, not the fleet and not paodin-fleet: one line naming the path and the cause.
  if (e instanceof EnvironmentError) {
    io.stderr.write(`paodin-fleet: ${e.message}\n`);
    return EXIT.environment;
  }
  if (isEnvironmentFailure(e)) {
    io.stderr.write(`paodin-fleet: ${describeSystemError(e, io.cwd)}\n`);
    return EXIT.environment;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const detail = e instanceof InternalError ? `\n${e.detail}` : "";
  io.stderr.write(
    `paodin-fleet: internal error (a bug in paodin-fleet, not in your fleet): ${err.message}${detail}\n` +
      `Please report it with this output and the command you ran.\n${err.stack ?? ""}\n`,
  );
  return EXIT.internal;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as { version: string };
  return pkg.version;
}
