import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMENT_LIMIT } from "../src/output/diff-format.js";
import { REPO, run, testdir } from "./helpers/cli.js";
import { commitAll, FLEET_EDITS, generatedFleet, git, goldenDiff, readComments, removeDir, writeFiles } from "./helpers/fleets.js";

/**
 * A reviewer of a 1,000-member fleet: one change on a branch, then the README's CI step
 * (`diff --against main --format markdown --split-dir …`). Every comment fits GitHub's limit,
 * the files list in order, and the same change made to a thousand overlays reads once. The
 * markdown of each scenario is kept under test/golden/diff/fleet-1000-*.md for review.
 * test/diff-scale-5000.test.ts runs the same scenarios at 5,000 members.
 */

const MEMBERS = 1000;

/** Checks what must hold of every review, whatever the change; returns the comments. */
export function checkComments(dir: string): string[] {
  const { names, comments } = readComments(dir);
  expect(comments.length).toBeGreaterThan(0);
  const width = Math.max(3, String(names.length).length);
  expect(names).toEqual(names.map((_, i) => `comment-${String(i + 1).padStart(width, "0")}.md`));
  comments.forEach((c, i) => {
    expect(c.length, names[i]).toBeLessThanOrEqual(COMMENT_LIMIT);
    if (comments.length > 1) expect(c.split("\n")[0]).toContain(`(comment ${i + 1} of ${comments.length})`);
    // Nothing silently cut: every collapsible block that opens is closed, every fence too.
    expect(c.split("<details>").length).toBe(c.split("</details>").length);
  });
  return comments;
}

function asGolden(dir: string): string {
  const { names, comments } = readComments(dir);
  return names.map((n, i) => `<!-- ${n} -->\n${comments[i]}`).join("\n");
}

