import { readFileSync } from "node:fs";
import path from "node:path";
import { FleetError, sortIssues, type Issue } from "./diagnostics/issue.js";
import { emitOverlay, overlaysOf, type OutputFile } from "./emit/emit.js";
import { readAssets } from "./load/assets.js";
import { discover, displayPath, trustedRoot } from "./load/discover.js";
import { decodeText, parseFleetText } from "./load/parse.js";
import type { SourceDoc } from "./load/source.js";
import { planFleet } from "./plan/plan.js";
import type { ResolvedFleet } from "./resolve/model.js";
import { resolveFleet } from "./resolve/resolve.js";
import { assetsOf, checkAssets } from "./resolve/assets.js";
import { validateFleet, type ValidFleet } from "./validate/fleet.js";
import { scanForCredentials } from "./check/credential-scan.js";
import { validateOverlay } from "./check/output.js";
import { byPath } from "./order.js";

export interface PipelineOptions {
  readonly cwd: string;
  /** The fleet's directory, relative to cwd or absolute. */
  readonly clustersDir: string;
  /** Warnings fail the run as errors (`--strict`). */
  readonly strict?: boolean;
  /** How the output directory is shown in messages (default `overlays`). */
  readonly outLabel?: string;
  /** Called as fleet files are read, then as clusters are rendered, for a progress display. */
  readonly progress?: (stage: "reading fleet files" | "rendering clusters", done: number, total: number) => void;
  /**
   * Skip validating the rendered objects: only for `render --check`, which writes nothing. A
   * tree it finds up to date is byte for byte what a validated render wrote; a stale one is
   * re-rendered, and validated, before anything is written.
   */
  readonly skipOutputValidation?: boolean;
}

export interface RenderedFleet {
  readonly fleet: ResolvedFleet;
  readonly warnings: readonly Issue[];
}

export interface Rendered extends RenderedFleet {
  readonly files: readonly OutputFile[];
}

/**
 * load → validate → resolve → plan → emit: the whole fleet as files in memory, sorted by path.
 * Reads the fleet and the files it names; writes nothing. Throws FleetError with every problem found.
 */
export async function renderFleet(options: PipelineOptions): Promise<Rendered> {
  const files: OutputFile[] = [];
  const { fleet, warnings } = await renderFleetInto(options, (batch) => files.push(...batch));
  return { fleet, files: files.sort(byPath), warnings };
}

/**
 * The same, handing the files to `onFiles` an overlay at a time as they are rendered (the render
 * command writes them meanwhile). A FleetError thrown after some files were handed over (a
 * credential in a rendered file) means none of them may be used.
 */
export async function renderFleetInto(options: PipelineOptions, onFiles: (files: OutputFile[]) => void): Promise<RenderedFleet> {
  const { valid, warnings } = await loadAndValidate(options);
  const resolved = resolveFleet(valid);
  if (!resolved.ok) throw new FleetError(resolved.issues);
  const fleet = resolved.value;

  const root = await trustedRoot(options.cwd, path.resolve(options.cwd, options.clustersDir));
  const read = await readAssets(assetsOf(fleet).map((n) => n.asset), root, options.cwd);
  if (read.issues.length > 0) throw new FleetError(sortIssues(read.issues));
  const assets = checkAssets(fleet, read.texts);
  if (!assets.ok) throw new FleetError(assets.issues);

  const all = sortIssues([...warnings, ...resolved.warnings, ...assets.warnings]);
  if (options.strict === true && all.length > 0) throw new FleetError(all.map((w) => ({ ...w, severity: "error" as const })));
  // Overlay by overlay: each is checked, rendered and handed over before the next, so a large
  // fleet's output is never held in memory whole.
  const plan = planFleet(fleet, assets.value);
  const leaked: Issue[] = [];
  const overlays = overlaysOf(plan);
  const gitops = overlays.length - plan.clusters.length;
  overlays.forEach((overlay, i) => {
    if (options.skipOutputValidation !== true) validateOverlay(overlay);
    leaked.push(...scanForCredentials(overlay));
    const files = emitOverlay(overlay);
    onFiles(files);
    // The GitOps overlays come first (they list every cluster), then one per cluster.
    if (i >= gitops) options.progress?.("rendering clusters", i + 1 - gitops, plan.clusters.length);
  });
  if (leaked.length > 0) throw new FleetError(sortIssues(leaked.map((i) => ({ ...i, file: path.posix.join(options.outLabel ?? "overlays", i.file!) }))));
  return { fleet, warnings: all };
}

/** load → validate only (the `validate` command, and the first half of a render). */
export async function loadAndValidate(options: PipelineOptions): Promise<{ valid: ValidFleet; warnings: readonly Issue[] }> {
  const { docs, issues, skipped, complete, clustersDir } = await loadFleet(options);
  const validated = validateFleet(docs, clustersDir, complete);
  // Files discovery did not read are said with every outcome, so no cluster leaves the
  // rendering without a word (an error with --strict, like every warning).
  const all = validated.ok ? [...issues, ...skipped, ...validated.warnings] : [...issues, ...skipped, ...validated.issues];
  if (!validated.ok || all.some((i) => i.severity === "error")) throw new FleetError(sortIssues(all));
  return { valid: validated.value, warnings: sortIssues([...skipped, ...validated.warnings]) };
}

async function loadFleet(options: PipelineOptions): Promise<{ docs: SourceDoc[]; issues: Issue[]; skipped: readonly Issue[]; complete: boolean; clustersDir: string }> {
  const abs = path.resolve(options.cwd, options.clustersDir);
  const clustersDir = displayPath(options.cwd, abs);
  const found = await discover(options.cwd, abs);
  const issues: Issue[] = [...found.issues];
  const docs: SourceDoc[] = [];
  let complete = found.issues.length === 0;
  // Synchronous reads: thousands of small files read faster one after another than through
  // the thread pool, and the result never depends on which read finished first.
  const texts = found.files.map((f) => {
    try {
      return { f, bytes: readFileSync(f.absPath) };
    } catch (e) {
      return { f, error: (e as NodeJS.ErrnoException).code ?? "unreadable" };
    }
  });
  for (const [i, t] of texts.entries()) {
    options.progress?.("reading fleet files", i + 1, texts.length);
    if ("error" in t) {
      issues.push({ code: "file-unreadable", severity: "error", file: t.f.file, message: `cannot be read (${t.error})` });
      complete = false;
      continue;
    }
    const decoded = decodeText(t.f.file, t.bytes!);
    if ("issue" in decoded) {
      issues.push(decoded.issue);
      complete = false;
      continue;
    }
    const parsed = parseFleetText({ file: t.f.file, absPath: t.f.absPath, text: decoded.text });
    if (parsed.issues.some((i) => i.code !== "file-empty")) complete = false;
    issues.push(...parsed.issues);
    docs.push(...parsed.docs);
  }
  return { docs, issues, skipped: found.skipped, complete, clustersDir };
}
