import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

async function git(cwd: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run("git", [...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** The commit a ref names, or nothing when it names none (or cwd is not in a git repository). */
export async function resolveCommit(cwd: string, ref: string): Promise<string | undefined> {
  if (ref.startsWith("-")) return undefined;
  try {
    return await git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` on a temporary worktree checked out at `commit`, with the path there that
 * corresponds to `dir` here, and removes the worktree afterwards whatever happens.
 */
export async function withWorktree<T>(cwd: string, commit: string, dir: string, fn: (dirThere: string) => Promise<T>): Promise<T> {
  const top = await git(cwd, ["rev-parse", "--show-toplevel"]);
  const rel = path.relative(top, dir);
  const base = await mkdtemp(path.join(tmpdir(), "paodin-fleet-diff-"));
  const worktree = path.join(base, "tree");
  await git(cwd, ["worktree", "add", "--detach", "--quiet", worktree, commit]);
  try {
    return await fn(path.join(worktree, rel));
  } finally {
    await git(cwd, ["worktree", "remove", "--force", worktree]).catch(() => undefined);
    await rm(base, { recursive: true, force: true });
  }
}
