import { describe, expect, it } from "vitest";
import { count, type ChangeKind, type ClusterDiff, type FleetDiff, type ObjectChange, type ObjectId, type OverlayStatus } from "../src/output/diff.js";
import { ANSI_TEXT, compileTemplate, DEFAULT_MARKDOWN_TEMPLATE, formatJson, formatMarkdown, formatText } from "../src/output/diff-format.js";

/**
 * The rules of `paodin-fleet diff`'s three formats, one by one, on small change sets built by
 * hand (what `diffTrees` hands the formatter): the exact text, markdown and json a user reads,
 * the size of each comment, and that nothing is left out unsaid. test/diff-review.test.ts and
 * test/diff.test.ts check the same guarantees end to end, on rendered fleets.
 */

const id = (kind: string, name: string, namespace?: string, apiVersion = "v1"): ObjectId => ({ apiVersion, kind, name, ...(namespace !== undefined ? { namespace } : {}) });
const obj = (change: ChangeKind, i: ObjectId, patch: string, extra: Partial<ObjectChange> = {}): ObjectChange => ({ id: i, change, file: "f.yaml", patch, hiddenChange: false, ...extra });
const cluster = (name: string, status: OverlayStatus, objects: ObjectChange[]): ClusterDiff => ({ cluster: name, status, ...count(objects), objects });
const fleet = (clusters: ClusterDiff[], overlays = clusters.map((c) => c.cluster)): FleetDiff => ({ clusters, overlays, ...count(clusters.flatMap((c) => c.objects)) });
const md = (d: FleetDiff, limit?: number): string[] => formatMarkdown(d, compileTemplate(DEFAULT_MARKDOWN_TEMPLATE), limit);
const cm = (name: string, ns = "ns"): ObjectId => id("ConfigMap", name, ns);
/** Lines, each ending in a newline. */
const lines = (...ls: string[]): string => `${ls.join("\n")}\n`;
const KUSTOMIZATION = id("Kustomization", "kustomization.yaml", undefined, "kustomize.config.k8s.io/v1beta1");
const KEPT_NOTE =
  "No longer rendered, but it stays in the cluster with its last value: it is annotated so that neither Argo CD nor Flux prunes or deletes it. Change or remove those fields by hand if they should go. As last applied:";

/** A changed overlay, a kept object in it, and a new overlay with a Secret. */
const basic = (): FleetDiff =>
  fleet([
    cluster("host", "changed", [
      obj("changed", cm("a"), lines("@@ -1,1 +1,1 @@", "-k: 1", "+k: 2")),
      obj("kept", id("ClusterConfiguration", "ks-installer", "kubesphere-system", "installer.kubesphere.io/v1alpha1"), "", { last: lines("kind: ClusterConfiguration", "spec: {}") }),
    ]),
    cluster("member-1", "added", [obj("added", id("Secret", "s", "ns"), lines("@@ -0,0 +1,2 @@", "+kind: Secret", "+data: <hidden>"))]),
  ]);

describe("text", () => {
  it("per overlay and object, the patch indented, a kept object's last value, new overlays said", () => {
    expect(formatText(basic())).toBe(
      lines(
        "paodin-fleet diff: 2 overlays change: 1 added, 1 changed, 0 removed, 1 kept in the cluster",
        "",
        "host (1 changed, 1 kept in the cluster)",
        "  ~ ConfigMap (core) ns/a",
        "      @@ -1,1 +1,1 @@",
        "      -k: 1",
        "      +k: 2",
        "  = ClusterConfiguration (installer.kubesphere.io) kubesphere-system/ks-installer (no longer rendered: stays in the cluster as last applied (Argo CD and Flux never prune it))",
        "      kind: ClusterConfiguration",
        "      spec: {}",
        "",
        "member-1 (new overlay: 1 added)",
        "  + Secret (core) ns/s",
        "      @@ -0,0 +1,2 @@",
        "      +kind: Secret",
        "      +data: <hidden>",
      ),
    );
  });

  it("in colour: hunks cyan, added lines green (ending in @@ too), removed red, the overlay bold; a kept object's last value and context lines plain", () => {
    const d = fleet([
      cluster("host", "changed", [
        obj("changed", cm("a"), lines("@@ -1,2 +1,2 @@", " ctx: 0", "-k: 1", "+k: 2", "+v: a@@")),
        obj("kept", cm("b"), "", { last: lines("+a: 1", "-b: 2", "@@ c") }),
      ]),
    ]);
    expect(formatText(d, ANSI_TEXT)).toBe(
      lines(
        "paodin-fleet diff: 1 overlay change: 0 added, 1 changed, 0 removed, 1 kept in the cluster",
        "",
        "\x1b[1mhost (1 changed, 1 kept in the cluster)\x1b[22m",
        "  ~ ConfigMap (core) ns/a",
        "      \x1b[36m@@ -1,2 +1,2 @@\x1b[39m",
        "       ctx: 0",
        "      \x1b[31m-k: 1\x1b[39m",
        "      \x1b[32m+k: 2\x1b[39m",
        "      \x1b[32m+v: a@@\x1b[39m",
        "  = ConfigMap (core) ns/b (no longer rendered: stays in the cluster as last applied (Argo CD and Flux never prune it))",
        "      +a: 1",
        "      -b: 2",
        "      @@ c",
      ),
    );
  });

  it("no changes; one overlay; a removed overlay; hidden values changed; empty lines and a kept object without a last value show nothing", () => {
    expect(formatText(fleet([], ["host"]))).toBe("paodin-fleet diff: no changes\n");
    const d = fleet([
      cluster("member-2", "removed", [
        obj("removed", cm("a"), lines("@@ -1,2 +0,0 @@", "-a: 1", "", "-b: 2")),
        obj("changed", id("Secret", "s", "ns"), "", { hiddenChange: true }),
        obj("kept", cm("k"), ""),
      ]),
    ]);
    expect(formatText(d)).toBe(
      lines(
        "paodin-fleet diff: 1 overlay change: 0 added, 1 changed, 1 removed, 1 kept in the cluster",
        "",
        "member-2 (removed overlay: 1 changed, 1 removed, 1 kept in the cluster)",
        "  - ConfigMap (core) ns/a",
        "      @@ -1,2 +0,0 @@",
        "      -a: 1",
        "      -b: 2",
        "  ~ Secret (core) ns/s (hidden values changed)",
        "  = ConfigMap (core) ns/k (no longer rendered: stays in the cluster as last applied (Argo CD and Flux never prune it))",
      ),
    );
  });

  it("counts with thousands separators; no kept part when nothing is kept", () => {
    const d: FleetDiff = { ...fleet([cluster("host", "changed", [obj("added", cm("a"), "")])]), added: 1_234_567, changed: 1000, removed: 999, kept: 0 };
    expect(formatText(d).split("\n")[0]).toBe("paodin-fleet diff: 1 overlay change: 1,234,567 added, 1,000 changed, 999 removed");
  });
});

