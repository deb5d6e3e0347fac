import type { OutputFile } from "../emit/emit.js";
import { EnvironmentError } from "../diagnostics/issue.js";
import { asEnvironmentError, causeOf, isEnvironmentFailure, shownPath } from "../diagnostics/environment.js";
import { EVERYTHING, FileComparer, scanTree, scopeOf, type Entry, type Scope } from "./tree.js";
import { InTheWay, mountPoint, mountsInside, newStamp, WorkDir } from "./workdir.js";
import { makeDirs, nodeFs, removeTree, type WriterFs } from "./write.js";

/** What a render changes in the output directory (each list sorted). */
export interface Outcome {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
  /** Files under the output directory that paodin-fleet did not generate: reported, never deleted. */
  readonly foreign: string[];
  /**
   * Paths where a rendered file would replace something paodin-fleet did not generate (a file
   * without its header, a link, a directory): never replaced, so a render stops before its swap.
   */
  readonly blocked: string[];
  /** How many files the render produced (within the scope). */
  readonly files: number;
  /** What went wrong after the new tree was in place (it is): the previous tree could not be removed. */
  readonly notes: string[];
}

export interface SessionOptions {
  /** The output directory, links resolved (a linked output directory is written through). */
  readonly outDir: string;
  /** False for `render --check`: compare only, write nothing. */
  readonly write: boolean;
  /** `--cluster` names: only their overlays (and the GitOps files) are touched. */
  readonly clusters?: readonly string[];
  /** The work directory, when the caller holds its lock; else the session makes one and removes it when done. */
  readonly work?: WorkDir;
  /** How a path is shown in messages (default: relative to the working directory). */
  readonly show?: (p: string) => string;
}

/**
 * The output directory during one render: rendered files arrive overlay by overlay (`add`), are
 * compared with what is on disk and, when writing, go straight into a new tree in the work
 * directory, which `finish` swaps in with two renames; so the whole output is never held in
 * memory. All or nothing: after a failure the caller calls `abort`, which removes the new tree
 * and leaves the output as it was. A render that changes nothing writes nothing.
 *
 * The swap: the output directory is renamed to `paodin-fleet-old-<stamp>` in the work directory,
 * then the new tree to the output directory; the old tree is removed after. A failure before the
 * second rename puts the old tree back and is reported; after it, the render has succeeded, and a
 * previous tree that cannot be removed is a note (the next render removes it). A render killed
 * between the two renames is completed by the next one (see `recoverInterrupted`).
 */
export class OutputSession {
  private readonly scope: Scope;
  /** The tree on disk, listed when the session opens; files are read as their turn comes. */
  private readonly existing: Map<string, Entry>;
  private readonly existingDirs: Set<string>;
  private readonly comparer = new FileComparer();
  private readonly seen = new Set<string>();
  private readonly added: string[] = [];
  private readonly changed: string[] = [];
  private readonly blocked = new Set<string>();
  /** Directories of rendered files already checked against the tree on disk. */
  private readonly clearDirs = new Set<string>();
  /** Files to keep as they are on disk, until the new tree exists to carry them into. */
  private readonly unchanged: string[] = [];
  private tmp: string | undefined;
  /** The output directory is ours but read-only: the mode it needs to be moved aside. */
  private unlockMode: number | undefined;
  /** Set between the swap's two renames: where the previous tree is. */
  private aside: string | undefined;
  private readonly made = new Set<string>();
  private readonly stamp = newStamp();
  private readonly work: WorkDir;
  private readonly ownWork: boolean;
  private readonly show: (p: string) => string;
  private readonly outShown: string;

  constructor(
    private readonly options: SessionOptions,
    private readonly fs: WriterFs = nodeFs,
  ) {
    this.scope = options.clusters !== undefined && options.clusters.length > 0 ? scopeOf(options.clusters) : EVERYTHING;
    this.show = options.show ?? ((p) => shownPath(process.cwd(), p));
    this.outShown = `${this.show(options.outDir)}/`;
    this.work = options.work ?? new WorkDir(options.outDir, fs);
    this.ownWork = options.work === undefined;
    try {
      const tree = scanTree(options.outDir);
      this.existing = tree.entries;
      this.existingDirs = tree.dirs;
    } catch (e) {
      throw this.failed(e, `cannot read ${this.outShown}`);
    }
    if (options.write) this.checkReplaceable();
  }

