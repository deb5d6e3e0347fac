import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { shownPath } from "../../diagnostics/environment.js";
import { UsageError } from "../../diagnostics/issue.js";
import { diffTrees } from "../../output/diff.js";
import { ANSI_TEXT, compileTemplate, DEFAULT_MARKDOWN_TEMPLATE, formatJson, formatMarkdown, formatText, PLAIN_TEXT } from "../../output/diff-format.js";
import { writeComments } from "../../output/comments.js";
import { writerFsFor } from "../../output/faults.js";
import { listCommitted, readCommitted, resolveCommit } from "../../output/git.js";
import { openOutput } from "../../output/open.js";
import { readTree } from "../../output/tree.js";
import { HEADER_PREFIX } from "../../emit/emit.js";
import { renderFleet } from "../../pipeline.js";
import { COMMON, parse } from "../args.js";
import { useColour, type Io } from "../io.js";
import { checkOutputToRead } from "../output-dir.js";
import { enterProject, isDir } from "../project.js";
import { printWarnings, type CommandResult } from "./shared.js";
import { EXIT } from "../exit-codes.js";

export const DIFF_HELP = `Usage: paodin-fleet diff [options]

Show what a render would change, per overlay and object, for pull-request review.
Secret data is never shown.

Options:
  --clusters DIR       the fleet's directory (default: clusters, in the nearest directory
                       from here up that has one)
  --out DIR            the output directory (default: overlays, beside clusters)
  --against DIR|REF    compare with another directory, or with the output directory as
                       committed at a git ref, read from git's objects (default: the
                       output directory as it is now)
  --format FORMAT      text (default; coloured on a terminal), markdown or json
  --template FILE      markdown: a Handlebars template for one comment, instead of the default
  --split-dir DIR      markdown: write each comment (at most 65,536 characters) to
                       DIR/comment-001.md, comment-002.md… (in order as a shell glob
                       lists them; earlier runs' comment files there are removed)
  --exit-code          exit 2 when there are changes
  --strict             fail on warnings too (operator defects, unused overrides)
  -h, --help           show this help

Markdown output longer than one comment is split into several, printed one after another
with the line "<!-- paodin-fleet: next comment -->" between them.
`;

export const COMMENT_SEPARATOR = "<!-- paodin-fleet: next comment -->";

export async function diffCommand(argv: readonly string[], cmdIo: Io): Promise<CommandResult> {
  const { values: given } = parse(argv, {
    ...COMMON,
    clusters: { type: "string" },
    out: { type: "string" },
    against: { type: "string" },
    format: { type: "string", default: "text" },
    template: { type: "string" },
    "split-dir": { type: "string" },
    "exit-code": { type: "boolean", default: false },
    strict: { type: "boolean", default: false },
  });
  if (given.help) return { code: EXIT.ok, stdout: DIFF_HELP };
  const project = enterProject(cmdIo, { clustersGiven: given.clusters !== undefined, needFleet: true });
  const io = project.io;
  // Paths given on the command line are relative to where the user is; --against may be a git ref.
  const local = (p: string | undefined): string | undefined => (p === undefined ? undefined : project.given(p));
  const against = given.against !== undefined && isDir(path.resolve(cmdIo.cwd, given.against)) ? local(given.against) : given.against;
  const values = {
    ...given,
    clusters: given.clusters ?? "clusters",
    out: local(given.out) ?? "overlays",
    against,
    template: local(given.template),
    "split-dir": local(given["split-dir"]),
  };
  const format = values.format;
  if (format !== "text" && format !== "markdown" && format !== "json") throw new UsageError(`--format must be text, markdown or json, not ${JSON.stringify(format)}`);
  if ((values.template !== undefined || values["split-dir"] !== undefined) && format !== "markdown") {
    throw new UsageError("--template and --split-dir go with --format markdown");
  }
  const template = values.template !== undefined ? await readTemplate(path.resolve(io.cwd, values.template)) : DEFAULT_MARKDOWN_TEMPLATE;

  const outDir = path.resolve(io.cwd, values.out);
  await checkOutputToRead(io.cwd, values.out);
  // What to compare with is found first (a bad ref fails at once), and git lists the committed
  // tree while the fleet renders.
  const base = await baseOf(io.cwd, outDir, values.against);
  const listing = base.kind === "git" ? listCommitted(io.cwd, base.commit, outDir) : undefined;
  listing?.catch(() => undefined); // awaited below; a render that fails first is the error to report
  const rendered = await renderFleet({ cwd: io.cwd, clustersDir: values.clusters, strict: values.strict, outLabel: values.out.replace(/\/+$/, "") });
  printWarnings(rendered.warnings, io);
  const desired = new Map(rendered.files.map((f) => [f.path, f.content]));
  const before = base.kind === "git" ? await readCommitted(io.cwd, await listing!, desired) : await fromOutput(base.dir, outDir, desired, io);
  const d = diffTrees(before, treeAfter(before, desired));
  const code = values["exit-code"] && d.clusters.length > 0 ? EXIT.drift : EXIT.ok;

  if (format === "json") return { code, stdout: formatJson(d) };
  if (format === "text") {
    return { code, stdout: formatText(d, useColour(io.stdout, io.env) ? ANSI_TEXT : PLAIN_TEXT) };
  }
  const comments = formatMarkdown(d, compileTemplate(template));
  if (values["split-dir"] !== undefined) {
    const names = writeComments(path.resolve(io.cwd, values["split-dir"]), comments);
    const shown = values["split-dir"].replace(/\/+$/, "");
    return { code, stdout: `Wrote ${comments.length} comment${comments.length === 1 ? "" : "s"} to ${shown}/: ${names.length === 1 ? names[0] : `${names[0]} … ${names.at(-1)}`}.\n` };
  }
  return { code, stdout: comments.join(`\n${COMMENT_SEPARATOR}\n`) };
}

