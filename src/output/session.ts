import path from "node:path";
import type { OutputFile } from "../emit/emit.js";
import { EVERYTHING, FileComparer, listTree, scopeOf, type Entry, type Scope } from "./tree.js";
import { nodeFs, type WriterFs } from "./write.js";

/** What a render changes in the output directory (each list sorted). */
export interface Outcome {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
  /** Files under the output directory that paodin-fleet did not generate: reported, never deleted. */
  readonly foreign: string[];
  /** How many files the render produced (within the scope). */
  readonly files: number;
}

export interface SessionOptions {
  readonly outDir: string;
  /** False for `render --check`: compare only, write nothing. */
  readonly write: boolean;
  /** `--cluster` names: only their overlays (and the GitOps files) are touched. */
  readonly clusters?: readonly string[];
}

/**
 * The output directory during one render: rendered files arrive overlay by overlay (`add`), are
 * compared with what is on disk and, when writing, go straight into a new tree beside the output
 * directory, which `finish` swaps in with two renames; so the whole output is never held in
 * memory. All or nothing: after a failure the caller calls `abort`, which removes the new tree
 * and leaves the output as it was. A render that changes nothing writes nothing.
 */
export class OutputSession {
  private readonly scope: Scope;
  /** The tree on disk, listed when the session opens; files are read as their turn comes. */
  private readonly existing: Map<string, Entry>;
  private readonly comparer = new FileComparer();
  private readonly seen = new Set<string>();
  private readonly added: string[] = [];
  private readonly changed: string[] = [];
  /** Files to keep as they are on disk, until the new tree exists to carry them into. */
  private readonly unchanged: string[] = [];
  private tmp: string | undefined;
  private readonly made = new Set<string>();
  private readonly stamp = `${process.pid}-${Date.now().toString(36)}`;

  constructor(
    private readonly options: SessionOptions,
    private readonly fs: WriterFs = nodeFs,
  ) {
    this.scope = options.clusters !== undefined && options.clusters.length > 0 ? scopeOf(options.clusters) : EVERYTHING;
    this.existing = listTree(options.outDir);
  }

  add(files: readonly OutputFile[]): void {
    for (const f of files) {
      if (!this.scope.includes(f.path)) continue;
      this.seen.add(f.path);
      const e = this.existing.get(f.path);
      if (e === "file" && this.comparer.same(`${this.options.outDir}/${f.path}`, f.content)) {
        this.keep(f.path);
        continue;
      }
      (e === undefined ? this.added : this.changed).push(f.path);
      if (!this.options.write) continue;
      this.open();
      const target = this.place(f.path);
      this.fs.writeFile(target, f.content);
    }
  }

  /** Compares what is left on disk, then (when writing and something changed) swaps the new tree in. */
  finish(): Outcome {
    const removed: string[] = [];
    const foreign: string[] = [];
    for (const [p, e] of this.existing) {
      if (this.seen.has(p)) continue;
      if (e !== "file" || !this.comparer.ours(`${this.options.outDir}/${p}`)) {
        foreign.push(p);
        this.keep(p);
      } else if (this.scope.includes(p)) removed.push(p);
      else this.keep(p);
    }
    const outcome: Outcome = { added: this.added.sort(), changed: this.changed.sort(), removed: removed.sort(), foreign: foreign.sort(), files: this.seen.size };
    if (this.options.write && outcome.added.length + outcome.changed.length + outcome.removed.length > 0) {
      this.open();
      this.swap();
    } else {
      this.abort();
    }
    return outcome;
  }

  /** Removes the new tree, if any; the output directory is as it was. */
  abort(): void {
    if (this.tmp !== undefined) this.fs.rm(this.tmp, { recursive: true, force: true });
    this.tmp = undefined;
  }

  /** A file that stays as it is: carried into the new tree now if it exists, else when it is made. */
  private keep(rel: string): void {
    if (!this.options.write) return;
    if (this.tmp === undefined) this.unchanged.push(rel);
    else this.carryOver(rel);
  }

  /** The new tree, made on the first file that has to be written; what was kept so far goes into it. */
  private open(): void {
    if (this.tmp !== undefined) return;
    this.tmp = this.beside("new");
    this.fs.mkdir(this.tmp, { recursive: true });
    for (const rel of this.unchanged.splice(0)) this.carryOver(rel);
  }

  /** `.overlays.paodin-fleet-new-<pid>-<time>`: beside the output, so that the swap is a rename on one file system. */
  private beside(what: "new" | "old"): string {
    const { outDir } = this.options;
    return path.join(path.dirname(outDir), `.${path.basename(outDir)}.paodin-fleet-${what}-${this.stamp}`);
  }

  /** Where `rel` (`/`-separated, from the renderer) goes in the new tree, its directory made. */
  private place(rel: string): string {
    const target = `${this.tmp!}/${rel}`;
    const dir = target.slice(0, target.lastIndexOf("/"));
    if (!this.made.has(dir)) {
      this.fs.mkdir(dir, { recursive: true });
      this.made.add(dir);
    }
    return target;
  }

  /** Unchanged files are hard-linked, so their bytes and times stay as they were; links stay links. */
  private carryOver(rel: string): void {
    const from = `${this.options.outDir}/${rel}`;
    const to = this.place(rel);
    if (this.fs.lstat(from).isSymbolicLink()) return this.fs.symlink(this.fs.readlink(from), to);
    try {
      this.fs.link(from, to);
    } catch {
      this.fs.copyFile(from, to);
    }
  }

  private swap(): void {
    const { outDir } = this.options;
    const tmp = this.tmp!;
    const old = this.beside("old");
    const exists = this.fs.exists(outDir);
    if (exists) this.fs.rename(outDir, old);
    try {
      this.fs.rename(tmp, outDir);
    } catch (e) {
      if (exists) this.fs.rename(old, outDir);
      throw e;
    }
    this.tmp = undefined;
    if (exists) this.fs.rm(old, { recursive: true, force: true });
  }
}