  add(files: readonly OutputFile[]): void {
    for (const f of files) {
      if (!this.scope.includes(f.path)) continue;
      this.seen.add(f.path);
      if (this.inTheWay(f.path)) continue;
      const e = this.existing.get(f.path);
      const abs = `${this.options.outDir}/${f.path}`;
      try {
        if (e === "file" && this.comparer.same(abs, f.content)) {
          this.keep(f.path);
          continue;
        }
        // At a rendered path, only a file paodin-fleet generated is replaced.
        if (e !== undefined && (e !== "file" || !this.comparer.ours(abs))) {
          this.blocked.add(f.path);
          continue;
        }
      } catch (err) {
        throw this.failed(err, `cannot read ${this.show(abs)}`);
      }
      (e === undefined ? this.added : this.changed).push(f.path);
      if (!this.options.write || this.blocked.size > 0) continue;
      this.open();
      const target = this.place(f.path);
      try {
        this.fs.writeFile(target, f.content);
      } catch (err) {
        throw this.failed(err, `cannot write ${this.show(target)}`);
      }
    }
  }

  /** Compares what is left on disk, then (when writing, something changed and nothing is in the way) swaps the new tree in. */
  finish(): Outcome {
    const removed: string[] = [];
    const foreign: string[] = [];
    for (const [p, e] of this.existing) {
      if (this.seen.has(p)) continue;
      let ours: boolean;
      try {
        ours = e === "file" && this.comparer.ours(`${this.options.outDir}/${p}`);
      } catch (err) {
        throw this.failed(err, `cannot read ${this.show(`${this.options.outDir}/${p}`)}`);
      }
      if (!ours) {
        foreign.push(p);
        this.keep(p);
      } else if (this.scope.includes(p)) removed.push(p);
      else this.keep(p);
    }
    const outcome: Outcome = {
      added: this.added.sort(),
      changed: this.changed.sort(),
      removed: removed.sort(),
      foreign: foreign.sort(),
      blocked: [...this.blocked].sort(),
      files: this.seen.size,
      notes: [],
    };
    if (this.options.write && outcome.blocked.length === 0 && outcome.added.length + outcome.changed.length + outcome.removed.length > 0) {
      this.open();
      this.swap(outcome.notes);
      if (this.ownWork) this.endWork(outcome.notes);
    } else {
      this.abort();
    }
    return outcome;
  }

  /** Removes the new tree, if any, and puts the previous one back if a failed swap left it aside; the output directory is as it was. */
  abort(): void {
    if (this.aside !== undefined) {
      try {
        this.fs.rename(this.aside, this.options.outDir);
        this.aside = undefined;
      } catch {
        // Left for the next render, which puts the new tree in place (see recoverInterrupted).
        return;
      }
    }
    try {
      if (this.tmp !== undefined) removeTree(this.fs, this.tmp);
      this.tmp = undefined;
      if (this.ownWork) this.endWork([]);
    } catch (e) {
      // Never hides the failure being handled: what is left, the next render removes.
      if (!isEnvironmentFailure(e)) throw e;
    }
  }

  /** A rendered file needs `rel` to be a file and its directories to be directories: anything else there is not ours to replace. */
  private inTheWay(rel: string): boolean {
    if (this.existingDirs.has(rel)) {
      this.blocked.add(rel);
      return true;
    }
    for (let i = rel.indexOf("/"); i !== -1; i = rel.indexOf("/", i + 1)) {
      const dir = rel.slice(0, i);
      if (this.clearDirs.has(dir)) continue;
      if (this.existing.has(dir)) {
        this.blocked.add(dir);
        this.seen.add(dir);
        return true;
      }
      this.clearDirs.add(dir);
    }
    return false;
  }