describe("json", () => {
  it("the change set as it is, two-space indented, one newline at the end", () => {
    const d = fleet([cluster("host", "changed", [obj("changed", id("Secret", "s", "ns"), "", { hiddenChange: true })])], ["host", "member-1"]);
    expect(formatJson(d)).toBe(
      lines(
        "{",
        '  "clusters": [',
        "    {",
        '      "cluster": "host",',
        '      "status": "changed",',
        '      "added": 0,',
        '      "changed": 1,',
        '      "removed": 0,',
        '      "kept": 0,',
        '      "objects": [',
        "        {",
        '          "id": {',
        '            "apiVersion": "v1",',
        '            "kind": "Secret",',
        '            "name": "s",',
        '            "namespace": "ns"',
        "          },",
        '          "change": "changed",',
        '          "file": "f.yaml",',
        '          "patch": "",',
        '          "hiddenChange": true',
        "        }",
        "      ]",
        "    }",
        "  ],",
        '  "overlays": [',
        '    "host",',
        '    "member-1"',
        "  ],",
        '  "added": 0,',
        '  "changed": 1,',
        '  "removed": 0,',
        '  "kept": 0',
        "}",
      ),
    );
  });
});

describe("markdown, one comment", () => {
  it("the summary, new overlays named, the table, a section per overlay, each object in its details", () => {
    expect(md(basic())).toEqual([
      lines(
        "### paodin-fleet: 2 overlays change: 1 added, 1 changed, 0 removed, 1 kept in the cluster",
        "",
        "**New overlay (1):** `member-1`.",
        "",
        "| overlays | what changes |",
        "|---|---|",
        "| `host` | ~ ConfigMap (core) `ns/a`<br>= ClusterConfiguration (installer.kubesphere.io) `kubesphere-system/ks-installer` (stays in the cluster) |",
        "| `member-1` (new) | + Secret (core) `ns/s` |",
        "",
        "#### `host` (1 changed, 1 kept in the cluster)",
        "",
        "<details><summary>~ ConfigMap (core) <code>ns/a</code></summary>",
        "",
        "```diff",
        "@@ -1,1 +1,1 @@",
        "-k: 1",
        "+k: 2",
        "```",
        "</details>",
        "",
        "<details><summary>= ClusterConfiguration (installer.kubesphere.io) <code>kubesphere-system/ks-installer</code> <em>(stays in the cluster)</em></summary>",
        "",
        KEPT_NOTE,
        "",
        "```yaml",
        "kind: ClusterConfiguration",
        "spec: {}",
        "```",
        "</details>",
        "",
        "#### `member-1` (new overlay: 1 added)",
        "",
        "<details><summary>+ Secret (core) <code>ns/s</code></summary>",
        "",
        "```diff",
        "@@ -0,0 +1,2 @@",
        "+kind: Secret",
        "+data: <hidden>",
        "```",
        "</details>",
      ),
    ]);
  });

  it("no changes: the summary alone", () => {
    expect(md(fleet([], ["host"]))).toEqual(["### paodin-fleet: no changes\n"]);
  });
});

const prom = (n: string): ObjectChange =>
  obj("changed", id("Prometheus", "k8s", "mon", "monitoring.coreos.com/v1"), lines("@@ -1 +1 @@", `-url: http://old/${n}`, `+url: http://new/${n}`), { subject: n });
const removedX = (): ObjectChange => obj("removed", cm("x"), lines("@@ -1,1 +0,0 @@", "-a: 1"));