/**
 * The output directory is read under its lock, after an interrupted render is completed, as
 * `render --check` reads it: never in the middle of another render's swap.
 */
async function fromOutput(dir: string, outDir: string, desired: ReadonlyMap<string, string>, io: Io): Promise<Map<string, string>> {
  if (dir !== outDir) return fromDir(dir, desired);
  const opened = await openOutput(outDir, { write: false, fs: writerFsFor(io.env), show: (p) => shownPath(io.cwd, p) });
  try {
    for (const n of opened.notes) io.stderr.write(`paodin-fleet: ${n}\n`);
    return fromDir(dir, desired);
  } finally {
    for (const n of opened.release()) io.stderr.write(`paodin-fleet: ${n}\n`);
  }
}

async function readTemplate(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch {
    throw new UsageError(`cannot read the template ${file}`);
  }
}

/** What to compare with: a directory (the output directory by default), or a commit. */
async function baseOf(cwd: string, outDir: string, against: string | undefined): Promise<{ kind: "dir"; dir: string } | { kind: "git"; commit: string }> {
  if (against === undefined) return { kind: "dir", dir: outDir };
  const asDir = path.resolve(cwd, against);
  if (await stat(asDir).then((s) => s.isDirectory(), () => false)) return { kind: "dir", dir: asDir };
  const commit = await resolveCommit(cwd, against);
  if (commit === undefined) throw new UsageError(`--against ${against} is neither a directory nor a git ref`);
  return { kind: "git", commit };
}

/**
 * A directory's files as path → text; one with the rendered text gets the rendered string
 * itself, so that comparing the two costs nothing. (At a git ref, `readCommitted` does the
 * same from blob ids, reading only the blobs that differ.)
 */
function fromDir(dir: string, desired: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, content] of readTree(dir)) {
    const text = content.toString("utf8");
    const same = desired.get(file);
    out.set(file, same === text ? same : text);
  }
  return out;
}

/**
 * The output directory as a full render would leave it: the rendered files, plus the files
 * paodin-fleet did not generate (which it never removes).
 */
function treeAfter(before: ReadonlyMap<string, string>, desired: ReadonlyMap<string, string>): Map<string, string> {
  const after = new Map(desired);
  for (const [p, text] of before) if (!after.has(p) && !text.startsWith(HEADER_PREFIX)) after.set(p, text);
  return after;
}
