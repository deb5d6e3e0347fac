import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffTrees, type FleetDiff } from "../src/output/diff.js";
import { COMMENT_LIMIT, compileTemplate, DEFAULT_MARKDOWN_TEMPLATE, formatMarkdown } from "../src/output/diff-format.js";
import { exampleFleet, REPO, run, testdir } from "./helpers/cli.js";

const GOLDEN = path.join(REPO, "test", "golden", "diff");

/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it (review the diff). */
function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, encoding: "utf8" });
}

/** A change a reviewer would see: a new member, and two gateway replicas. */
function edited(files: Record<string, string>): Record<string, string> {
  return {
    ...files,
    "clusters/members.yaml": `${files["clusters/members.yaml"]!}---\napiVersion: paodin-fleet/v1alpha1\nkind: Cluster\nmetadata:\n  name: member-3\n  labels:\n    node-ip: 10.0.3.10\nspec:\n  role: member\n`,
    "clusters/fleet.yaml": files["clusters/fleet.yaml"]!.replace("    service:\n      spec:\n        gateway:\n", "    service:\n      spec:\n        gateway:\n          replicas: 2\n"),
  };
}

describe("paodin-fleet diff", () => {
  let repo: { dir: string; cleanup: () => void };
  beforeAll(async () => {
    repo = testdir(exampleFleet());
    expect((await run(["render"], repo.dir)).code).toBe(0);
    git(repo.dir, "init", "-q", "-b", "main");
    git(repo.dir, "add", "-A");
    git(repo.dir, "commit", "-qm", "base");
    for (const [p, c] of Object.entries(edited(exampleFleet()))) writeFileSync(path.join(repo.dir, p), c);
  });
  afterAll(() => repo.cleanup());

  it("text: per overlay and object, with a unified diff", async () => {
    const r = await run(["diff"], repo.dir);
    expect(r.code).toBe(0);
    golden("text.txt", r.stdout);
  });

  it("markdown: a summary table and collapsible details", async () => {
    const r = await run(["diff", "--format", "markdown"], repo.dir);
    golden("markdown.md", r.stdout);
  });

  it("json", async () => {
    const r = await run(["diff", "--format", "json"], repo.dir);
    golden("json.json", r.stdout);
    const parsed = JSON.parse(r.stdout) as FleetDiff;
    expect(parsed.clusters.map((c) => c.cluster)).toEqual(["_argocd", "_flux", "host", "member-3"]);
  });

  it("--against a git ref, through a temporary worktree, once the new output is rendered", async () => {
    const fresh = await run(["diff"], repo.dir);
    expect((await run(["render"], repo.dir)).code).toBe(0);
    expect((await run(["diff"], repo.dir)).stdout).toBe("paodin-fleet diff: no changes\n");
    const againstRef = await run(["diff", "--against", "main"], repo.dir);
    expect(againstRef.stdout).toBe(fresh.stdout);
    expect(git(repo.dir, "worktree", "list").trim().split("\n")).toHaveLength(1);
    git(repo.dir, "checkout", "-q", "--", "overlays");
    git(repo.dir, "clean", "-qfd", "overlays");
  });

  it("--against a directory", async () => {
    const other = testdir();
    try {
      const r = await run(["diff", "--against", other.dir, "--format", "json"], repo.dir);
      const d = JSON.parse(r.stdout) as FleetDiff;
      expect(d.changed + d.removed).toBe(0);
      expect(d.added).toBeGreaterThan(20);
    } finally {
      other.cleanup();
    }
  });

  it("--exit-code: 2 with changes; an unknown ref is a usage error", async () => {
    expect((await run(["diff", "--exit-code"], repo.dir)).code).toBe(2);
    const bad = await run(["diff", "--against", "no-such-ref"], repo.dir);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain("--against no-such-ref is neither a directory nor a git ref");
  });
});

describe("diff core", () => {
  const secret = (value: string, sops = "ENC[x]") =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: objectstorage\n  namespace: ns\ndata:\n  thanos.yaml: ${value}\nsops:\n  mac: ${sops}\n`;

  it("never shows Secret data, but says when it changed", () => {
    const d = diffTrees(new Map([["host/s.yaml", secret("c2VjcmV0LTE=")]]), new Map([["host/s.yaml", secret("c2VjcmV0LTI=", "ENC[y]")]]));
    const o = d.clusters[0]!.objects[0]!;
    expect(o.change).toBe("changed");
    expect(o.hiddenChange).toBe(true);
    expect(JSON.stringify(d)).not.toContain("c2VjcmV0");
    const added = diffTrees(new Map(), new Map([["host/s.yaml", secret("c2VjcmV0LTE=")]]));
    expect(added.clusters[0]!.objects[0]!.patch).toContain("thanos.yaml: <hidden>");
    expect(JSON.stringify(added)).not.toContain("c2VjcmV0");
  });

  it("follows an object into another file: a rename is not a removal", () => {
    const obj = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: n\ndata:\n  k: v\n";
    expect(diffTrees(new Map([["host/old.yaml", obj]]), new Map([["host/new.yaml", obj]])).clusters).toEqual([]);
  });

  it("markdown: splits into comments within the platform limit and never drops an overlay", () => {
    const big = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n  namespace: n\ndata:\n${Array.from({ length: 300 }, (_, j) => `  key${j}: value-${i}-${j}\n`).join("")}`;
    const after = new Map(Array.from({ length: 40 }, (_, i) => [`member-${String(i).padStart(2, "0")}/c.yaml`, big(i)] as const));
    const d = diffTrees(new Map(), after);
    const comments = formatMarkdown(d, compileTemplate(DEFAULT_MARKDOWN_TEMPLATE));
    expect(comments.length).toBeGreaterThan(1);
    for (const c of comments) expect(c.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    for (let i = 0; i < 40; i++) {
      const name = `member-${String(i).padStart(2, "0")}`;
      expect(comments.filter((c) => c.includes(`#### \`${name}\``))).toHaveLength(1);
    }
    expect(comments[1]).toContain(`(comment 2 of ${comments.length})`);
  });

  it("markdown: an object too large for any comment is shortened, and says so", () => {
    const huge = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n${Array.from({ length: 20000 }, (_, j) => `  k${j}: ${"x".repeat(20)}\n`).join("")}`;
    const comments = formatMarkdown(diffTrees(new Map(), new Map([["host/h.yaml", huge]])), compileTemplate(DEFAULT_MARKDOWN_TEMPLATE));
    expect(comments).toHaveLength(1);
    expect(comments[0]!.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(comments[0]).toMatch(/\d+ more lines not shown/);
  });
});
