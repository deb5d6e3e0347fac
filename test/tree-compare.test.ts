import { appendFileSync, cpSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exampleFleet, firstTestSetup, readTreeSync, run, testdir } from "./helpers/cli.js";

/**
 * The tree comparison behind `render --check` and "files are rewritten only when their bytes
 * change" (src/output/tree.ts): a file is unchanged only when it holds exactly the rendered
 * bytes. A file with the rendered text as its prefix and more after it (one byte, a line, more
 * than the comparer's 64 KiB buffer), or one cut short, is changed: `--check` exits 2 naming it,
 * `--check --json` lists it, and `render` writes it back.
 */

const FILE = "member-1/prometheus.monitoring.coreos.com_kubesphere-monitoring-system_k8s.yaml";
const BIG = "host/customresourcedefinition.apiextensions.k8s.io_services.monitoring.paodin.io.yaml";

describe("tree comparison: same bytes, or changed", () => {
  let t: { dir: string; cleanup: () => void };
  let rendered: Map<string, string>;
  const out = (rel: string) => path.join(t.dir, "overlays", rel);
  firstTestSetup(async () => {
    t = testdir(exampleFleet());
    expect((await run(["render"], t.dir)).code).toBe(0);
    rendered = readTreeSync(path.join(t.dir, "overlays"));
    // The comparer's buffers start at 64 KiB: a file larger than that is compared too.
    expect(Buffer.byteLength(rendered.get(BIG)!)).toBeGreaterThan(64 * 1024);
  });
  afterAll(() => t?.cleanup());

  async function expectChanged(rel: string, what: string): Promise<void> {
    const check = await run(["render", "--check"], t.dir);
    expect(check.code, what).toBe(2);
    // (The command it names is the CLI's to word.)
    expect(check.stdout.replace(/`[^`]*`/, "`…`"), what).toBe(`overlays/ is stale; \`…\` would change:\n  ~ overlays/${rel}\n`);
    const json = await run(["render", "--check", "--json"], t.dir);
    expect(json.code, what).toBe(2);
    expect(JSON.parse(json.stdout), what).toEqual({ upToDate: false, added: [], changed: [rel], removed: [], foreign: [], blocked: [] });
    const r = await run(["render"], t.dir);
    expect(r.code, what).toBe(0);
    expect(r.stdout, what).toBe("Rendered 3 clusters into overlays/: 0 added, 1 changed, 0 removed.\n");
    expect(readTreeSync(path.join(t.dir, "overlays")), what).toEqual(rendered);
    expect((await run(["render", "--check"], t.dir)).code, what).toBe(0);
  }

  it("the rendered tree itself is up to date", async () => {
    const check = await run(["render", "--check"], t.dir);
    expect(check.code).toBe(0);
    expect(check.stdout).toBe(`overlays/ is up to date (${rendered.size} files).\n`);
  });

  it.each([
    ["one byte more", FILE, "\n"],
    ["a line more", FILE, "extra: line\n"],
    ["a NUL byte more", FILE, "\0"],
    ["one byte more after a file over 64 KiB", BIG, " "],
    ["64 KiB more", FILE, "x".repeat(64 * 1024)],
  ])("a file with the rendered text and %s is changed", async (what, rel, extra) => {
    appendFileSync(out(rel), extra);
    await expectChanged(rel, what);
  });

  it.each([
    ["one byte less", FILE, 1],
    ["one byte less, over 64 KiB", BIG, 1],
    ["cut after its header line", FILE, -1],
  ])("a file that is the rendered text %s is changed", async (what, rel, less) => {
    const text = rendered.get(rel)!;
    const size = Buffer.byteLength(text);
    truncateSync(out(rel), less < 0 ? text.indexOf("\n") + 1 : size - less);
    await expectChanged(rel, what);
  });

  it("a file of the same length with one byte changed, at the start, the middle or the end, is changed", async () => {
    for (const at of ["start", "middle", "end"] as const) {
      for (const rel of [FILE, BIG]) {
        const text = rendered.get(rel)!;
        // Past the header line (a file without it would not be ours).
        const i = at === "start" ? text.indexOf("\n") + 1 : at === "middle" ? Math.floor(text.length / 2) : text.length - 2;
        const c = text[i] === "a" ? "b" : "a";
        writeFileSync(out(rel), text.slice(0, i) + c + text.slice(i + 1));
        await expectChanged(rel, `${at} of ${rel}`);
      }
    }
  });

  it("render leaves a file with exactly the rendered bytes alone", async () => {
    const before = readFileSync(out(FILE));
    const r = await run(["render"], t.dir);
    expect(r.stdout).toBe(`overlays/ is up to date (${rendered.size} files).\n`);
    expect(readFileSync(out(FILE)).equals(before)).toBe(true);
  });
});

