import path from "node:path";
import { EnvironmentError } from "../diagnostics/issue.js";
import { asEnvironmentError, isEnvironmentFailure } from "../diagnostics/environment.js";
import { InTheWay, lockOutput, OLD_PREFIX, recoverInterrupted, WorkDir, type Holder } from "./workdir.js";
import type { WriterFs } from "./write.js";

export interface OpenedOutput {
  /** The work directory, locked; none for a `--check` on a tree it cannot write to. */
  readonly work: WorkDir | undefined;
  /** What was done before anything else: a stale lock taken over, an interrupted render completed or cleaned up. */
  readonly notes: readonly string[];
  /** Never fails for the environment: returns what it could not do (left for the next render). */
  release(): string[];
}

export interface OpenOptions {
  /** False for `render --check`: it still locks (so that it never reads a tree in the middle of a swap) and repairs, where it can write. */
  readonly write: boolean;
  readonly fs: WriterFs;
  readonly show: (p: string) => string;
  readonly onWait?: (holder: Holder) => void;
  readonly timeoutMs?: number;
}

/**
 * Takes the output directory's lock, then completes or removes what an interrupted render left,
 * before the caller reads the tree. A `--check` where nothing can be written (a read-only
 * checkout) reads without the lock: no render can be writing there either.
 */
export async function openOutput(outDir: string, options: OpenOptions): Promise<OpenedOutput> {
  const { fs, show } = options;
  const work = new WorkDir(outDir, fs);
  if (!options.write) {
    // Nothing to read, and no directory to make for the lock: --check writes nothing new.
    if (!fs.exists(path.dirname(outDir))) return readOnly(work, fs, show);
    try {
      work.ensure();
    } catch (e) {
      if (e instanceof InTheWay) throw e.toEnvironmentError(outDir, show);
      if (!isEnvironmentFailure(e) || !["EROFS", "EACCES", "EPERM"].includes(e.code)) {
        // --check writes nothing: not even the empty work directory a failure left (a full disk).
        try {
          work.removeIfIdle();
        } catch {
          // Left for the next render's clean-up; git ignores an empty directory.
        }
        throw asEnvironmentError(e, `cannot write ${show(work.path)}`);
      }
      return readOnly(work, fs, show);
    }
  }
  const lock = await lockOutput(work, fs, { show, ...(options.onWait !== undefined ? { onWait: options.onWait } : {}), ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
  try {
    const notes = lock.tookOver.map((h) => `took over the lock of ${show(outDir)}/ from a render that no longer runs (pid ${h.pid}, since ${h.since})`);
    notes.push(...recoverInterrupted(work, fs, show));
    return { work, notes, release: () => lock.release() };
  } catch (e) {
    lock.release();
    throw e;
  }
}

function readOnly(work: WorkDir, fs: WriterFs, show: (p: string) => string): OpenedOutput {
  let missing = false;
  try {
    fs.lstat(work.outDir);
  } catch {
    missing = true;
  }
  if (missing) {
    let interrupted = false;
    try {
      interrupted = fs.readdir(work.path).some((d) => d.name.startsWith(OLD_PREFIX));
    } catch {
      // No work directory: nothing was interrupted.
    }
    if (interrupted) {
      throw new EnvironmentError(
        `${show(work.outDir)}/ is missing: a render was interrupted in the middle of its swap, and this checkout cannot be written, so --check cannot complete it; run paodin-fleet render where it can write`,
      );
    }
  }
  return { work: undefined, notes: [], release: () => [] };
}