describe("markdown: overlays that change alike are one section", () => {
  it("a run of consecutive overlays named first … last; the overlays that change otherwise and those that do not named", () => {
    const d = fleet(
      [1, 2, 3, 4].map((n) => cluster(`member-${n}`, "changed", [prom(`member-${n}`)])).concat(cluster("member-5", "changed", [removedX()])),
      ["_flux", "host", "member-1", "member-2", "member-3", "member-4", "member-5", "member-6"],
    );
    expect(md(d)).toEqual([
      lines(
        "### paodin-fleet: 5 overlays change: 0 added, 4 changed, 1 removed",
        "",
        "| overlays | what changes |",
        "|---|---|",
        "| `member-1` … `member-4` (4) | ~ Prometheus (monitoring.coreos.com) `mon/k8s` |",
        "| `member-5` | - ConfigMap (core) `ns/x` |",
        "",
        "#### `member-1` … `member-4`: the same change in 4 overlays (each: 1 changed)",
        "",
        "Shown as in `member-1`: each overlay has its own name where `member-1` appears.",
        "",
        "Changed otherwise, in other sections: `member-5`.",
        "",
        "Unchanged: `host`, `member-6`.",
        "",
        "<details><summary>~ Prometheus (monitoring.coreos.com) <code>mon/k8s</code></summary>",
        "",
        "```diff",
        "@@ -1 +1 @@",
        "-url: http://old/member-1",
        "+url: http://new/member-1",
        "```",
        "</details>",
        "",
        "#### `member-5` (1 removed)",
        "",
        "<details><summary>- ConfigMap (core) <code>ns/x</code></summary>",
        "",
        "```diff",
        "@@ -1,1 +0,0 @@",
        "-a: 1",
        "```",
        "</details>",
      ),
    ]);
  });

  it("new overlays and removed overlays: named in the first lines, as sections of their own, and in the table", () => {
    const d = fleet(
      [
        cluster("member-1", "added", [prom("member-1")]),
        cluster("member-2", "added", [prom("member-2")]),
        cluster("old-a", "removed", [removedX()]),
        cluster("old-b", "removed", [removedX()]),
      ],
      ["host", "member-1", "member-2", "old-a", "old-b"],
    );
    expect(md(d)).toEqual([
      lines(
        "### paodin-fleet: 4 overlays change: 0 added, 2 changed, 2 removed",
        "",
        "**New overlays (2):** `member-1`, `member-2`.",
        "",
        "**Removed overlays (2):** `old-a`, `old-b`. The objects the fleet only patches stay in those clusters with their last values (marked = below).",
        "",
        "| overlays | what changes |",
        "|---|---|",
        "| `member-1`, `member-2` (2, new) | ~ Prometheus (monitoring.coreos.com) `mon/k8s` |",
        "| `old-a`, `old-b` (2, removed) | - ConfigMap (core) `ns/x` |",
        "",
        "#### `member-1`, `member-2`: the same change in 2 new overlays (each: 1 changed)",
        "",
        "Shown as in `member-1`: each overlay has its own name where `member-1` appears.",
        "",
        "Changed otherwise, in other sections: `old-a`, `old-b`.",
        "",
        "Unchanged: `host`.",
        "",
        "<details><summary>~ Prometheus (monitoring.coreos.com) <code>mon/k8s</code></summary>",
        "",
        "```diff",
        "@@ -1 +1 @@",
        "-url: http://old/member-1",
        "+url: http://new/member-1",
        "```",
        "</details>",
        "",
        "#### `old-a`, `old-b`: the same change in 2 removed overlays (each: 1 removed)",
        "",
        "Shown as in `old-a`: each overlay has its own name where `old-a` appears.",
        "",
        "Changed otherwise, in other sections: `member-1`, `member-2`.",
        "",
        "Unchanged: `host`.",
        "",
        "<details><summary>- ConfigMap (core) <code>ns/x</code></summary>",
        "",
        "```diff",
        "@@ -1,1 +0,0 @@",
        "-a: 1",
        "```",
        "</details>",
      ),
    ]);
  });

  it("one removed overlay: 'that cluster'; one new: singular", () => {
    const d = fleet([cluster("member-1", "added", [prom("member-1")]), cluster("old-a", "removed", [removedX()])]);
    const c = md(d)[0]!.split("\n");
    expect(c.slice(2, 5)).toEqual([
      "**New overlay (1):** `member-1`.",
      "",
      "**Removed overlay (1):** `old-a`. The objects the fleet only patches stay in that cluster with their last values (marked = below).",
    ]);
    expect(c.filter((l) => l.startsWith("| `"))).toEqual(["| `member-1` (new) | ~ Prometheus (monitoring.coreos.com) `mon/k8s` |", "| `old-a` (removed) | - ConfigMap (core) `ns/x` |"]);
    expect(c.filter((l) => l.startsWith("#### "))).toEqual(["#### `member-1` (new overlay: 1 changed)", "#### `old-a` (removed overlay: 1 removed)"]);
  });

  it("objects of one overlay that change alike are one group, shown for the first, the others named; the table's row lists five and counts the rest", () => {
    const KS = (n: string): ObjectChange =>
      obj("changed", id("Kustomization", n, "flux-system", "kustomize.toolkit.fluxcd.io/v1"), lines("@@ -1 +1 @@", `-path: ./overlays/${n}/old`, `+path: ./overlays/${n}/new`), { subject: n, file: `${n}.yaml` });
    const d = fleet(
      [
        cluster("_flux", "changed", [
          KS("member-1"),
          KS("member-2"),
          KS("member-3"),
          KS("member-5"),
          obj("added", cm("a"), lines("+a")),
          obj("removed", cm("b"), lines("-b")),
          obj("kept", cm("c"), "", { last: lines("c: 1") }),
          obj("changed", id("Secret", "d", "ns"), "", { hiddenChange: true }),
          obj("changed", KUSTOMIZATION, lines("@@ -1 +1,2 @@", " - a.yaml", "+- b.yaml")),
          obj("changed", cm("e"), lines("-e", "+e2")),
        ]),
      ],
      ["_flux", "host", "member-1", "member-2", "member-3", "member-4", "member-5"],
    );
    expect(md(d)).toEqual([
      lines(
        "### paodin-fleet: 1 overlay change: 1 added, 7 changed, 1 removed, 1 kept in the cluster",
        "",
        "| overlays | what changes |",
        "|---|---|",
        "| `_flux` | ~ Kustomization (kustomize.toolkit.fluxcd.io) `flux-system/member-1` and 3 more like it<br>+ ConfigMap (core) `ns/a`<br>- ConfigMap (core) `ns/b`<br>= ConfigMap (core) `ns/c` (stays in the cluster)<br>~ Secret (core) `ns/d`<br>and 2 more |",
        "",
        "#### `_flux` (1 added, 7 changed, 1 removed, 1 kept in the cluster)",
        "",
        "<details><summary>~ Kustomization (kustomize.toolkit.fluxcd.io) <code>flux-system/member-1</code> and 3 more like it</summary>",
        "",
        "The same change for 4 clusters: `member-1` … `member-3`, `member-5`. Shown for `member-1`; each has its own name in its place.",
        "",
        "```diff",
        "@@ -1 +1 @@",
        "-path: ./overlays/member-1/old",
        "+path: ./overlays/member-1/new",
        "```",
        "</details>",
        "",
        "<details><summary>+ ConfigMap (core) <code>ns/a</code></summary>",
        "",
        "```diff",
        "+a",
        "```",
        "</details>",
        "",
        "<details><summary>- ConfigMap (core) <code>ns/b</code></summary>",
        "",
        "```diff",
        "-b",
        "```",
        "</details>",
        "",
        "<details><summary>= ConfigMap (core) <code>ns/c</code> <em>(stays in the cluster)</em></summary>",
        "",
        KEPT_NOTE,
        "",
        "```yaml",
        "c: 1",
        "```",
        "</details>",
        "",
        "<details><summary>~ Secret (core) <code>ns/d</code> <em>(hidden values changed)</em></summary>",
        "",
        "_Not shown: nothing to show. Run `paodin-fleet diff` locally._",
        "</details>",
        "",
        "<details><summary>~ <code>kustomization.yaml</code></summary>",
        "",
        "```diff",
        "@@ -1 +1,2 @@",
        " - a.yaml",
        "+- b.yaml",
        "```",
        "</details>",
        "",
        "<details><summary>~ ConfigMap (core) <code>ns/e</code></summary>",
        "",
        "```diff",
        "-e",
        "+e2",
        "```",
        "</details>",
      ),
    ]);
  });
});

/** `n` added lines `+<name>-line-<i>`, `i` zero-padded to `w` digits. */
const added = (name: string, n: number, w = 0): string => lines(...Array.from({ length: n }, (_, i) => `+${name}-line-${String(i).padStart(w, "0")}`));
const details = (sign: string, name: string, patch: string, note = ""): string =>
  `<details><summary>${sign} ConfigMap (core) <code>ns/${name}</code>${note === "" ? "" : ` <em>(${note})</em>`}</summary>\n\n\`\`\`diff\n${patch}\`\`\`\n</details>\n`;

describe("markdown: split into numbered comments within the limit", () => {
  it("objects packed in order; an overlay that does not fit goes on in the next comment, (continued); the table in the first only", () => {
    const d = fleet([
      cluster("host", "changed", [obj("added", cm("a"), added("a", 10)), obj("added", cm("b"), added("b", 10)), obj("added", cm("c"), added("c", 10))]),
      cluster("member-1", "changed", [obj("added", cm("d"), added("d", 10))]),
    ]);
    const head = (i: number) => `### paodin-fleet: 2 overlays change: 4 added, 0 changed, 0 removed (comment ${i} of 3)\n`;
    const cs = md(d, 700);
    expect(cs).toEqual([
      `${head(1)}\n| overlays | what changes |\n|---|---|\n| \`host\` | + ConfigMap (core) \`ns/a\`<br>+ ConfigMap (core) \`ns/b\`<br>+ ConfigMap (core) \`ns/c\` |\n| \`member-1\` | + ConfigMap (core) \`ns/d\` |\n\n#### \`host\` (3 added)\n\n${details("+", "a", added("a", 10))}`,
      `${head(2)}\n#### \`host\` (3 added) (continued)\n\n${details("+", "b", added("b", 10))}\n${details("+", "c", added("c", 10))}`,
      `${head(3)}\n#### \`member-1\` (1 added)\n\n${details("+", "d", added("d", 10))}`,
    ]);
    expect(cs.map((c) => c.length)).toEqual([476, 499, 301]);
  });

  it("an object too long for a comment of its own: the summary alone first, then the object shortened at a line, saying how many lines are left out; or not shown, saying why", () => {
    const d = fleet([cluster("host", "changed", [obj("added", cm("big"), added("big", 300, 4))])]);
    const first = "### paodin-fleet: 1 overlay change: 1 added, 0 changed, 0 removed (comment 1 of 2)\n\n| overlays | what changes |\n|---|---|\n| `host` | + ConfigMap (core) `ns/big` |\n";
    const second = "### paodin-fleet: 1 overlay change: 1 added, 0 changed, 0 removed (comment 2 of 2)\n\n#### `host` (1 added)\n\n";
    // 2,000 characters of 15-character lines: 133 lines.
    expect(md(d, 2500)).toEqual([first, `${second}${details("+", "big", added("big", 133, 4), "167 more lines not shown")}`]);
    expect(md(d, 1500)).toEqual([
      first,
      `${second}<details><summary>+ ConfigMap (core) <code>ns/big</code></summary>\n\n_Not shown: too long for a comment. Run \`paodin-fleet diff\` locally._\n</details>\n`,
    ]);
  });
});

