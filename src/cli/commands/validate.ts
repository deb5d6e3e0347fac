import { renderFleet } from "../../pipeline.js";
import { COMMON, parse } from "../args.js";
import { enterProject } from "../project.js";
import type { Io } from "../io.js";
import { printWarnings, type CommandResult } from "./shared.js";
import { EXIT } from "../exit-codes.js";
import { toJsonText } from "../../emit/yaml.js";

export const VALIDATE_HELP = `Usage: paodin-fleet validate [options]

Check the fleet as a render would (schemas, templates, referenced files, rendered
objects) without writing anything.

Options:
  --clusters DIR   the fleet's directory (default: clusters, in the nearest directory
                   from here up that has one)
  --json           print the result as JSON
  --strict         fail on warnings too (operator defects, unused overrides)
  -h, --help       show this help

Exit codes: 0 valid, 1 invalid fleet (every problem is listed), 64 usage error.
`;

export async function validateCommand(argv: readonly string[], io: Io): Promise<CommandResult> {
  const { values } = parse(argv, { ...COMMON, clusters: { type: "string" }, json: { type: "boolean", default: false }, strict: { type: "boolean", default: false } });
  if (values.help) return { code: EXIT.ok, stdout: VALIDATE_HELP };
  const { io: here } = enterProject(io, { clustersGiven: values.clusters !== undefined, needFleet: true });
  const { fleet, warnings } = await renderFleet({ cwd: here.cwd, clustersDir: values.clusters ?? "clusters", strict: values.strict });
  if (values.json) {
    return { code: EXIT.ok, stdout: toJsonText({ valid: true, mode: fleet.mode, host: fleet.host.name, members: fleet.members.map((m) => m.name), warnings: warnings.length }) };
  }
  printWarnings(warnings, io);
  const n = fleet.members.length;
  return { code: EXIT.ok, stdout: `The fleet is valid: ${fleet.mode} mode, host ${fleet.host.name} and ${n} member${n === 1 ? "" : "s"}.\n` };
}