describe(`diff at ${MEMBERS.toLocaleString("en-US")} members`, () => {
  let repo: { dir: string; cleanup: () => void };
  let fleet: string;
  const member = (i: number) => `clusters/members/member-${i}.yaml`;
  let base: Record<string, string>;
  const out = () => path.join(repo.dir, "review");

  beforeAll(async () => {
    base = generatedFleet(MEMBERS);
    // Two exceptions: member-2 keeps its own gateway (unchanged by the fleet's), member-10 has its own too.
    base[member(2)] += "  overrides:\n    central:\n      gatewayURL: http://10.0.0.10:30990\n";
    base[member(10)] += "  overrides:\n    central:\n      gatewayURL: http://10.0.0.20:30990\n";
    repo = testdir(base);
    fleet = base["clusters/fleet.yaml"]!;
    const r = await run(["render"], repo.dir);
    expect(r.code, r.stderr).toBe(0);
    commitAll(repo.dir);
  });
  afterAll(() => repo.cleanup());

  /** The branch: the fleet edited (and rendered, as the author would); the review against main. */
  async function review(files: Record<string, string>, against = "main"): Promise<string[]> {
    writeFiles(repo.dir, files);
    try {
      const r = await run(["diff", "--against", against, "--format", "markdown", "--split-dir", "review"], repo.dir);
      expect(r.code, r.stderr).toBe(0);
      return checkComments(out());
    } finally {
      writeFiles(repo.dir, { "clusters/fleet.yaml": fleet, [member(10)]: base[member(10)]! });
    }
  }

  it("a gateway change: one section for the overlays that change alike, the exceptions named; --split-dir holds only this run's comments", async () => {
    mkdirSync(out(), { recursive: true });
    for (const stale of ["comment-1.md", "comment-10.md", "comment-0002.md"]) writeFileSync(path.join(out(), stale), "stale");
    writeFileSync(path.join(out(), "notes.txt"), "not a comment");
    const comments = await review({
      "clusters/fleet.yaml": FLEET_EDITS.gateway(fleet),
      [member(10)]: base[member(10)]!.replace("10.0.0.20:30990", "10.0.0.20:31990"),
    });
    expect(readdirSync(out()).sort()).toEqual(["comment-001.md", "notes.txt"]);
    expect(comments).toHaveLength(1);
    const c = comments[0]!;
    expect(c).toContain("the same change in 999 overlays");
    expect(c).toContain("`host`, `member-1`, `member-3` … `member-9`, `member-11` … `member-1000`");
    expect(c).toContain("Changed otherwise, in other sections: `member-10`.");
    expect(c).toContain("Unchanged: `member-2`.");
    // Kind and group: ks-installer's ClusterConfiguration and the Prometheus, each diff shown once per section.
    expect(c.match(/<summary>~ Prometheus \(monitoring\.coreos\.com\)/g)).toHaveLength(2);
    expect(c.indexOf("#### `host`, `member-1`")).toBeLessThan(c.indexOf("#### `member-10`"));
    goldenDiff("fleet-1000-gateway.md", asGolden(out()));
  });

  it("a Flux interval: the 1,001 Kustomizations of _flux told once, per kind of cluster", async () => {
    const comments = await review({ "clusters/fleet.yaml": FLEET_EDITS.flux(fleet) });
    const c = comments.join("\n");
    expect(c).toContain("#### `_flux` (1,001 changed)");
    expect(c).toContain("and 999 more like it");
    expect(c).toContain("The same change for 1,000 clusters: `member-1` … `member-1000`.");
    expect(c.match(/<details>/g)).toHaveLength(2); // the host's Kustomization, and the members'
    goldenDiff("fleet-1000-flux.md", asGolden(out()));
  });

  it("a mode switch: patch-only objects that leave the rendering stay in the cluster, and say so", async () => {
    const comments = await review({ "clusters/fleet.yaml": FLEET_EDITS.mode(fleet) });
    const c = comments.join("\n");
    expect(c).toMatch(/1,001 kept in the cluster/);
    expect(c).toContain("<summary>= ClusterConfiguration (installer.kubesphere.io) <code>kubesphere-system/ks-installer</code> <em>(stays in the cluster)</em>");
    expect(c).not.toContain("<summary>- ClusterConfiguration");
    // member-10's own gateway is in its last values: it differs from the 999 others.
    expect(c).toContain("the same change in 999 overlays");
    // A paodin Service and a core Service are told apart by their group.
    expect(c).toContain("- Service (monitoring.paodin.io) <code>kubesphere-monitoring-system/central</code>");
    expect(c).toContain("+ Service (core) <code>kubesphere-monitoring-system/prometheus-k8s-thanos-sidecar</code>");
    goldenDiff("fleet-1000-mode.md", asGolden(out()));
  });

  it("the first rendering, against an empty directory: new overlays named, every comment within the limit", async () => {
    const empty = mkdtempSync(path.join(tmpdir(), "paodin-fleet-empty-"));
    try {
      const comments = await review({}, empty);
      expect(comments.length).toBeGreaterThan(1);
      expect(comments[0]).toContain("**New overlays (1,003):** `_argocd`, `_flux`, `host`, `member-1` … `member-1000`.");
      const all = comments.join("\n");
      expect(all).toContain("the same change in 999 new overlays");
      // kustomization.yaml is shown like any object.
      expect(all).toContain("<summary>+ <code>kustomization.yaml</code>");
      // An object too long to read in a review is shortened with a note, never cut silently.
      expect(all).toMatch(/CustomResourceDefinition \(apiextensions\.k8s\.io\) <code>services\.monitoring\.paodin\.io<\/code> <em>\([\d,]+ more lines not shown\)/);
      goldenDiff("fleet-1000-first.md", asGolden(out()));
    } finally {
      removeDir(empty);
    }
  });

  it("leaves nothing behind when killed: no worktree, no temporary files", async () => {
    const bin = path.join(REPO, "bin", "paodin-fleet.js");
    expect(existsSync(path.join(REPO, "dist", "paodin-fleet.cjs")), "run npm run build first").toBe(true);
    writeFiles(repo.dir, { "clusters/fleet.yaml": FLEET_EDITS.mode(fleet) });
    const status = git(repo.dir, "status", "--porcelain", "--untracked-files=all");
    try {
      for (const delay of [300, 900]) {
        const tmp = mkdtempSync(path.join(tmpdir(), "paodin-fleet-kill-"));
        try {
          const child = spawn(process.execPath, [bin, "diff", "--against", "main", "--format", "markdown"], {
            cwd: repo.dir,
            env: { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp },
            stdio: "ignore",
          });
          const exited = new Promise((resolve) => child.on("exit", resolve));
          await new Promise((resolve) => setTimeout(resolve, delay));
          child.kill("SIGKILL");
          await exited;
          expect(readdirSync(tmp)).toEqual([]);
        } finally {
          removeDir(tmp);
        }
        expect(git(repo.dir, "worktree", "list").trim().split("\n")).toHaveLength(1);
        expect(existsSync(path.join(repo.dir, ".git", "worktrees"))).toBe(false);
        expect(git(repo.dir, "status", "--porcelain", "--untracked-files=all")).toBe(status);
      }
    } finally {
      writeFiles(repo.dir, { "clusters/fleet.yaml": fleet });
    }
  });
});