describe("markdown: a patch too long to review is shortened, and says so", () => {
  /** `n` lines of 100 characters with their newlines, `+` or `-` first. */
  const wide = (sign: string, n: number, extra = ""): string => lines(...Array.from({ length: n }, (_, i) => `${sign}${String(i).padStart(98, "x")}`)).replace(/\n$/, `${extra}\n`);
  const oneObject = (change: ChangeKind, patch: string): FleetDiff =>
    fleet([cluster("host", "changed", [obj(change, cm("o"), change === "kept" ? "" : patch, change === "kept" ? { last: patch } : {})])]);
  const shownOf = (c: string): { summary: string; body: string } => ({
    summary: c.match(/<summary>.*<\/summary>/)![0],
    body: c.match(/```(?:diff|yaml)\n([\s\S]*?)```/)![1]!,
  });

  it.each([
    ["added", 120, "+"],
    ["removed", 120, "-"],
    ["kept", 120, " "],
    ["changed", 480, "-"],
  ] as const)("%s: its limit (%i lines of 100 characters) whole; one character more and the last line goes, said", (change, n, sign) => {
    const sum = `<summary>${{ added: "+", removed: "-", kept: "=", changed: "~" }[change]} ConfigMap (core) <code>ns/o</code>`;
    const exact = md(oneObject(change, wide(sign, n)));
    expect(exact).toHaveLength(1);
    expect(shownOf(exact[0]!)).toEqual({ summary: `${sum}${change === "kept" ? " <em>(stays in the cluster)</em>" : ""}</summary>`, body: wide(sign, n) });
    const over = md(oneObject(change, wide(sign, n, "y")));
    expect(over).toHaveLength(1);
    expect(shownOf(over[0]!)).toEqual({
      summary: `${sum} <em>(${change === "kept" ? "stays in the cluster; " : ""}1 more line not shown)</em></summary>`,
      body: wide(sign, n - 1),
    });
    for (const c of [...exact, ...over]) expect(c.length).toBeLessThanOrEqual(65_536);
  });

  it("a hidden change with a patch too long says both", () => {
    const d = fleet([cluster("host", "changed", [obj("changed", id("Secret", "s", "ns"), wide("+", 600), { hiddenChange: true })])]);
    expect(md(d)[0]).toContain("<summary>~ Secret (core) <code>ns/s</code> <em>(hidden values changed; 120 more lines not shown)</em></summary>");
  });
});

describe("markdown: lists of overlays", () => {
  const promOnly = (n: string): ObjectChange => obj("changed", id("Prometheus", "k8s", "mon", "monitoring.coreos.com/v1"), lines(`+url: http://new/${n}`), { subject: n });
  /** The lines of the first comment that name overlays: the table's rows, the headings, the lists. */
  const named = (names: readonly string[], overlays: readonly string[] = names): string[] =>
    md(fleet(names.map((n) => cluster(n, "changed", [promOnly(n)])), [...overlays]))[0]!
      .split("\n")
      .filter((l) => /^(#### |\| `|The same|Unchanged|Changed otherwise)/.test(l));
  const ROW_END = " | ~ Prometheus (monitoring.coreos.com) `mon/k8s` |";

  it("the heading names them all up to 160 characters; longer, the first and a count, and a paragraph lists them", () => {
    // Ten names of 12 letters: 10 × (14 + 2) = 160 characters.
    const ten = "abcdefghij".split("").map((c) => `cluster${c.repeat(5)}`);
    const list = (ns: readonly string[]) => ns.map((n) => `\`${n}\``).join(", ");
    expect(named(ten)).toEqual([`| ${list(ten)} (10)${ROW_END}`, `#### ${list(ten)}: the same change in 10 overlays (each: 1 changed)`]);
    const eleven = [...ten, "clusterkkkkk"];
    expect(named(eleven)).toEqual([
      `| ${list(eleven)} (11)${ROW_END}`,
      "#### `clusteraaaaa` and 10 more: the same change in 11 overlays (each: 1 changed)",
      `The same change in 11 overlays: ${list(eleven)}.`,
    ]);
  });

  it("a name longer than a list's limit is still named, the rest counted", () => {
    const long = `c${"x".repeat(210)}`;
    expect(named([long, "b"])).toEqual([
      `| \`${long}\` and 1 more (2)${ROW_END}`,
      `#### \`${long}\` and 1 more: the same change in 2 overlays (each: 1 changed)`,
      `The same change in 2 overlays: \`${long}\`, \`b\`.`,
    ]);
  });

  it("runs: three or more consecutive overlays of one stem as first … last; two, or a gap, or another stem, each named", () => {
    const universe = ["host", "member-1", "member-2", "member-3", "member-4", "member-5", "member-6", "member-7", "x-1", "x-2", "_flux"];
    expect(named(["member-1", "member-2", "member-4", "member-5", "member-6", "member-7", "host", "x-1", "x-2"], universe)).toEqual([
      `| \`host\`, \`member-1\`, \`member-2\`, \`member-4\` … \`member-7\`, \`x-1\`, \`x-2\` (9)${ROW_END}`,
      "#### `host`, `member-1`, `member-2`, `member-4` … `member-7`, `x-1`, `x-2`: the same change in 9 overlays (each: 1 changed)",
      "Unchanged: `member-3`.",
    ]);
  });

  it("at 1,500 characters a list says how many more it leaves out; every other member changed alike, the rest unchanged", () => {
    const overlays = Array.from({ length: 400 }, (_, i) => `member-${i + 1}`);
    const evens = overlays.filter((_, i) => i % 2 === 1);
    const odds = overlays.filter((_, i) => i % 2 === 0);
    const list = (ns: readonly string[]) => ns.map((n) => `\`${n}\``).join(", ");
    // 4 names of 10 characters and 45 of 11, with their ", ": 633; then 61 of 12 (854 with ", "): 1,487.
    expect(named(evens, overlays)).toEqual([
      `| ${list(evens.slice(0, 15))} and 185 more (200)${ROW_END}`,
      "#### `member-2` and 199 more: the same change in 200 overlays (each: 1 changed)",
      `The same change in 200 overlays: ${list(evens.slice(0, 110))} and 90 more.`,
      `Unchanged: ${list(odds.slice(0, 111))} and 89 more.`,
    ]);
  });

  it("the clusters of a group in the overlays' order, names that are no overlay after them in natural order", () => {
    const c = md(fleet([cluster("_flux", "changed", [ks("eu-10"), ks("eu-2"), ks("member-1"), ks("a-1")])], ["_flux", "member-1"]))[0]!;
    expect(c).toContain("\n\nThe same change for 4 clusters: `member-1`, `a-1`, `eu-2`, `eu-10`. Shown for `eu-10`; each has its own name in its place.\n\n");
  });
});

describe("markdown: the summary table stays within 16,000 characters, counting the rows it leaves out", () => {
  /** Overlay `m-<i>` adding one ConfigMap, its row `size` characters as the table counts them (cells and 8 for the rest). */
  const row = (i: number, size: number): ClusterDiff => {
    const name = `c${String(i).padStart(3, "0")}`.padEnd(size - 39, "x");
    return cluster(`m-${String(i).padStart(3, "0")}`, "changed", [obj("added", cm(name), lines("+x"))]);
  };
  const table = (d: FleetDiff) => {
    const c = md(d)[0]!.split("\n");
    return { rows: c.filter((l) => l.startsWith("| `")).map((l) => l.slice(5, 8)), more: c.filter((l) => l.startsWith("_")) };
  };
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1).padStart(3, "0"));
  const moreLine = (n: number) => `_${n} more rows are left out of this table to keep it short; every change is below._`;

  it("rows up to exactly 16,000 characters are shown", () => {
    const d = fleet(Array.from({ length: 101 }, (_, i) => row(i + 1, 160)));
    expect(table(d)).toEqual({ rows: upTo(100), more: [moreLine(1)] });
    const cs = md(d);
    expect(cs).toHaveLength(1);
    // Every overlay is still below the table.
    for (const n of upTo(101)) expect(cs[0]).toContain(`#### \`m-${n}\` (1 added)`);
  });

  it("once a row is left out, the rows after it are too, shorter ones included", () => {
    expect(table(fleet([...Array.from({ length: 99 }, (_, i) => row(i + 1, 160)), row(100, 200), row(101, 150)]))).toEqual({ rows: upTo(99), more: [moreLine(2)] });
  });

  it("a first row longer than the limit is shown all the same", () => {
    expect(table(fleet([row(1, 16_100), row(2, 160)]))).toEqual({ rows: ["001"], more: [moreLine(1)] });
  });
});

