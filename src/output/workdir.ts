import { randomBytes } from "node:crypto";
import { readFileSync, realpathSync, statSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { EnvironmentError } from "../diagnostics/issue.js";
import { asEnvironmentError, causeOf, isEnvironmentFailure } from "../diagnostics/environment.js";
import { makeDirs, removeTree, type WriterFs } from "./write.js";

/**
 * The work directory of an output directory: `.overlays.paodin-fleet/` beside `overlays/` (on
 * the same file system, so that a swap is a rename). It holds, while a render runs,
 *
 *   .gitignore                          `*`: git ignores the directory and everything in it
 *   lock/<pid>-<nonce>                  the render that holds the lock (see `lockOutput`)
 *   paodin-fleet-new-<pid>-<nonce>/     the tree being rendered
 *   paodin-fleet-old-<pid>-<nonce>/     the previous tree, between the swap's two renames and its removal
 *
 * and is removed when the render ends. Whatever a killed render left in it is completed or
 * removed by the next one that takes the lock (`recoverInterrupted`), which says so.
 */
export const WORK_SUFFIX = ".paodin-fleet";
export const NEW_PREFIX = "paodin-fleet-new-";
export const OLD_PREFIX = "paodin-fleet-old-";
const LOCK = "lock";
const PREP_PREFIX = "lock-";
const GITIGNORE = ".gitignore";
const GITIGNORE_TEXT = "# paodin-fleet's work directory (temporary trees and the lock): never committed\n*\n";

/** Something of another kind (or a link) where the work directory keeps a file or a directory of its own. */
export class InTheWay extends Error {
  constructor(
    readonly path: string,
    readonly found: string,
    /** `its work directory`, `its lock (a directory)`. */
    readonly wanted: string,
  ) {
    super(`${path}: ${found}, where paodin-fleet keeps ${wanted}`);
  }

  /** What the user reads: `.overlays.paodin-fleet is a file, where paodin-fleet keeps its work directory; move it away (overlays/ is unchanged)`. */
  toEnvironmentError(outDir: string, show: (p: string) => string): EnvironmentError {
    return new EnvironmentError(`${show(this.path)} is ${this.found}, where paodin-fleet keeps ${this.wanted}; move it away (${show(outDir)}/ is unchanged)`);
  }
}

function inTheWay(fs: WriterFs, p: string, wanted: "file" | "directory", role: string): void {
  let st: ReturnType<WriterFs["lstat"]>;
  try {
    st = fs.lstat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  if ((wanted === "file" && st.isFile()) || (wanted === "directory" && st.isDirectory())) return;
  throw new InTheWay(p, st.isSymbolicLink() ? "a link" : st.isDirectory() ? "a directory" : st.isFile() ? "a file" : "a special file", role);
}

/** `<pid>-<random>`: names a render's temporary trees, so that the next one knows whose they were. */
export function newStamp(): string {
  return `${process.pid}-${randomBytes(4).toString("hex")}`;
}

function pidOf(stamp: string): number | undefined {
  const m = /^(\d+)-/.exec(stamp);
  return m === null ? undefined : Number(m[1]);
}

export class WorkDir {
  readonly path: string;

  constructor(
    readonly outDir: string,
    private readonly fs: WriterFs,
  ) {
    this.path = path.join(path.dirname(outDir), `.${path.basename(outDir)}${WORK_SUFFIX}`);
  }

  /** The directories above this one that `ensure` made (an `--out deploy/overlays` in a new `deploy/`), outermost first. */
  private madeAbove: string[] = [];

  /** Makes the directory, its `.gitignore` first. */
  ensure(): void {
    const made: string[] = [];
    makeDirs(this.fs, this.path, made);
    this.madeAbove.push(...made.filter((d) => d !== this.path));
    const file = `${this.path}/${GITIGNORE}`;
    // Put there by hand (or by a checkout): named, rather than failing on it as ENOTDIR or EISDIR.
    inTheWay(this.fs, this.path, "directory", "its work directory");
    inTheWay(this.fs, file, "file", "the .gitignore of its work directory (a file)");
    inTheWay(this.fs, `${this.path}/${LOCK}`, "directory", "its lock (a directory)");
    let text: string | undefined;
    try {
      text = this.fs.readFile(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    // Rewritten when a render was killed between creating the file and writing it.
    if (text !== GITIGNORE_TEXT) this.fs.writeFile(file, GITIGNORE_TEXT);
  }

  tree(kind: "new" | "old", stamp: string): string {
    return `${this.path}/${kind === "new" ? NEW_PREFIX : OLD_PREFIX}${stamp}`;
  }

  /**
   * Removes the directory if nothing but its `.gitignore` and the entries `mine` accepts are in
   * it: renamed aside in one step first (which also releases a lock held inside it, and sends
   * anyone preparing to lock in it back to the start), then removed, its `.gitignore` last.
   * False when someone else's entries are there (a render waiting for the lock).
   */
  removeIfIdle(mine: (name: string) => boolean = () => false): boolean {
    let names: string[];
    try {
      names = this.fs.readdir(this.path).map((d) => d.name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return true;
      throw e;
    }
    if (names.some((n) => n !== GITIGNORE && !mine(n))) return false;
    const gone = path.join(path.dirname(this.path), `${path.basename(this.path)}-gone-${newStamp()}`);
    try {
      this.fs.rename(this.path, gone);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return true;
      throw e;
    }
    removeTree(this.fs, gone, GITIGNORE);
    // And the directories made for it, where nothing else came to be (a render that wrote
    // nothing leaves nothing).
    for (const dir of this.madeAbove.splice(0).reverse()) {
      try {
        this.fs.rmdir(dir);
      } catch {
        break;
      }
    }
    return true;
  }
}

/** Who holds a lock: written into the lock when it is taken. */
export interface Holder {
  readonly pid: number;
  readonly host: string;
  /** The process's start time (Linux, /proc), to tell a reused pid from the holder. */
  readonly started?: string;
  readonly since: string;
}

export interface Lock {
  /** Locks taken over from processes that no longer run. */
  readonly tookOver: readonly Holder[];
  /**
   * Gives the lock up and removes the work directory when no other render waits for it. Never
   * fails for the environment (the render it ends may have succeeded): what it could not do is
   * returned as notes, and left for the next render.
   */
  release(): string[];
}

export interface LockOptions {
  /** Give up after this long (default five minutes). */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  /** How paths are shown in notes. */
  readonly show?: (p: string) => string;
  /** Called once, when the lock is held by a running render and this one starts waiting. */
  readonly onWait?: (holder: Holder) => void;
}

/**
 * One render at a time per output directory. The lock is the directory `lock/` in the work
 * directory, holding one file named after its holder (`<pid>-<nonce>`, the pid, host and start
 * time inside). It is taken by renaming a prepared directory holding that file onto `lock`: a
 * rename succeeds onto a missing or empty directory and fails onto one that holds a file, so
 * exactly one render gets it. A lock whose holder no longer runs is taken over by removing that
 * holder's file (by its name: it cannot remove another's) and renaming again, so two renders
 * that find the same stale lock still get it one after the other. Released by removing the
 * holder's file and the directory, or the whole work directory.
 */
export async function lockOutput(work: WorkDir, fs: WriterFs, options: LockOptions = {}): Promise<Lock> {
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const deadline = Date.now() + timeoutMs;
  const stamp = newStamp();
  const me: Holder = { pid: process.pid, host: hostname(), ...startTime(process.pid), since: new Date().toISOString() };
  const lock = `${work.path}/${LOCK}`;
  const prep = `${work.path}/${PREP_PREFIX}${stamp}`;
  const tookOver: Holder[] = [];
  const show = options.show ?? ((p: string) => p);
  let waited = false;
  let poll = options.pollMs ?? 20;
  let vanished = 0;
  for (;;) {
    try {
      work.ensure();
      if (!fs.exists(prep)) {
        fs.mkdir(prep);
        fs.writeFile(`${prep}/${stamp}`, `${JSON.stringify(me)}\n`);
      }
      fs.rename(prep, lock);
      return { tookOver, release: () => release(work, fs, `${lock}/${stamp}`, show) };
    } catch (e) {
      // Nothing to clean up: the work directory was there before (a new one has nothing in the way).
      if (e instanceof InTheWay) throw e.toEnvironmentError(work.outDir, show);
      const code = (e as NodeJS.ErrnoException).code;
      // The work directory was removed meanwhile (its last holder released it): start again.
      if (code === "ENOENT" && ++vanished < 1000) continue;
      if (code !== "EEXIST" && code !== "ENOTEMPTY") {
        removeQuietly(fs, prep);
        idleAway(work);
        throw asEnvironmentError(e, `cannot lock ${show(work.outDir)}/: cannot write ${show(work.path)}`, `${show(work.outDir)}/ is unchanged`);
      }
    }
    // Held: by a render that runs (wait), or by one that no longer does (take it over).
    let holders: { name: string; holder: Holder | undefined }[];
    try {
      holders = fs.readdir(lock).map((d) => ({ name: d.name, holder: readHolder(fs, `${lock}/${d.name}`) }));
    } catch (e) {
      // Released meanwhile: try again. Unreadable (another user's): held, by someone unknown.
      if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
      holders = [{ name: "", holder: undefined }];
    }
    let running = holders.filter((h) => h.holder === undefined || isRunning(h.holder));
    if (running.length === 0) {
      for (const h of holders) {
        try {
          fs.unlink(`${lock}/${h.name}`);
          tookOver.push(h.holder!);
        } catch (e) {
          // ENOENT: removed by another render taking it over too, one of us gets it. Anything
          // else (not ours to remove): still held, so wait like for a running holder.
          if ((e as NodeJS.ErrnoException).code !== "ENOENT") running = [h];
        }
      }
      if (running.length === 0) continue;
    }
    const holder = running[0]!.holder;
    if (Date.now() > deadline) {
      removeQuietly(fs, prep);
      idleAway(work);
      const who = holder === undefined ? "another paodin-fleet" : `paodin-fleet (pid ${holder.pid} on ${holder.host}, since ${holder.since})`;
      throw new EnvironmentError(
        `${show(work.outDir)}/ is locked by ${who}: gave up waiting after ${Math.round(timeoutMs / 1000)} s; if no render runs (one on another machine that shares this directory?), remove ${show(lock)}`,
      );
    }
    if (!waited && holder !== undefined) options.onWait?.(holder);
    waited = true;
    await new Promise((r) => setTimeout(r, poll));
    poll = Math.min(poll * 2, 200);
  }
}

function release(work: WorkDir, fs: WriterFs, mine: string, show: (p: string) => string): string[] {
  const lock = path.dirname(mine);
  try {
    // The whole work directory when nothing else is in it (the lock goes with it)…
    if (work.removeIfIdle((n) => n === LOCK)) return [];
  } catch (e) {
    if (!isEnvironmentFailure(e)) throw e;
    const where = show(e.path ?? work.path);
    if (!fs.exists(mine)) return [`could not remove the work directory (${where}): ${causeOf(e)}; git ignores what is left, and the next render removes it`];
  }
  // …else just the lock.
  try {
    fs.unlink(mine);
  } catch (e) {
    if (!isEnvironmentFailure(e)) throw e;
    return [`could not release the lock ${show(lock)}: ${causeOf(e)}; the next render takes it over`];
  }
  try {
    fs.rmdir(lock);
  } catch {
    // Taken meanwhile (a render renamed its own lock onto the empty directory): theirs now.
  }
  try {
    work.removeIfIdle();
  } catch (e) {
    if (!isEnvironmentFailure(e)) throw e;
    return [`could not remove the work directory (${show(e.path ?? work.path)}): ${causeOf(e)}; git ignores it, and the next render removes it`];
  }
  return [];
}

function readHolder(fs: WriterFs, file: string): Holder | undefined {
  try {
    const h = JSON.parse(fs.readFile(file)) as Holder;
    return typeof h.pid === "number" && typeof h.host === "string" ? h : undefined;
  } catch {
    // Being written (the holder's own prepared file is complete before it is renamed in, so
    // this is a file someone put there by hand): treat as running, and time out.
    return undefined;
  }
}

/** The work directory, if nothing is left in it (a lock that could not be taken made it). */
function idleAway(work: WorkDir): void {
  try {
    work.removeIfIdle();
  } catch {
    // Left for the next render's clean-up; git ignores it.
  }
}

function removeQuietly(fs: WriterFs, p: string): void {
  try {
    removeTree(fs, p);
  } catch {
    // Left for the next render's clean-up.
  }
}

/** `/proc/<pid>/stat`'s start time (field 22) and whether the process is a zombie; nothing where there is no /proc. */
function procStat(pid: number): { started: string; zombie: boolean } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const started = fields[19];
    return started === undefined ? undefined : { started, zombie: fields[0] === "Z" };
  } catch {
    return undefined;
  }
}

function startTime(pid: number): { started?: string } {
  const s = procStat(pid);
  return s === undefined ? {} : { started: s.started };
}

/** Does the holder's process still run? A holder on another host cannot be checked: it is taken to run. */
export function isRunning(h: Holder): boolean {
  if (h.host !== hostname()) return true;
  if (h.pid === process.pid) return true;
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  const s = procStat(h.pid);
  if (s === undefined) return true;
  return !s.zombie && (h.started === undefined || h.started === s.started);
}

function pidRuns(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  return procStat(pid)?.zombie !== true;
}

/**
 * Completes or removes what a render that was killed left (call it holding the lock, before
 * anything reads the output directory): returns what it did, for the user.
 *
 * The swap is two renames: the output directory into `paodin-fleet-old-<stamp>`, then
 * `paodin-fleet-new-<stamp>` into its place; the new tree is complete before the first. So when
 * the output directory is missing and an old tree is there, a render was killed between the two:
 * its new tree is put in place (or, if that is gone, the old one back). Every other leftover is
 * removed: new trees (complete or not, never swapped in), old trees (already replaced), prepared
 * locks, and the trees of earlier versions of paodin-fleet beside the output directory
 * (`.overlays.paodin-fleet-new-*`, `-old-*`) or of a release that was cut short (`-gone-*`).
 */
export function recoverInterrupted(work: WorkDir, fs: WriterFs, show: (p: string) => string): string[] {
  const notes: string[] = [];
  const outDir = work.outDir;
  const outShown = `${show(outDir)}/`;
  type Leftover = { readonly dir: string; readonly kind: "new" | "old" | "other"; readonly stamp: string };
  const left: Leftover[] = [];
  for (const name of safeList(fs, work.path)) {
    if (name.startsWith(NEW_PREFIX)) left.push({ dir: `${work.path}/${name}`, kind: "new", stamp: name.slice(NEW_PREFIX.length) });
    else if (name.startsWith(OLD_PREFIX)) left.push({ dir: `${work.path}/${name}`, kind: "old", stamp: name.slice(OLD_PREFIX.length) });
    else if (name.startsWith(PREP_PREFIX)) {
      // A lock whose name gives no pid is not ours to judge: taken to run.
      const stamp = name.slice(PREP_PREFIX.length);
      const pid = pidOf(stamp);
      if (pid !== undefined && !pidRuns(pid)) left.push({ dir: `${work.path}/${name}`, kind: "other", stamp });
    }
  }
  // Earlier versions put their trees beside the output directory; a release cut short leaves `-gone-`.
  const parent = path.dirname(outDir);
  const beside = new RegExp(`^\\.${escapeRegExp(path.basename(outDir))}\\.paodin-fleet-(new|old|gone)-(\\d+-[0-9a-z]+)$`);
  for (const name of safeList(fs, parent)) {
    const m = beside.exec(name);
    // A `-gone-` directory is out of every render's way once renamed: removed whoever made it.
    if (m === null || (m[1] !== "gone" && pidRuns(pidOf(m[2]!)!))) continue; // the pattern has the pid
    left.push({ dir: `${parent}/${name}`, kind: m[1] === "gone" ? "other" : (m[1] as "new" | "old"), stamp: m[2]! });
  }
  if (!lexists(fs, outDir)) {
    const old = left.find((t) => t.kind === "old");
    if (old !== undefined) {
      const fresh = left.find((t) => t.kind === "new" && t.stamp === old.stamp && path.dirname(t.dir) === path.dirname(old.dir));
      const pid = pidOf(old.stamp);
      const chosen = fresh ?? old;
      try {
        fs.rename(chosen.dir, outDir);
      } catch (e) {
        throw asEnvironmentError(e, `cannot complete the swap of an interrupted render: cannot move ${show(chosen.dir)} to ${outShown}`, `${outShown} is missing until a render can`);
      }
      notes.push(
        fresh !== undefined
          ? `finished the swap of a render that was interrupted (pid ${pid}): ${outShown} holds the tree it rendered`
          : `put back ${outShown}, which a render that was interrupted (pid ${pid}) had moved aside`,
      );
      left.splice(left.indexOf(chosen), 1);
    }
  }
  const byPid = new Map<string, { paths: string[]; files: number }>();
  for (const t of left) {
    // Nothing in it but directories (and a work directory's .gitignore): goes without a word.
    if (!holdsFiles(fs, t.dir)) {
      removeQuietly(fs, t.dir);
      continue;
    }
    const pid = String(pidOf(t.stamp) ?? "?");
    const entry = byPid.get(pid) ?? { paths: [], files: 0 };
    try {
      entry.files += removeTree(fs, t.dir);
    } catch (e) {
      throw asEnvironmentError(e, `cannot remove ${show(t.dir)}, which a render that was interrupted left`);
    }
    entry.paths.push(show(t.dir));
    byPid.set(pid, entry);
  }
  for (const [pid, { paths, files }] of byPid) {
    notes.push(`removed what a render that was interrupted (pid ${pid}) left behind: ${paths.join(", ")} (${files} file${files === 1 ? "" : "s"})`);
  }
  return notes;
}

function lexists(fs: WriterFs, p: string): boolean {
  try {
    fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

function holdsFiles(fs: WriterFs, dir: string): boolean {
  let entries;
  try {
    entries = fs.readdir(dir);
  } catch {
    return false;
  }
  return entries.some((e) => (e.isDirectory() ? holdsFiles(fs, `${dir}/${e.name}`) : e.name !== GITIGNORE));
}

function safeList(fs: WriterFs, dir: string): string[] {
  try {
    return fs
      .readdir(dir)
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Why `dir` cannot be replaced by a rename, if it cannot: it is a mount point (another file
 * system, or a bind mount, which shares its file system's device number and is found in
 * /proc/self/mountinfo). Renaming a mount point fails with EBUSY or EXDEV.
 */
export function mountPoint(dir: string): boolean {
  let st;
  let parent;
  try {
    st = statSync(dir);
    parent = statSync(path.dirname(dir));
  } catch {
    return false;
  }
  return st.dev !== parent.dev || mountedPaths().includes(dir);
}

/**
 * The mount points strictly inside `dir`, sorted, as paths below `dir`: renaming `dir` would
 * carry them along with it (the rename succeeds), so that the previous tree, mount and all,
 * could no longer be removed. Found in /proc/self/mountinfo, which holds real paths.
 */
export function mountsInside(dir: string): string[] {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return [];
  }
  const prefix = real.endsWith("/") ? real : `${real}/`;
  return mountedPaths()
    .filter((m) => m.startsWith(prefix))
    .sort()
    .map((m) => `${dir}/${m.slice(prefix.length)}`);
}

/** Where file systems are mounted (the fifth field of mountinfo, its octal escapes decoded); none without /proc. */
function mountedPaths(): string[] {
  let info: string;
  try {
    info = readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return [];
  }
  return info
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((m) => m !== undefined)
    .map((m) => m.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}