  /**
   * Before anything is written: can the output directory be replaced? Not when it is a mount
   * point; not when a directory of the previous tree cannot be emptied (read-only, and not ours
   * to make writable), since the previous tree is removed after the swap.
   */
  private checkReplaceable(): void {
    const out = this.options.outDir;
    if (!this.exists(out)) return;
    if (mountPoint(out)) {
      throw new EnvironmentError(
        `${this.outShown} is a mount point: a render replaces the directory whole, by renaming it, which cannot be done to a mount point; mount the directory above it instead, or render into a directory inside it (--out ${this.outShown}fleet); ${this.outShown} is unchanged`,
      );
    }
    const inside = mountsInside(out);
    if (inside.length > 0) {
      throw new EnvironmentError(
        `${this.show(inside[0]!)} is a mount point: a render replaces ${this.outShown} whole, by renaming it, and the mount would go with the previous tree; unmount it, or mount the directory above ${this.outShown} instead; ${this.outShown} is unchanged`,
      );
    }
    // Also for root: a read-only file system (a read-only mount in the tree) refuses root too, and
    // a tree swapped in over it would leave the previous one where no later render can remove it.
    const uid = process.getuid?.();
    for (const rel of ["", ...this.existingDirs]) {
      const dir = rel === "" ? out : `${out}/${rel}`;
      try {
        this.fs.access(dir);
      } catch (e) {
        // A directory of the tree: never a link (`scanTree` does not follow them); the output directory's links are resolved.
        const st = this.fs.lstat(dir);
        if (!isEnvironmentFailure(e) || e.code !== "EACCES" || st.uid !== uid) throw this.failed(e, `cannot replace ${this.show(dir)}`);
        // Ours, made read-only: writable again to be removed (after the swap), and the output
        // directory itself just before the swap, since moving a directory rewrites its "..".
        if (rel === "") this.unlockMode = st.mode | 0o700;
      }
    }
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
    const tmp = this.work.tree("new", this.stamp);
    try {
      if (this.ownWork) this.work.ensure();
      this.fs.mkdir(tmp);
    } catch (e) {
      throw this.failed(e, `cannot make the new tree ${this.show(tmp)}`);
    }
    this.tmp = tmp;
    for (const rel of this.unchanged.splice(0)) this.carryOver(rel);
  }

  /** Where `rel` (`/`-separated, from the renderer) goes in the new tree, its directory made. */
  private place(rel: string): string {
    const target = `${this.tmp!}/${rel}`;
    const dir = target.slice(0, target.lastIndexOf("/"));
    if (!this.made.has(dir)) {
      try {
        makeDirs(this.fs, dir);
      } catch (e) {
        throw this.failed(e, `cannot make ${this.show(dir)}`);
      }
      this.made.add(dir);
    }
    return target;
  }

  /** Unchanged files are hard-linked, so their bytes and times stay as they were; links stay links. */
  private carryOver(rel: string): void {
    const from = `${this.options.outDir}/${rel}`;
    const to = this.place(rel);
    try {
      if (this.fs.lstat(from).isSymbolicLink()) return this.fs.symlink(this.fs.readlink(from), to);
      try {
        this.fs.link(from, to);
      } catch {
        this.fs.copyFile(from, to);
      }
    } catch (e) {
      throw this.failed(e, `cannot carry ${this.show(from)} over into ${this.show(to)}`);
    }
  }

  private swap(notes: string[]): void {
    const out = this.options.outDir;
    const tmp = this.tmp!;
    const old = this.work.tree("old", this.stamp);
    const exists = this.exists(out);
    if (exists) {
      try {
        if (this.unlockMode !== undefined) this.fs.chmod(out, this.unlockMode);
        this.fs.rename(out, old);
      } catch (e) {
        throw this.failed(e, `cannot move ${this.outShown} aside to ${this.show(old)}`);
      }
      this.aside = old;
    }
    try {
      this.fs.rename(tmp, out);
    } catch (e) {
      const doing = `cannot move the new tree ${this.show(tmp)} to ${this.outShown}`;
      if (exists) {
        try {
          this.fs.rename(old, out);
          this.aside = undefined;
        } catch {
          throw asEnvironmentError(e, doing, `${this.outShown} is missing: the next paodin-fleet render puts the new tree in place`);
        }
      }
      throw this.failed(e, doing);
    }
    // The swap point: from here on the render has succeeded.
    this.tmp = undefined;
    this.aside = undefined;
    if (!exists) return;
    try {
      removeTree(this.fs, old);
    } catch (e) {
      if (!isEnvironmentFailure(e)) throw e;
      notes.push(`could not remove the previous tree, ${this.show(old)}: ${causeOf(e)}; git ignores it, and the next render removes it`);
    }
  }

  /** The session's own work directory, removed when nothing is left in it. */
  private endWork(notes: string[]): void {
    try {
      this.work.removeIfIdle();
    } catch (e) {
      if (!isEnvironmentFailure(e)) throw e;
      notes.push(`could not remove ${this.show(this.work.path)}: ${causeOf(e)}`);
    }
  }

  private exists(p: string): boolean {
    try {
      this.fs.lstat(p);
      return true;
    } catch {
      return false;
    }
  }

  /** An environment failure before the swap point, saying that the output is as it was. */
  private failed(e: unknown, doing: string): unknown {
    if (e instanceof InTheWay) return e.toEnvironmentError(this.options.outDir, this.show);
    return asEnvironmentError(e, doing, `${this.outShown} is unchanged`);
  }
}