describe("markdown: what names and patches hold cannot break the comment", () => {
  it("HTML in a title escaped, pipes and newlines in a table cell escaped, backticks in a name or patch fenced longer", () => {
    const d = fleet([
      cluster("host", "changed", [obj("changed", id("Odd<&>|Kind", "a|b`c", "n<s>", "ex.io/v1"), lines("-```", "+````x")), obj("added", id("ConfigMap", "x\ny", "ns"), lines("+a"))]),
    ]);
    expect(md(d)).toEqual([
      lines(
        "### paodin-fleet: 1 overlay change: 1 added, 1 changed, 0 removed",
        "",
        "| overlays | what changes |",
        "|---|---|",
        "| `host` | ~ Odd<&>\\|Kind (ex.io) `` n<s>/a\\|b`c ``<br>+ ConfigMap (core) `ns/x y` |",
        "",
        "#### `host` (1 added, 1 changed)",
        "",
        "<details><summary>~ Odd&lt;&amp;&gt;|Kind (ex.io) <code>n&lt;s&gt;/a|b`c</code></summary>",
        "",
        "`````diff",
        "-```",
        "+````x",
        "`````",
        "</details>",
        "",
        "<details><summary>+ ConfigMap (core) <code>ns/x",
        "y</code></summary>",
        "",
        "```diff",
        "+a",
        "```",
        "</details>",
      ),
    ]);
  });

  it("an overlay name with backticks", () => {
    const c = md(fleet([cluster("a`b", "changed", [obj("added", cm("x"), lines("+x"))]), cluster("c``d", "changed", [obj("added", cm("y"), lines("+y"))])]))[0]!;
    expect(c.split("\n").filter((l) => l.startsWith("| `") || l.startsWith("####"))).toEqual([
      "| `` a`b `` | + ConfigMap (core) `ns/x` |",
      "| ``` c``d ``` | + ConfigMap (core) `ns/y` |",
      "#### `` a`b `` (1 added)",
      "#### ``` c``d ``` (1 added)",
    ]);
  });
});

describe("markdown: a template of the user's gets the data the default does", () => {
  const T =
    "{{part}}/{{parts}} first={{first}} multipart={{multipart}} empty={{empty}} more={{tableMore}} omitted={{tableOmitted}} {{#each overlayNotes}}{{this}}{{/each}}\n" +
      "{{#each table}}[{{cluster}} {{added}} {{changed}} {{removed}} {{kept}}]{{/each}}\n" +
      "{{#each clusters}}<{{cluster}}: {{counts}}; continued={{continued}} {{#each objects}}({{change}} {{lang}} {{fence}} kept={{kept}} shown={{shown}} why={{why}}){{/each}}>{{/each}}\n";
  // Compiled in the tests, not at collection (StrykerJS counts that as covered by no test).
  const t = (): ReturnType<typeof compileTemplate> => compileTemplate(T);

  it("per comment, per section and per object", () => {
    const d = fleet([
      cluster("host", "changed", [obj("kept", cm("k"), "", { last: lines("a: 1") }), obj("changed", cm("c"), lines("-a", "+b"))]),
      cluster("member-1", "removed", [obj("removed", cm("r"), lines("-r"))]),
    ]);
    expect(formatMarkdown(d, t())).toEqual([
      "1/1 first=true multipart=false empty=false more=0 omitted=false **Removed overlay (1):** `member-1`. The objects the fleet only patches stay in that cluster with their last values (marked = below).\n" +
        "[host 0 1 0 1][member-1 0 0 1 0]\n" +
        "<host: 0 added, 1 changed, 0 removed, 1 kept in the cluster; continued=false (kept yaml ``` kept=true shown=true why=too long for a comment)(changed diff ``` kept=false shown=true why=too long for a comment)>" +
        "<member-1: 0 added, 0 changed, 1 removed; continued=false (removed diff ``` kept=false shown=true why=too long for a comment)>\n",
    ]);
    expect(formatMarkdown(fleet([]), t())).toEqual(["1/1 first=true multipart=false empty=true more=0 omitted=false \n\n\n"]);
  });

  it("the table's rows left out, in the first comment only; the others numbered, without the table", () => {
    const row = (i: number): ClusterDiff => cluster(`m-${String(i).padStart(3, "0")}`, "changed", [obj("added", cm(`c${i}`.padEnd(500, "x")), lines(`+${"y".repeat(600)}`))]);
    const withPatches = compileTemplate(`${T}{{#each sections}}{{#each objects}}{{patch}}{{/each}}{{/each}}`);
    const cs = formatMarkdown(fleet(Array.from({ length: 120 }, (_, i) => row(i + 1))), withPatches);
    expect(cs.length).toBeGreaterThan(1);
    expect(cs[0]!.split("\n")[0]).toBe(`1/${cs.length} first=true multipart=true empty=false more=91 omitted=true `);
    expect(cs[0]!.split("\n")[1]).toBe(Array.from({ length: 29 }, (_, i) => `[m-${String(i + 1).padStart(3, "0")} 1 0 0 0]`).join(""));
    for (const [i, c] of cs.entries()) {
      if (i === 0) continue;
      expect(c.split("\n").slice(0, 2)).toEqual([`${i + 1}/${cs.length} first=false multipart=true empty=false more=0 omitted=false `, ""]);
      expect(c.length).toBeLessThanOrEqual(65_536);
    }
    const shown = cs.flatMap((c) => [...c.matchAll(/<(m-\d+): /g)].map((m) => m[1]));
    expect(shown).toEqual(Array.from({ length: 120 }, (_, i) => `m-${String(i + 1).padStart(3, "0")}`));
  });
});

