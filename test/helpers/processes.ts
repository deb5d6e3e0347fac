import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { exampleFleet, readTreeSync, REPO, run } from "./cli.js";

/** The package's bin, as users run it (built by `npm run build`). */
export const BIN = path.join(REPO, "bin", "paodin-fleet.js");

/** Larger and longer runs of the fault tests: PAODIN_FLEET_SOAK=1. */
export const SOAK = process.env.PAODIN_FLEET_SOAK === "1";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the bin in `cwd`. `killAfterMs`: SIGKILL it after that long; `closeStdout`: close the
 * reading end of its stdout at once (as `| head` does when it has read enough).
 */
export function bin(
  args: readonly string[],
  cwd: string,
  options: { env?: Record<string, string>; killAfterMs?: number; closeStdout?: boolean; onStderr?: (soFar: string) => void } = {},
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    if (options.closeStdout === true) child.stdout.destroy();
    else child.stdout.on("data", (d: Buffer) => void (stdout += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
      options.onStderr?.(stderr);
    });
    const timer = options.killAfterMs !== undefined ? setTimeout(() => child.kill("SIGKILL"), options.killAfterMs) : undefined;
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const member = (name: string, ip: string): string =>
  `apiVersion: paodin-fleet/v1alpha1\nkind: Cluster\nmetadata:\n  name: ${name}\n  labels:\n    node-ip: ${ip}\nspec:\n  role: member\n`;

/** The example fleet with `members` more members, one file each. */
export function fleetWith(members: readonly number[]): Record<string, string> {
  const files = exampleFleet();
  for (const i of members) files[`clusters/m/member-${100 + i}.yaml`] = member(`member-${100 + i}`, `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`);
  return files;
}

/**
 * A change that adds, changes and removes files: the ApplicationSet's revision changes,
 * member-2 leaves (its overlay is pruned) and member-9 joins.
 */
export function changed(files: Record<string, string>): Record<string, string> {
  const out = { ...files };
  out["clusters/fleet.yaml"] = out["clusters/fleet.yaml"]!.replace("targetRevision: main", "targetRevision: release-2");
  out["clusters/members.yaml"] = out["clusters/members.yaml"]!.split("---\n")[0]!;
  out["clusters/member-9.yaml"] = member("member-9", "10.0.9.10");
  return out;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
}

function git(cwd: string, args: readonly string[]): string {
  // No automatic gc: it would pack and delete loose objects in the background while a test copies the repository.
  const r = spawnSync("git", ["-c", "gc.auto=0", "-c", "maintenance.auto=false", ...args], { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/**
 * A project in the middle of a change: a git repository whose last commit holds the `before`
 * fleet and its rendering, with the `after` fleet in the working tree (committed too, so that
 * `git status` shows only what a render does to overlays/). `old` and `fresh` are the trees a
 * render leaves before and after the change. `copy()` makes another such project, cheaply.
 */
export interface Scenario {
  readonly template: string;
  readonly old: Map<string, string>;
  readonly fresh: Map<string, string>;
  copy(): string;
  cleanup(): void;
}

/** Memory-backed where there is one: the fault tests copy whole projects hundreds of times. */
const SCRATCH = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();

export async function scenario(before: Record<string, string>, after: Record<string, string>): Promise<Scenario> {
  const root = mkdtempSync(path.join(SCRATCH, "paodin-fleet-faults-"));
  const template = path.join(root, "template");
  mkdirSync(template);
  write(template, before);
  expect0(await run(["render"], template));
  const old = readTreeSync(path.join(template, "overlays"));
  const other = path.join(root, "fresh");
  mkdirSync(other);
  write(other, after);
  expect0(await run(["render"], other));
  const fresh = readTreeSync(path.join(other, "overlays"));
  rmSync(other, { recursive: true, force: true });
  rmSync(path.join(template, "clusters"), { recursive: true, force: true });
  write(template, after);
  git(template, ["init", "-q"]);
  git(template, ["add", "-A"]);
  git(template, ["commit", "-q", "-m", "before"]);
  let n = 0;
  return {
    template,
    old,
    fresh,
    copy: () => {
      const dir = path.join(root, `p${n++}`);
      cpSync(template, dir, { recursive: true });
      return dir;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

function expect0(r: { code: number; stderr: string }): void {
  if (r.code !== 0) throw new Error(`render failed: ${r.stderr}`);
}

/** Which tree `overlays/` holds: the old one, the new one, none, or something else (a bug). */
export function stateOf(dir: string, s: Pick<Scenario, "old" | "fresh">): "old" | "new" | "missing" | "other" {
  const out = path.join(dir, "overlays");
  if (!existsSync(out)) return "missing";
  const tree = readTreeSync(out);
  if (same(tree, s.old)) return "old";
  if (same(tree, s.fresh)) return "new";
  return "other";
}

function same(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** Entries of the project other than .git, clusters and overlays: what a render left behind. */
export function leftovers(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => ![".git", "clusters", "overlays"].includes(n))
    .sort();
}

/**
 * What of a render's leftovers the next run must say it cleaned up: the files (but a work
 * directory's `.gitignore`) in the work directory, or in one cut short (`-gone-`). Empty
 * directories are just removed.
 */
export function leftoverEntries(dir: string): string[] {
  const files = (rel: string): string[] =>
    readdirSync(path.join(dir, rel)).flatMap((e) => {
      const r = `${rel}/${e}`;
      if (statSync(path.join(dir, r)).isDirectory()) return files(r);
      return e === ".gitignore" ? [] : [r];
    });
  return leftovers(dir).flatMap((n) => files(n));
}

/** `git status` paths outside overlays/: what `git add -A` would pick up besides the rendering. */
export function gitSeesElsewhere(dir: string): string[] {
  return git(dir, ["status", "--porcelain", "--untracked-files=all"])
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.slice(3))
    .filter((p) => !p.startsWith("overlays/"));
}

/** Can this machine mount file systems (root in a namespace that allows it)? */
export function canMount(): boolean {
  const dir = mkdtempSync(path.join(tmpdir(), "paodin-fleet-mount-"));
  try {
    const r = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]);
    if (r.status !== 0) return false;
    spawnSync("umount", [dir]);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function sh(cmd: string, args: readonly string[]): void {
  const r = spawnSync(cmd, [...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
}
