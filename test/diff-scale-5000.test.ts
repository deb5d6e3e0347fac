import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffTrees } from "../src/output/diff.js";
import { COMMENT_LIMIT, compileTemplate, DEFAULT_MARKDOWN_TEMPLATE, formatMarkdown } from "../src/output/diff-format.js";
import { renderFleet } from "../src/pipeline.js";
import { testdir } from "./helpers/cli.js";
import { FLEET_EDITS, generatedFleet } from "./helpers/fleets.js";

/**
 * The scenarios of test/diff-scale.test.ts at 5,000 members, kept cheap: two renders (the fleet
 * and its mode switch); the gateway and Flux changes are made on the rendered text, which is
 * exactly what a render of the edited fleet writes (test/diff-scale.test.ts renders them).
 */

const MEMBERS = 5000;
const template = compileTemplate(DEFAULT_MARKDOWN_TEMPLATE);

function checkLimits(comments: readonly string[]): void {
  expect(comments.length).toBeGreaterThan(0);
  comments.forEach((c, i) => {
    expect(c.length, `comment ${i + 1}`).toBeLessThanOrEqual(COMMENT_LIMIT);
    if (comments.length > 1) expect(c.split("\n")[0]).toContain(`(comment ${i + 1} of ${comments.length})`);
  });
}

function edit(tree: ReadonlyMap<string, string>, f: (path: string, text: string) => string): Map<string, string> {
  return new Map([...tree].map(([p, t]) => [p, f(p, t)]));
}

describe(`diff at ${MEMBERS.toLocaleString("en-US")} members`, () => {
  let repo: { dir: string; cleanup: () => void };
  let base: Map<string, string>;
  beforeAll(async () => {
    const files = generatedFleet(MEMBERS);
    repo = testdir(files);
    base = new Map((await renderFleet({ cwd: repo.dir, clustersDir: "clusters" })).files.map((f) => [f.path, f.content]));
  });
  afterAll(() => repo.cleanup());

  it("a gateway change: one comment", () => {
    const after = edit(base, (p, t) => (p.startsWith("_") ? t : t.replaceAll(":30990/", ":31990/")));
    const comments = formatMarkdown(diffTrees(base, after), template);
    checkLimits(comments);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toContain("#### `host`, `member-1` … `member-5000`: the same change in 5,001 overlays (each: 2 changed)");
  });

  it("a Flux interval: _flux's 5,001 Kustomizations told in two groups", () => {
    const after = edit(base, (p, t) => (p.startsWith("_flux/") ? t.replace("interval: 10m", "interval: 5m") : t));
    const comments = formatMarkdown(diffTrees(base, after), template);
    checkLimits(comments);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toContain("The same change for 5,000 clusters: `member-1` … `member-5000`.");
  });

  it("5,001 different changes in one overlay: split inside it, each object once, in natural order", () => {
    let n = 0;
    const after = edit(base, (p, t) => (p.startsWith("_flux/") && p !== "_flux/kustomization.yaml" ? t.replace("interval: 10m", `interval: ${1000 + ++n}m`) : t));
    const comments = formatMarkdown(diffTrees(base, after), template);
    checkLimits(comments);
    expect(comments.length).toBeGreaterThan(3);
    expect(comments.slice(1).every((c) => c.includes("#### `_flux` (5,001 changed) (continued)"))).toBe(true);
    const all = comments.join("\n");
    const shown = [...all.matchAll(/<code>flux-system\/kubesphere-monitoring-([a-z0-9-]+)<\/code>/g)].map((m) => m[1]);
    expect(shown).toEqual(["host", ...Array.from({ length: MEMBERS }, (_, i) => `member-${i + 1}`)]);
  });

  it("a mode switch, and the first rendering against nothing: every comment within the limit", async () => {
    writeFileSync(path.join(repo.dir, "clusters/fleet.yaml"), FLEET_EDITS.mode(generatedFleet(0)["clusters/fleet.yaml"]!));
    const scattered = new Map((await renderFleet({ cwd: repo.dir, clustersDir: "clusters" })).files.map((f) => [f.path, f.content]));
    const mode = formatMarkdown(diffTrees(base, scattered), template);
    checkLimits(mode);
    const all = mode.join("\n");
    expect(all).toContain("5,001 kept in the cluster");
    expect(all).toContain("`member-1` … `member-5000`: the same change in 5,000 overlays");

    const first = formatMarkdown(diffTrees(new Map(), base), template);
    checkLimits(first);
    expect(first.length).toBeGreaterThan(1);
    expect(first[0]).toContain("**New overlays (5,003):** `_argocd`, `_flux`, `host`, `member-1` … `member-5000`.");
  });
});