/**
 * Which files a `--cluster` render may touch (the scope of src/output/tree.ts): the named
 * overlays, `_argocd/` (its ApplicationSet lists every cluster), `_flux/kustomization.yaml` and
 * the named clusters' `_flux/<cluster>.yaml`; nothing of any other cluster.
 */
describe("render --cluster: the named overlays and the GitOps files, nothing else", () => {
  it("lists exactly those as changed, writes exactly those, and leaves the rest for a full render", async () => {
    const files = exampleFleet();
    const t = testdir(files);
    try {
      expect((await run(["render"], t.dir)).code).toBe(0);
      // A change to every overlay, to the ApplicationSet and to every Flux Kustomization, and a new cluster.
      const fleet = files["clusters/fleet.yaml"]!.replace(":30990", ":30991").replace("targetRevision: main", "targetRevision: v2").replace("  gitops:\n", "  gitops:\n    flux:\n      interval: 7m\n");
      writeFileSync(path.join(t.dir, "clusters/fleet.yaml"), fleet);
      writeFileSync(
        path.join(t.dir, "clusters/member-3.yaml"),
        "apiVersion: paodin-fleet/v1alpha1\nkind: Cluster\nmetadata:\n  name: member-3\n  labels:\n    node-ip: 10.0.3.10\nspec:\n  role: member\n",
      );
      const m1 = [
        "member-1/clusterconfiguration.installer.kubesphere.io_kubesphere-system_ks-installer.yaml",
        "member-1/prometheus.monitoring.coreos.com_kubesphere-monitoring-system_k8s.yaml",
      ];
      const check = await run(["render", "--check", "--json", "--cluster", "member-1"], t.dir);
      expect(check.code).toBe(2);
      expect(JSON.parse(check.stdout)).toEqual({
        upToDate: false,
        added: [],
        changed: ["_argocd/applicationset.yaml", "_argocd/kustomization.yaml", "_flux/kustomization.yaml", "_flux/member-1.yaml", ...m1],
        removed: [],
        foreign: [],
        blocked: [],
      });
      const before = readTreeSync(path.join(t.dir, "overlays"));
      const r = await run(["render", "--json", "--cluster", "member-1"], t.dir);
      expect(r.code, r.stderr).toBe(0);
      const after = readTreeSync(path.join(t.dir, "overlays"));
      const touched = [...after.keys()].filter((k) => after.get(k) !== before.get(k)).sort();
      expect(touched).toEqual(["_argocd/applicationset.yaml", "_argocd/kustomization.yaml", "_flux/kustomization.yaml", "_flux/member-1.yaml", ...m1]);
      expect([...after.keys()].filter((k) => !before.has(k))).toEqual([]);
      // The full render then does the rest: member-3's files, and every other cluster's.
      const full = JSON.parse((await run(["render", "--check", "--json"], t.dir)).stdout) as { added: string[]; changed: string[] };
      expect(full.added).toContain("_flux/member-3.yaml");
      expect(full.added.filter((f) => f.startsWith("member-3/")).length).toBeGreaterThan(1);
      expect(full.changed).toEqual(expect.arrayContaining(["_flux/host.yaml", "_flux/member-2.yaml", "host/prometheus.monitoring.coreos.com_kubesphere-monitoring-system_k8s.yaml"]));
      expect(full.changed.some((f) => f.startsWith("member-1/") || f.startsWith("_argocd/") || f === "_flux/member-1.yaml" || f === "_flux/kustomization.yaml")).toBe(false);
    } finally {
      t.cleanup();
    }
  });
});

describe("diff --against a directory with links in it", () => {
  it("a link is not followed: neither the file nor the directory it leads to is read as part of the tree", async () => {
    const t = testdir(exampleFleet());
    try {
      expect((await run(["render"], t.dir)).code).toBe(0);
      const against = path.join(t.dir, "against");
      cpSync(path.join(t.dir, "overlays"), against, { recursive: true });
      writeFileSync(path.join(t.dir, "elsewhere.yaml"), "# Generated by paodin-fleet from x. Do not edit.\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: linked\n  namespace: n\ndata:\n  secret: LINKED-CONTENT\n");
      symlinkSync(path.join(t.dir, "elsewhere.yaml"), path.join(against, "host/linked.yaml"));
      symlinkSync(path.join(t.dir, "clusters"), path.join(against, "host/linked-dir.yaml"));
      for (const format of ["text", "json"]) {
        const r = await run(["diff", "--against", "against", "--format", format], t.dir);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).not.toContain("LINKED-CONTENT");
        expect(r.stdout).not.toContain("linked");
      }
      expect((await run(["diff", "--against", "against"], t.dir)).stdout).toBe("paodin-fleet diff: no changes\n");
    } finally {
      t.cleanup();
    }
  });
});
