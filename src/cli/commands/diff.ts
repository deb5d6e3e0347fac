import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../../diagnostics/issue.js";
import { diffTrees } from "../../output/diff.js";
import { ANSI_TEXT, compileTemplate, DEFAULT_MARKDOWN_TEMPLATE, formatJson, formatMarkdown, formatText, PLAIN_TEXT } from "../../output/diff-format.js";
import { resolveCommit, withWorktree } from "../../output/git.js";
import { readTree, treeAfter } from "../../output/tree.js";
import { renderFleet } from "../../pipeline.js";
import { COMMON, parse } from "../args.js";
import { useColour, type Io } from "../io.js";
import { printWarnings, type CommandResult } from "./shared.js";

export const DIFF_HELP = `Usage: paodin-fleet diff [options]

Show what a render would change, per overlay and object, for pull-request review.
Secret data is never shown.

Options:
  --clusters DIR       the fleet's directory (default: clusters)
  --out DIR            the output directory (default: overlays)
  --against DIR|REF    compare with another directory, or with the output directory as
                       committed at a git ref (default: the output directory as it is now)
  --format FORMAT      text (default; coloured on a terminal), markdown or json
  --template FILE      markdown: a Handlebars template for one comment, instead of the default
  --split-dir DIR      markdown: write each comment (at most 65,536 characters) to
                       DIR/comment-N.md instead of printing them
  --exit-code          exit 2 when there are changes
  --strict             fail on warnings too (operator defects, unused overrides)
  -h, --help           show this help

Markdown output longer than one comment is split into several, printed one after another
with the line "<!-- paodin-fleet: next comment -->" between them.
`;

export const COMMENT_SEPARATOR = "<!-- paodin-fleet: next comment -->";

export async function diffCommand(argv: readonly string[], io: Io): Promise<CommandResult> {
  const { values } = parse(argv, {
    ...COMMON,
    clusters: { type: "string", default: "clusters" },
    out: { type: "string", default: "overlays" },
    against: { type: "string" },
    format: { type: "string", default: "text" },
    template: { type: "string" },
    "split-dir": { type: "string" },
    "exit-code": { type: "boolean", default: false },
    strict: { type: "boolean", default: false },
  });
  if (values.help) return { code: 0, stdout: DIFF_HELP };
  const format = values.format;
  if (format !== "text" && format !== "markdown" && format !== "json") throw new UsageError(`--format must be text, markdown or json, not ${JSON.stringify(format)}`);
  if ((values.template !== undefined || values["split-dir"] !== undefined) && format !== "markdown") {
    throw new UsageError("--template and --split-dir go with --format markdown");
  }
  const template = values.template !== undefined ? await readTemplate(path.resolve(io.cwd, values.template)) : DEFAULT_MARKDOWN_TEMPLATE;

  const rendered = await renderFleet({ cwd: io.cwd, clustersDir: values.clusters, strict: values.strict, outLabel: values.out.replace(/\/+$/, "") });
  printWarnings(rendered.warnings, io);
  const outDir = path.resolve(io.cwd, values.out);
  const beforeFiles = await readBefore(io.cwd, outDir, values.against);
  const before = new Map(beforeFiles.map((f) => [f.path, f.content.toString("utf8")]));
  const after = treeAfter(beforeFiles, rendered.files);
  const d = diffTrees(before, after);
  const code = values["exit-code"] && d.clusters.length > 0 ? 2 : 0;

  if (format === "json") return { code, stdout: formatJson(d) };
  if (format === "text") {
    return { code, stdout: formatText(d, useColour(io.stdout, io.env) ? ANSI_TEXT : PLAIN_TEXT) };
  }
  const comments = formatMarkdown(d, compileTemplate(template));
  if (values["split-dir"] !== undefined) {
    const dir = path.resolve(io.cwd, values["split-dir"]);
    await mkdir(dir, { recursive: true });
    for (const [i, c] of comments.entries()) await writeFile(path.join(dir, `comment-${i + 1}.md`), c);
    return { code, stdout: `Wrote ${comments.length} comment${comments.length === 1 ? "" : "s"} to ${values["split-dir"]}/.\n` };
  }
  return { code, stdout: comments.join(`\n${COMMENT_SEPARATOR}\n`) };
}

async function readTemplate(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch {
    throw new UsageError(`cannot read the template ${file}`);
  }
}

/** The tree to compare with: a directory, the output directory at a git ref, or as it is now. */
async function readBefore(cwd: string, outDir: string, against: string | undefined) {
  if (against === undefined) return readTree(outDir);
  const asDir = path.resolve(cwd, against);
  if (await stat(asDir).then((s) => s.isDirectory(), () => false)) return readTree(asDir);
  const commit = await resolveCommit(cwd, against);
  if (commit === undefined) throw new UsageError(`--against ${against} is neither a directory nor a git ref`);
  return withWorktree(cwd, commit, outDir, async (there) => readTree(there));
}
