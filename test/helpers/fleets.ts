import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { exampleFleet, REPO } from "./cli.js";

/**
 * Generated fleets for the scale tests of `diff`: the example fleet with `members` members,
 * one file each (as a large estate keeps them, and as `npm run bench` makes them), named
 * `member-1` … `member-N` so that natural order matters.
 */
export function generatedFleet(members: number, mode: "central" | "scattered" = "central"): Record<string, string> {
  const example = exampleFleet();
  const files: Record<string, string> = {
    "clusters/fleet.yaml": example["clusters/fleet.yaml"]!.replace("mode: central", `mode: ${mode}`),
    "clusters/host.yaml": example["clusters/host.yaml"]!,
  };
  for (let i = 1; i <= members; i++) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    files[`clusters/members/member-${i}.yaml`] =
      `apiVersion: paodin-fleet/v1alpha1\nkind: Cluster\nmetadata:\n  name: member-${i}\n  labels:\n    node-ip: ${ip}\nspec:\n  role: member\n  destination:\n    server: https://${ip}:6443\n`;
  }
  return files;
}

/** The changes of the scale scenarios, as edits of the fleet file. */
export const FLEET_EDITS = {
  gateway: (fleet: string) => fleet.replace(':30990"', ':31990"'),
  flux: (fleet: string) =>
    fleet.includes("  gitops:\n    flux:\n")
      ? fleet.replace("  gitops:\n    flux:\n", "  gitops:\n    flux:\n      interval: 5m\n")
      : fleet.replace("  gitops:\n", "  gitops:\n    flux:\n      interval: 5m\n"),
  mode: (fleet: string) => fleet.replace("mode: central", "mode: scattered"),
} as const;

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args], { cwd, encoding: "utf8", maxBuffer: 1 << 28 });
}

/**
 * Commits everything in `dir` on a new `main` branch, with `git fast-import` (one pack, several
 * times faster than `git add` of thousands of files). The index is left empty: `diff --against`
 * reads the commit, not the index.
 */
export function commitAll(dir: string): void {
  git(dir, "init", "-q", "-b", "main");
  const parts: Buffer[] = [Buffer.from("commit refs/heads/main\ncommitter t <t@example.com> 0 +0000\ndata 4\nbase\n")];
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel === "" ? e.name : `${rel}/${e.name}`;
      if (r === ".git") continue;
      if (e.isDirectory()) walk(r);
      else {
        const bytes = readFileSync(path.join(dir, r));
        parts.push(Buffer.from(`M 100644 inline ${r}\ndata ${bytes.length}\n`), bytes, Buffer.from("\n"));
      }
    }
  };
  walk("");
  execFileSync("git", ["fast-import", "--quiet"], { cwd: dir, input: Buffer.concat(parts), stdio: ["pipe", "ignore", "pipe"] });
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
}

/** The comment files of a `--split-dir`, in the order a shell glob lists them (byte order). */
export function readComments(dir: string): { names: string[]; comments: string[] } {
  const names = readdirSync(dir).filter((n) => /^comment-.*\.md$/.test(n)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { names, comments: names.map((n) => readFileSync(path.join(dir, n), "utf8")) };
}

export const GOLDEN_DIFF = path.join(REPO, "test", "golden", "diff");

/** Compares with a golden file under test/golden/diff/; UPDATE_GOLDEN=1 rewrites it (review the diff). */
export function goldenDiff(name: string, actual: string): void {
  const file = path.join(GOLDEN_DIFF, name);
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, actual);
  // A missing golden fails: a test that writes what it then compares with could never fail.
  else if (!existsSync(file)) throw new Error(`test/golden/diff/${name} is missing: run with UPDATE_GOLDEN=1 and review it`);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