describe("markdown: every comment is measured as rendered; a template that does not add up is split or shortened further, and only cut as the last resort, saying so", () => {
  /** `n` added lines of 7 characters with their newlines. */
  const seven = (n: number): string => lines(...Array.from({ length: n }, (_, i) => `+a-${String(i).padStart(3, "0")}`));
  const one = fleet([cluster("host", "changed", [obj("added", cm("a"), seven(400))])]);
  // Every patch twice in the first comment: an object measured alone looks half as long there.
  const twiceInFirst = () =>
    compileTemplate("{{part}}/{{parts}}\n{{#each sections}}{{#each objects}}{{title}} [{{note}}] shown={{shown}}\n{{#if ../../first}}{{patch}}{{/if}}{{patch}}{{/each}}{{/each}}");
  const title = "ConfigMap (core) <code>ns/a</code>";

  it("one object too long as rendered: shortened step by step, to 2,000 characters, or to nothing", () => {
    const whole = `1/1\n${title} [] shown=true\n${seven(400)}${seven(400)}`;
    expect(formatMarkdown(one, twiceInFirst(), 6000)).toEqual([whole]);
    // Exactly the limit is within it; one less, and 12,000 characters are still too many.
    expect(whole).toHaveLength(5653);
    expect(formatMarkdown(one, twiceInFirst(), 5653)).toEqual([whole]);
    expect(formatMarkdown(one, twiceInFirst(), 5652)).toEqual([`1/1\n${title} [115 more lines not shown] shown=true\n${seven(285)}${seven(285)}`]);
    // 2,000 characters: 285 lines of 7.
    expect(formatMarkdown(one, twiceInFirst(), 4500)).toEqual([`1/1\n${title} [115 more lines not shown] shown=true\n${seven(285)}${seven(285)}`]);
    expect(formatMarkdown(one, twiceInFirst(), 3500)).toEqual([`1/1\n${title} [] shown=false\n`]);
  });

  it("sections that grow with each other: comments split in halves until each fits, every object once, in order", () => {
    const squared = (marks: number) => compileTemplate(`{{part}}/{{parts}}\n{{#each sections}}{{#each ../sections}}${"#".repeat(marks)}{{/each}}{{#each objects}}{{title}}\n{{patch}}{{/each}}{{/each}}`);
    const d = fleet(Array.from({ length: 12 }, (_, i) => cluster(`m-${i}`, "changed", [obj("added", cm(`c${i}`), lines(...Array.from({ length: 5 }, (_, j) => `+c${i}-${j}`)))])));
    const layout = (cs: string[]) => cs.map((c) => [...c.matchAll(/ns\/(c\d+)/g)].map((m) => m[1]).join(","));
    const ten = formatMarkdown(d, squared(10), 400);
    expect(layout(ten)).toEqual(["c0,c1", "c2,c3", "c4,c5", "c6,c7", "c8,c9", "c10,c11"]);
    expect(ten.map((c) => c.length)).toEqual([176, 176, 176, 176, 176, 188]);
    const thirty = formatMarkdown(d, squared(30), 400);
    expect(layout(thirty)).toEqual(["c0", "c1,c2", "c3", "c4,c5", "c6", "c7,c8", "c9", "c10,c11"]);
    thirty.forEach((c, i) => expect(c.startsWith(`${i + 1}/8\n`)).toBe(true));
    for (const c of [...ten, ...thirty]) expect(c.length).toBeLessThanOrEqual(400);
  });

  it("a template longer than the limit by itself: cut at the last line that fits, with a note; whole up to exactly the limit", () => {
    const cut = compileTemplate("line one\nline two is longer\n{{summary}}\n");
    const text = "line one\nline two is longer\n1 overlay change: 1 added, 0 changed, 0 removed\n";
    expect(text).toHaveLength(76);
    const note = (limit: number) => `\n\n_This comment was cut at ${limit} characters: the template makes it longer than a comment can be._\n`;
    expect(formatMarkdown(one, cut, 200)).toEqual([text]);
    // A template without sections shows the same with every object: the first comment holds the summary, the next the object.
    expect(formatMarkdown(one, cut, 76)).toEqual([text, text]);
    expect(formatMarkdown(one, cut, 75)).toEqual(["line one\nline two is longer" + note(75), "line one\nline two is longer" + note(75)]);
    expect(formatMarkdown(one, cut, 40)).toEqual(["line one" + note(40), "line one" + note(40)]);
    expect(formatMarkdown(one, compileTemplate("x".repeat(300)), 200)).toEqual([note(200), note(200)]);
    expect(formatMarkdown(one, compileTemplate("x".repeat(300)), 2000)).toEqual(["x".repeat(300)]);
    expect(formatMarkdown(one, compileTemplate(`${"x".repeat(1000)}\n{{summary}}`), 100_000)).toEqual([`${"x".repeat(1000)}\n1 overlay change: 1 added, 0 changed, 0 removed`]);
    expect(formatMarkdown(one, compileTemplate(`${"x".repeat(70_000)}\n{{summary}}`))).toEqual([note(65_536).replace("65536", "65,536"), note(65_536).replace("65536", "65,536")]);
  });
});

