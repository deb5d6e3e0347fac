import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diffTrees, naturalCompare, type FleetDiff } from "../src/output/diff.js";
import { COMMENT_LIMIT, compileTemplate, DEFAULT_MARKDOWN_TEMPLATE, formatMarkdown, formatText } from "../src/output/diff-format.js";
import { commentFileNames } from "../src/output/comments.js";
import { REPO, exampleFleet, firstTestSetup, run, testdir } from "./helpers/cli.js";

const GOLDEN = path.join(REPO, "test", "golden", "diff");

/**
 * Compares with a golden file; UPDATE_GOLDEN=1 writes it (review the diff). A missing golden
 * fails: a test that writes what it then compares with could never fail.
 */
function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, actual);
  else if (!existsSync(file)) throw new Error(`test/golden/diff/${name} is missing: run UPDATE_GOLDEN=1 npx vitest run test/diff.test.ts and review it`);
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
  firstTestSetup(async () => {
    repo = testdir(exampleFleet());
    expect((await run(["render"], repo.dir)).code).toBe(0);
    git(repo.dir, "init", "-q", "-b", "main");
    git(repo.dir, "add", "-A");
    git(repo.dir, "commit", "-qm", "base");
    for (const [p, c] of Object.entries(edited(exampleFleet()))) writeFileSync(path.join(repo.dir, p), c);
  });
  afterAll(() => repo?.cleanup());

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

  it("--against a git ref, read from git's objects (no worktree), once the new output is rendered", async () => {
    const fresh = await run(["diff"], repo.dir);
    expect((await run(["render"], repo.dir)).code).toBe(0);
    expect((await run(["diff"], repo.dir)).stdout).toBe("paodin-fleet diff: no changes\n");
    const againstRef = await run(["diff", "--against", "main"], repo.dir);
    expect(againstRef.stdout).toBe(fresh.stdout);
    expect(git(repo.dir, "worktree", "list").trim().split("\n")).toHaveLength(1);
    git(repo.dir, "checkout", "-q", "--", "overlays");
    git(repo.dir, "clean", "-qfd", "overlays");
  });

  it("--against a git ref from a project in a subdirectory of the repository, before and after its overlays are committed", async () => {
    const outer = testdir(Object.fromEntries(Object.entries(exampleFleet()).map(([p, c]) => [`fleet/${p}`, c])));
    try {
      const sub = path.join(outer.dir, "fleet");
      git(outer.dir, "init", "-q", "-b", "main");
      git(outer.dir, "add", "-A");
      git(outer.dir, "commit", "-qm", "fleet only");
      const first = JSON.parse((await run(["diff", "--against", "main", "--format", "json"], sub)).stdout) as FleetDiff;
      expect(first.clusters.every((c) => c.status === "added")).toBe(true);
      expect(first.added).toBeGreaterThan(20);
      expect((await run(["render"], sub)).code).toBe(0);
      git(outer.dir, "add", "-A");
      git(outer.dir, "commit", "-qm", "rendered");
      expect((await run(["diff", "--against", "HEAD"], sub)).stdout).toBe("paodin-fleet diff: no changes\n");
      const outside = await run(["diff", "--against", "HEAD", "--out", path.join(repo.dir, "overlays")], sub);
      expect(outside.code).toBe(64);
      expect(outside.stderr).toContain("is not inside the git repository");
    } finally {
      outer.cleanup();
    }
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

describe("the README's review loop", () => {
  const readme = readFileSync(path.join(REPO, "README.md"), "utf8");

  it("posts the comments in order, against the base branch, as the GitOps loop says", () => {
    const loop = readme.match(/^ *(for f in diff-comments\/comment-\*\.md; do gh pr comment .*; done)$/m)?.[1];
    expect(loop, "the GitHub Actions snippet's loop").toBeDefined();
    expect(readme).toMatch(/diff -- --against "origin\/\$\{\{ github\.base_ref \}\}" --format markdown --split-dir diff-comments/);
    expect(readme).toMatch(/diff -- --against "origin\/\$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" --format markdown --split-dir diff-comments/);
    const step = readme.slice(readme.indexOf("## The GitOps loop"), readme.indexOf("### Before merging"));
    expect(step).toContain("--against");
    // The loop itself, with gh printing what it would post: 12 comments, in order.
    const dir = testdir(Object.fromEntries(commentFileNames(12).map((n, i) => [`diff-comments/${n}`, `comment ${i + 1}`])));
    try {
      const script = `gh() { cat "$5"; echo; }\n${loop!.replace(/\$\{\{[^}]*\}\}/g, "1")}`;
      const posted = execFileSync("bash", ["-c", script], { cwd: dir.dir, encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
      expect(posted.trim().split("\n")).toEqual(Array.from({ length: 12 }, (_, i) => `comment ${i + 1}`));
    } finally {
      dir.cleanup();
    }
    expect(commentFileNames(1000).at(-1)).toBe("comment-1000.md");
    expect([...commentFileNames(1000)].sort()).toEqual(commentFileNames(1000).sort(naturalCompare));
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

  const markdown = (d: FleetDiff) => formatMarkdown(d, compileTemplate(DEFAULT_MARKDOWN_TEMPLATE));
  const patchOnly = (name: string, value: string, kind = "ConfigMap", apiVersion = "v1") =>
    `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  annotations:\n    argocd.argoproj.io/sync-options: ServerSideApply=true,Validate=false,Prune=false,Delete=false\n    kustomize.toolkit.fluxcd.io/prune: disabled\n  name: ${name}\n  namespace: ns\ndata:\n  value: ${value}\n`;

  it("a patch-only object that leaves the rendering stays in the cluster with its last value, and never shows Secret data", () => {
    const before = new Map([
      ["host/configmap_ns_kubesphere-config.yaml", patchOnly("kubesphere-config", "endpoint-1")],
      ["host/secret_ns_kept.yaml", patchOnly("kept", "c2VjcmV0LTE=", "Secret")],
      ["host/configmap_ns_plain.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n  namespace: ns\n"],
    ]);
    const d = diffTrees(before, new Map([["host/other.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: ns\n"]]));
    expect(d.clusters[0]!.objects.map((o) => [o.id.name, o.change])).toEqual([
      ["kubesphere-config", "kept"],
      ["other", "added"],
      ["plain", "removed"],
      ["kept", "kept"],
    ]);
    expect(d.kept).toBe(2);
    const kept = d.clusters[0]!.objects[0]!;
    expect(kept.patch).toBe("");
    expect(kept.last).toContain("value: endpoint-1");
    const all = [JSON.stringify(d), formatText(d), ...markdown(d)].join("\n");
    expect(all).not.toContain("c2VjcmV0");
    expect(markdown(d)[0]).toContain("<summary>= ConfigMap (core) <code>ns/kubesphere-config</code> <em>(stays in the cluster)</em></summary>");
    expect(markdown(d)[0]).toContain("<summary>- ConfigMap (core) <code>ns/plain</code></summary>");
    expect(formatText(d)).toContain("= ConfigMap (core) ns/kubesphere-config (no longer rendered: stays in the cluster as last applied");
  });

  it("objects carry their group; an object is the same across versions of its API", () => {
    const svc = (apiVersion: string) => `apiVersion: ${apiVersion}\nkind: Service\nmetadata:\n  name: central\n  namespace: ns\nspec: {}\n`;
    const d = diffTrees(
      new Map([["host/a.yaml", svc("v1")], ["host/b.yaml", svc("monitoring.paodin.io/v1alpha1")]]),
      new Map([["host/a.yaml", svc("v1").replace("{}", "{ a: 1 }")], ["host/b.yaml", svc("monitoring.paodin.io/v1beta1")]]),
    );
    expect(d.clusters[0]!.objects.map((o) => [o.change, o.id.apiVersion])).toEqual([
      ["changed", "v1"],
      ["changed", "monitoring.paodin.io/v1beta1"],
    ]);
    const c = markdown(d)[0]!;
    expect(c).toContain("~ Service (core) <code>ns/central</code>");
    expect(c).toContain("~ Service (monitoring.paodin.io) <code>ns/central</code>");
  });

  it("overlays in natural order; new and removed overlays called out; kustomization.yaml shown", () => {
    expect(["member-10", "member-2", "host", "_flux", "member-1", "_argocd", "member-02"].sort(naturalCompare)).toEqual(["_argocd", "_flux", "host", "member-1", "member-02", "member-2", "member-10"]);
    const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  only: ${name}\n`;
    const k = (files: string[]) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${files.map((f) => `- ${f}\n`).join("")}`;
    const before = new Map([
      ["member-9/c.yaml", cm("a")],
      ["member-9/kustomization.yaml", k(["c.yaml"])],
      ["member-2/c.yaml", cm("b")],
      ["member-2/kustomization.yaml", k(["c.yaml"])],
    ]);
    const after = new Map([
      ["member-10/c.yaml", cm("c")],
      ["member-2/c.yaml", cm("b")],
      ["member-2/d.yaml", cm("d")],
      ["member-2/kustomization.yaml", k(["c.yaml", "d.yaml"])],
    ]);
    const d = diffTrees(before, after);
    expect(d.clusters.map((c) => [c.cluster, c.status])).toEqual([
      ["member-2", "changed"],
      ["member-9", "removed"],
      ["member-10", "added"],
    ]);
    const c = markdown(d)[0]!;
    expect(c).toContain("**New overlay (1):** `member-10`.");
    expect(c).toContain("**Removed overlay (1):** `member-9`.");
    expect(c).toContain("<summary>~ <code>kustomization.yaml</code></summary>");
    expect(c).toContain("+- d.yaml");
    expect(c.indexOf("#### `member-2`")).toBeLessThan(c.indexOf("#### `member-9`"));
    expect(c.indexOf("#### `member-9`")).toBeLessThan(c.indexOf("#### `member-10`"));
  });

  it("markdown: thousands of different objects in one overlay are split inside it, each shown once", () => {
    const cm = (i: number, v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n  namespace: n\ndata:\n  key: ${v}-${i}\n`;
    const before = new Map(Array.from({ length: 3000 }, (_, i) => [`host/c${i}.yaml`, cm(i, "old")] as const));
    const after = new Map(Array.from({ length: 3000 }, (_, i) => [`host/c${i}.yaml`, cm(i, "new")] as const));
    const comments = markdown(diffTrees(before, after));
    expect(comments.length).toBeGreaterThan(3);
    for (const [i, c] of comments.entries()) {
      expect(c.length).toBeLessThanOrEqual(COMMENT_LIMIT);
      expect(c).toContain(i === 0 ? "#### `host` (3,000 changed)\n" : "#### `host` (3,000 changed) (continued)");
      expect(c.split("\n")[0]).toContain(`(comment ${i + 1} of ${comments.length})`);
    }
    const shown = comments.flatMap((c) => [...c.matchAll(/<code>n\/(c\d+)<\/code>/g)].map((m) => m[1]));
    expect(shown).toEqual(Array.from({ length: 3000 }, (_, i) => `c${i}`));
  });

  it("markdown: a template of the user's is held to the limit too, and one too long by itself says it was cut", () => {
    const big = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n  namespace: n\ndata:\n${Array.from({ length: 200 }, (_, j) => `  key${j}: value-${i}-${j}\n`).join("")}`;
    const d = diffTrees(new Map(), new Map(Array.from({ length: 30 }, (_, i) => [`member-${i}/c.yaml`, big(i)] as const)));
    // Not additive: every patch three times, and the number of sections squared.
    const thrice = compileTemplate("{{part}}/{{parts}}{{#each sections}}{{#each ../sections}}#{{/each}}{{#each objects}}{{patch}}{{patch}}{{patch}}{{/each}}{{/each}}");
    const comments = formatMarkdown(d, thrice);
    expect(comments.length).toBeGreaterThan(1);
    for (const c of comments) expect(c.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    const huge = compileTemplate(`${"x".repeat(70_000)}\n{{summary}}`);
    const cut = formatMarkdown(d, huge);
    for (const c of cut) {
      expect(c.length).toBeLessThanOrEqual(COMMENT_LIMIT);
      expect(c).toContain("_This comment was cut at 65,536 characters");
    }
  });
});
