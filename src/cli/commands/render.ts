import { lstatSync } from "node:fs";
import path from "node:path";
import { shownPath } from "../../diagnostics/environment.js";
import { FleetError, UsageError, type Issue } from "../../diagnostics/issue.js";
import { writerFsFor } from "../../output/faults.js";
import { openOutput } from "../../output/open.js";
import { OutputSession, type Outcome } from "../../output/session.js";
import { renderFleetInto, type PipelineOptions, type RenderedFleet } from "../../pipeline.js";
import { COMMON, parse } from "../args.js";
import type { Io } from "../io.js";
import { checkOutputDir } from "../output-dir.js";
import { enterProject } from "../project.js";
import { terminalProgress } from "../progress.js";
import { printWarnings, type CommandResult } from "./shared.js";
import { EXIT } from "../exit-codes.js";
import { toJsonText } from "../../emit/yaml.js";

export const RENDER_HELP = `Usage: paodin-fleet render [options]

Validate the fleet and render one kustomize overlay per cluster, plus the Argo CD
ApplicationSet and Flux Kustomizations that sync them.

Options:
  --clusters DIR     the fleet's directory (default: clusters, in the nearest directory
                     from here up that has one)
  --out DIR          the output directory (default: overlays, beside clusters)
  --cluster NAME     render only this cluster's overlay; repeatable. Others are left as
                     they are; the host still sees every member.
  --check            write nothing; exit 2 and list what would change if the output is stale
  --json             print the result as JSON
  --strict           fail on warnings too (operator defects, unused overrides)
  --allow-outside    allow an output directory outside the project
  -h, --help         show this help

One render at a time per output directory: a second one waits for the first. A render
that was interrupted (killed) is completed or cleaned up by the next one, which says so.

Exit codes: 0 done (or up to date), 1 invalid fleet (or a file in the output directory
that paodin-fleet did not generate is in the way), 2 --check found drift, 64 usage error,
74 environment error (disk full, read-only, permissions, mount point, locked).
`;

export async function renderCommand(argv: readonly string[], cmdIo: Io): Promise<CommandResult> {
  const { values: given } = parse(argv, {
    ...COMMON,
    clusters: { type: "string" },
    out: { type: "string" },
    cluster: { type: "string", multiple: true },
    check: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    "allow-outside": { type: "boolean", default: false },
    strict: { type: "boolean", default: false },
  });
  if (given.help) return { code: EXIT.ok, stdout: RENDER_HELP };
  const project = enterProject(cmdIo, { clustersGiven: given.clusters !== undefined, needFleet: true });
  const io = project.io;
  const values = { ...given, clusters: given.clusters ?? "clusters", out: given.out === undefined ? "overlays" : project.given(given.out) };
  const outDir = await checkOutputDir(io.cwd, values.out, values.clusters, values["allow-outside"]);

  const display = terminalProgress(io);
  const shownOut = values.out.replace(/\/+$/, "");
  const show = (p: string): string => shownPath(io.cwd, p);
  const note = (s: string): void => io.stderr.write(`paodin-fleet: ${s}\n`);
  const fs = writerFsFor(io.env);
  // Locked before the tree is listed: the counts a render prints are those of the tree it replaces.
  const opened = await openOutput(outDir, {
    write: !values.check,
    fs,
    show,
    onWait: (h) => note(`waiting for another render of ${shownOut}/ to finish (pid ${h.pid}, since ${h.since})`),
  });
  let result: { rendered: RenderedFleet; outcome: Outcome };
  try {
    for (const n of opened.notes) note(n);
    // Opened before rendering: each overlay is compared with the tree on disk, and written into
    // the new tree, as soon as it is rendered.
    const output = new OutputSession({ outDir, write: !values.check, clusters: values.cluster, work: opened.work, show }, fs);
    const pipeline: PipelineOptions = {
      cwd: io.cwd,
      clustersDir: values.clusters,
      strict: values.strict,
      outLabel: shownOut,
      progress: display.progress,
      skipOutputValidation: values.check,
    };
    result = await renderInto(output, pipeline, values, shownOut).finally(display.finish);
  } catch (e) {
    for (const n of opened.release()) note(n);
    throw e;
  }
  const released = opened.release();
  const { rendered, outcome } = result;
  printWarnings(rendered.warnings, io);
  for (const n of [...outcome.notes, ...released]) note(n);
  const changed = outcome.added.length + outcome.changed.length + outcome.removed.length > 0;

  if (values.check) {
    const drift = changed || outcome.foreign.length > 0 || outcome.blocked.length > 0;
    if (values.json) return { code: drift ? EXIT.drift : EXIT.ok, stdout: toJsonText({ upToDate: !drift, ...lists(outcome) }) };
    if (!drift) return { code: EXIT.ok, stdout: `${shownOut}/ is up to date (${outcome.files} files).\n` };
    return { code: EXIT.drift, stdout: `${shownOut}/ is stale; \`${project.command("render")}\` would change:\n${describe(outcome, shownOut)}` };
  }

  const foreignNote = outcome.foreign.length > 0 ? `\nNot generated by paodin-fleet, left in place (move them out of ${shownOut}/):\n${outcome.foreign.map((f) => `  ? ${shownOut}/${f}\n`).join("")}` : "";
  if (values.json) return { code: EXIT.ok, stdout: toJsonText({ written: true, ...lists(outcome) }) };
  const counts = `${outcome.added.length} added, ${outcome.changed.length} changed, ${outcome.removed.length} removed`;
  const clusters = 1 + rendered.fleet.members.length;
  const summary = changed ? `Rendered ${clusters} clusters into ${shownOut}/: ${counts}.` : `${shownOut}/ is up to date (${outcome.files} files).`;
  return { code: EXIT.ok, stdout: `${summary}\n${foreignNote}` };
}