describe("markdown: comments hold as much as fits, keeping 64 characters for the part numbers", () => {
  const d = fleet([cluster("host", "changed", [obj("added", cm("a"), added("a", 10)), obj("added", cm("b"), added("b", 10))])]);
  it("at the limit's boundaries: one comment, two, three", () => {
    const whole = md(d, 100_000);
    expect(whole).toHaveLength(1);
    expect(whole[0]).toHaveLength(576);
    // 576, and " (comment 1 of 99999)" (21) as the packing counts, and the margin: 661.
    expect(md(d, 661)).toEqual(whole);
    const two = md(d, 660);
    const head = (i: number, n: number) => `### paodin-fleet: 1 overlay change: 2 added, 0 changed, 0 removed (comment ${i} of ${n})\n`;
    const table = "\n| overlays | what changes |\n|---|---|\n| `host` | + ConfigMap (core) `ns/a`<br>+ ConfigMap (core) `ns/b` |\n";
    expect(two).toEqual([
      `${head(1, 2)}${table}\n#### \`host\` (2 added)\n\n${details("+", "a", added("a", 10))}`,
      `${head(2, 2)}\n#### \`host\` (2 added) (continued)\n\n${details("+", "b", added("b", 10))}`,
    ]);
    expect(two.map((c) => c.length)).toEqual([403, 308]);
    // 403 - 17 + 21 + 64 = 471.
    expect(md(d, 471)).toEqual(two);
    expect(md(d, 470)).toEqual([
      `${head(1, 3)}${table}`,
      `${head(2, 3)}\n#### \`host\` (2 added)\n\n${details("+", "a", added("a", 10))}`,
      `${head(3, 3)}\n#### \`host\` (2 added) (continued)\n\n${details("+", "b", added("b", 10))}`,
    ]);
  });

  it("overlays named whether or not the change set lists them among its overlays", () => {
    const alike = [1, 2, 3].map((n) => cluster(`member-${n}`, "changed", [prom(`member-${n}`)]));
    expect(md(fleet(alike, []))[0]).toContain("\n#### `member-1` … `member-3`: the same change in 3 overlays (each: 1 changed)\n");
  });
});

/** An added ConfigMap `k` of `length` lines naming cluster `n`, its subject. */
const alike = (n: string, k: string, length = 10): ObjectChange => obj("added", cm(k), lines(...Array.from({ length }, (_, i) => `+${k}-${i}-${n}`)), { subject: n });
/** A Flux Kustomization for cluster `n` (its subject), named `name`. */
const ks = (n: string, name = n): ObjectChange => obj("changed", id("Kustomization", name, "flux-system", "kustomize.toolkit.fluxcd.io/v1"), lines(`+path: ${n}`), { subject: n });

describe("markdown: sections, more rules", () => {

  it("a section of several overlays continued in the next comment: its heading again, its paragraphs once", () => {
    const d = fleet(
      ["member-8", "member-9", "member-10"].map((n) => cluster(n, "changed", [alike(n, "a"), alike(n, "b")])),
      ["host", "member-8", "member-9", "member-10"],
    );
    const body = (k: string) => lines(...Array.from({ length: 10 }, (_, i) => `+${k}-${i}-member-8`));
    const head = (i: number) => `### paodin-fleet: 3 overlays change: 6 added, 0 changed, 0 removed (comment ${i} of 2)\n`;
    expect(md(d, 900)).toEqual([
      `${head(1)}\n| overlays | what changes |\n|---|---|\n| \`member-8\` … \`member-10\` (3) | + ConfigMap (core) \`ns/a\`<br>+ ConfigMap (core) \`ns/b\` |\n\n` +
        "#### `member-8` … `member-10`: the same change in 3 overlays (each: 2 added)\n\n" +
        "Shown as in `member-8`: each overlay has its own name where `member-8` appears.\n\nUnchanged: `host`.\n\n" +
        details("+", "a", body("a")),
      `${head(2)}\n#### \`member-8\` … \`member-10\`: the same change in 3 overlays (each: 2 added) (continued)\n\n${details("+", "b", body("b"))}`,
    ]);
  });

  it("a new overlay is not in the section of changed ones that change alike", () => {
    const d = fleet([cluster("member-1", "added", [prom("member-1")]), cluster("member-2", "changed", [prom("member-2")]), cluster("member-3", "changed", [prom("member-3")])]);
    expect(
      md(d)[0]!
        .split("\n")
        .filter((l) => l.startsWith("####") || l.startsWith("| `")),
    ).toEqual([
      "| `member-1` (new) | ~ Prometheus (monitoring.coreos.com) `mon/k8s` |",
      "| `member-2`, `member-3` (2) | ~ Prometheus (monitoring.coreos.com) `mon/k8s` |",
      "#### `member-1` (new overlay: 1 changed)",
      "#### `member-2`, `member-3`: the same change in 2 overlays (each: 1 changed)",
    ]);
  });

  it("overlays alike but for how many objects change alike are different sections", () => {
    const d = fleet([cluster("_argocd", "changed", [ks("member-1"), ks("member-2")]), cluster("_flux", "changed", [ks("member-3")])], ["_argocd", "_flux", "member-1", "member-2", "member-3"]);
    expect(
      md(d)[0]!
        .split("\n")
        .filter((l) => l.startsWith("####") || l.startsWith("| `") || l.startsWith("The")),
    ).toEqual([
      "| `_argocd` | ~ Kustomization (kustomize.toolkit.fluxcd.io) `flux-system/member-1` and 1 more like it |",
      "| `_flux` | ~ Kustomization (kustomize.toolkit.fluxcd.io) `flux-system/member-3` |",
      "#### `_argocd` (2 changed)",
      "The same change for 2 clusters: `member-1`, `member-2`. Shown for `member-1`; each has its own name in its place.",
      "#### `_flux` (1 changed)",
    ]);
  });

  it("runs across a change of digit count (member-8 … member-10), and of names with two numbers", () => {
    const named = (names: string[]) =>
      md(fleet(names.map((n) => cluster(n, "changed", [prom(n)]))))[0]!
        .split("\n")
        .filter((l) => l.startsWith("####"));
    expect(named(["member-8", "member-9", "member-10"])).toEqual(["#### `member-8` … `member-10`: the same change in 3 overlays (each: 1 changed)"]);
    expect(named(["r1-m1", "r1-m2", "r1-m3"])).toEqual(["#### `r1-m1` … `r1-m3`: the same change in 3 overlays (each: 1 changed)"]);
    expect(named(["r1-m1", "r1-m2", "r1-mm"])).toEqual(["#### `r1-m1`, `r1-m2`, `r1-mm`: the same change in 3 overlays (each: 1 changed)"]);
  });

  it("a cluster-scoped object by its name; a kept object without a last value has nothing to show", () => {
    const d = fleet([cluster("host", "changed", [obj("added", id("ClusterRole", "r", undefined, "rbac.authorization.k8s.io/v1"), lines("+a")), obj("kept", cm("k"), "")])]);
    expect(md(d)).toEqual([
      lines(
        "### paodin-fleet: 1 overlay change: 1 added, 0 changed, 0 removed, 1 kept in the cluster",
        "",
        "| overlays | what changes |",
        "|---|---|",
        "| `host` | + ClusterRole (rbac.authorization.k8s.io) `r`<br>= ConfigMap (core) `ns/k` (stays in the cluster) |",
        "",
        "#### `host` (1 added, 1 kept in the cluster)",
        "",
        "<details><summary>+ ClusterRole (rbac.authorization.k8s.io) <code>r</code></summary>",
        "",
        "```diff",
        "+a",
        "```",
        "</details>",
        "",
        "<details><summary>= ConfigMap (core) <code>ns/k</code> <em>(stays in the cluster)</em></summary>",
        "",
        KEPT_NOTE,
        "",
        "_Not shown: nothing to show. Run `paodin-fleet diff` locally._",
        "</details>",
      ),
    ]);
    expect(formatText(d)).toBe(
      lines(
        "paodin-fleet diff: 1 overlay change: 1 added, 0 changed, 0 removed, 1 kept in the cluster",
        "",
        "host (1 added, 1 kept in the cluster)",
        "  + ClusterRole (rbac.authorization.k8s.io) r",
        "      +a",
        "  = ConfigMap (core) ns/k (no longer rendered: stays in the cluster as last applied (Argo CD and Flux never prune it))",
      ),
    );
  });
});

describe("markdown: the GitOps overlays", () => {
  it("_argocd and _flux changing alike: no cluster's name to stand for the others", () => {
    const d = fleet([cluster("_argocd", "changed", [obj("changed", cm("shared"), lines("+a: 1"))]), cluster("_flux", "changed", [obj("changed", cm("shared"), lines("+a: 1"))])], ["_argocd", "_flux", "host"]);
    expect(md(d)).toEqual([
      lines(
        "### paodin-fleet: 2 overlays change: 0 added, 2 changed, 0 removed",
        "",
        "| overlays | what changes |",
        "|---|---|",
        "| `_argocd`, `_flux` (2) | ~ ConfigMap (core) `ns/shared` |",
        "",
        "#### `_argocd`, `_flux`: the same change in 2 overlays (each: 1 changed)",
        "",
        "Unchanged: `host`.",
        "",
        "<details><summary>~ ConfigMap (core) <code>ns/shared</code></summary>",
        "",
        "```diff",
        "+a: 1",
        "```",
        "</details>",
      ),
    ]);
  });
});

describe("markdown: each piece measured as its own, the comments packed to the character", () => {

  it("sections of different headings: each heading's own length counts", () => {
    // The first heading names three overlays and has paragraphs; the second is one overlay's.
    const d = fleet([...["m-1", "m-2", "m-3"].map((n) => cluster(n, "changed", [alike(n, "a", 10)])), cluster("host", "changed", [obj("added", cm("h"), added("h", 3))])], ["m-1", "m-2", "m-3", "host", "x"]);
    const whole = md(d, 100_000);
    expect(whole.map((c) => c.length)).toEqual([720]);
    // 720, " (comment 1 of 99999)" (21), and the margin (64).
    expect(md(d, 805)).toEqual(whole);
    expect(md(d, 804).map((c) => c.match(/^#### .*$/gm))).toEqual([["#### `m-1` … `m-3`: the same change in 3 overlays (each: 1 added)"], ["#### `host` (1 added)"]]);
  });

  it("a section continued: the heading measured as it is there, without its paragraphs", () => {
    const d = fleet(["m-1", "m-2", "m-3"].map((n) => cluster(n, "changed", [alike(n, "a", 3), alike(n, "b", 250)])), ["m-1", "m-2", "m-3", "host"]);
    const shownB = (cs: string[]) => cs.map((c) => (c.includes("(continued)") ? (c.match(/<code>ns\/b<\/code>(.*)<\/summary>/)?.[1] ?? "none") : "-"));
    expect(md(d, 3000).map((c) => c.length)).toEqual([477, 2893]);
    // 2,893, " (comment 99999 of 99999)" over " (comment 2 of 2)" (8), and the margin (64).
    expect(shownB(md(d, 2965))).toEqual(["-", ""]);
    expect(shownB(md(d, 2964))).toEqual(["-", " <em>(59 more lines not shown)</em>"]);
  });

  it("an object shortened to fit leaves room for the next beside it", () => {
    const d = fleet([cluster("host", "changed", [obj("added", cm("big"), added("big", 300, 4)), obj("added", cm("small"), added("s", 3))])]);
    const cs = md(d, 2500);
    expect(cs.map((c) => [...c.matchAll(/<code>(ns\/\w+)<\/code>(.*)<\/summary>/g)].map((m) => `${m[1]}${m[2]}`))).toEqual([[], ["ns/big <em>(167 more lines not shown)</em>", "ns/small"]]);
  });

  it("a row of exactly five changes lists them all, without 'and 0 more'", () => {
    const d = fleet([cluster("host", "changed", ["a", "b", "c", "d", "e"].map((k) => obj("added", cm(k), lines(`+${k}`))))]);
    expect(md(d)[0]).toContain("\n| `host` | + ConfigMap (core) `ns/a`<br>+ ConfigMap (core) `ns/b`<br>+ ConfigMap (core) `ns/c`<br>+ ConfigMap (core) `ns/d`<br>+ ConfigMap (core) `ns/e` |\n");
  });

  it("overlays are one section only when their groups are the same, however many", () => {
    // Changes numbered by first appearance: `w` shows 24 of them, the Kustomizations' change second.
    const plain = (i: number) => obj("changed", cm(`w${i}`), lines(`+${i}`));
    const members = Array.from({ length: 12 }, (_, i) => `member-${i + 1}`);
    const d = fleet([
      cluster("w", "changed", [plain(0), ks("member-1", "paodin-member-1"), ...Array.from({ length: 22 }, (_, i) => plain(i + 2))]),
      // The Kustomizations' change 12 times and change 3, against it once and change 23.
      cluster("x", "changed", [...members.map((n) => ks(n, `paodin-${n}`)), plain(3)]),
      cluster("y", "changed", [ks("member-1", "paodin-member-1"), plain(23)]),
    ], ["w", "x", "y", ...members]);
    const headings = md(d)[0]!.match(/^#### .*$/gm);
    expect(headings).toEqual(["#### `w` (24 changed)", "#### `x` (13 changed)", "#### `y` (2 changed)"]);
    // Grouped by the subject, each object named by it, not by its own name.
    expect(md(d)[0]).toContain("\nThe same change for 12 clusters: `member-1` … `member-12`. Shown for `member-1`; each has its own name in its place.\n");
  });

  it("lists: names that are no overlay after the overlays, whatever order they come in; a run needs the same name apart from its numbers", () => {
    const where = (names: string[], overlays: string[]) => md(fleet([cluster("_flux", "changed", names.map((n) => ks(n)))], ["_flux", ...overlays]))[0]!.match(/^The same change for .*$/m)?.[0];
    expect(where(["zz", "b-2", "yy", "a-1"], ["a-1", "b-2"])).toBe("The same change for 4 clusters: `a-1`, `b-2`, `yy`, `zz`. Shown for `zz`; each has its own name in its place.");
    expect(where(["a1b", "ab2", "a3b"], ["a1b", "ab2", "a3b"])).toBe("The same change for 3 clusters: `a1b`, `ab2`, `a3b`. Shown for `a1b`; each has its own name in its place.");
  });
});

describe("markdown: a template of the user's, more rules", () => {
  it("a field the data does not have renders empty, as Handlebars does by default; an object that is not kept has no kept note", () => {
    const t = compileTemplate("[{{nosuch}}]{{#each sections}}{{#each objects}}({{change}}: {{keptNote}}){{/each}}{{/each}}");
    const d = fleet([cluster("host", "changed", [obj("changed", cm("a"), lines("+a")), obj("kept", cm("k"), "", { last: lines("a: 1") })])]);
    expect(formatMarkdown(d, t)).toEqual([`[](changed: )(kept: ${KEPT_NOTE})`]);
  });
});