/** Renders into the session and finishes it; on any failure, the output stays as it was. */
async function renderInto(
  output: OutputSession,
  options: PipelineOptions,
  values: { cluster?: string[] | undefined; check: boolean },
  shownOut: string,
): Promise<{ rendered: RenderedFleet; outcome: Outcome }> {
  try {
    const rendered = await renderFleetInto(options, (files) => output.add(files));
    checkSelection(values.cluster, [rendered.fleet.host, ...rendered.fleet.members].map((c) => c.name));
    const outcome = output.finish();
    if (!values.check && outcome.blocked.length > 0) throw new FleetError(outcome.blocked.map((p) => inTheWay(options.cwd, shownOut, p)));
    return { rendered, outcome };
  } catch (e) {
    output.abort();
    throw e;
  }
}

/** A rendered file's place is taken by something paodin-fleet did not generate: never replaced. */
function inTheWay(cwd: string, shownOut: string, rel: string): Issue {
  let what = "a file without paodin-fleet's header line (edited by hand, or not generated by paodin-fleet)";
  try {
    const st = lstatSync(path.resolve(cwd, shownOut, rel));
    if (st.isSymbolicLink()) what = "a symbolic link";
    else if (st.isDirectory()) what = "a directory";
    else if (!st.isFile()) what = "not a regular file";
  } catch {
    // Gone meanwhile: the generic description.
  }
  return {
    code: "output-not-ours",
    severity: "error",
    file: `${shownOut}/${rel}`,
    message: `is ${what}, where a rendered file goes: paodin-fleet never replaces what it did not generate; move it out of ${shownOut}/ (or delete it), then render again`,
  };
}

/** `--cluster` names must be clusters of the fleet. */
function checkSelection(selected: readonly string[] | undefined, names: readonly string[]): void {
  const unknown = (selected ?? []).filter((s) => !names.includes(s));
  if (unknown.length > 0) throw new UsageError(`no cluster named ${unknown.map((u) => JSON.stringify(u)).join(", ")} in the fleet (clusters: ${names.join(", ")})`);
}

function lists(c: Outcome): Record<string, string[]> {
  return { added: c.added, changed: c.changed, removed: c.removed, foreign: c.foreign, blocked: c.blocked };
}

function describe(c: Outcome, out: string): string {
  const line = (mark: string, note: string) => (p: string) => `  ${mark} ${out}/${p}${note}\n`;
  return [
    ...c.added.map(line("+", "")),
    ...c.changed.map(line("~", "")),
    ...c.removed.map(line("-", "")),
    ...c.foreign.map(line("?", "  (not generated by paodin-fleet: move it out of the output directory)")),
    ...c.blocked.map(line("!", "  (not generated by paodin-fleet, where a rendered file goes: a render will not replace it; move it out of the output directory)")),
  ].join("");
}
