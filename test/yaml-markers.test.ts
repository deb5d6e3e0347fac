import { readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { isEmptyDocument, parseFleetText } from "../src/load/parse.js";
import { readSimpleDocuments } from "../src/load/simple-yaml.js";
import { exampleFleet, run, testdir } from "./helpers/cli.js";

/**
 * The fast YAML reader's decline rules (src/load/simple-yaml.ts) at the lines that start with
 * `---`, `...` or `%`: only `---` alone (or before a comment) separates documents. `--- value`
 * (a document that starts on the marker's line), `...` (the end of a document, which the next
 * `---` does not follow as a new, empty one) and the `%YAML`/`%TAG` directives go to the `yaml`
 * package. What the loader makes of each file must be what the `yaml` package reads: the same
 * documents, at the same indexes (which every error position is looked up by), and a fleet
 * behaves the same: the same overlays, the same errors at the same lines.
 */

const DEPTH = 64;

/** What the `yaml` package reads: the non-empty documents and their indexes. */
function viaYaml(text: string): { values: unknown[]; indexes: number[]; errors: number } {
  const docs = [...parseAllDocuments(text, { uniqueKeys: false, strict: true })];
  return {
    values: docs.filter((d) => !isEmptyDocument(d)).map((d) => d.toJS() as unknown),
    indexes: docs.flatMap((d, i) => (isEmptyDocument(d) ? [] : [i])),
    errors: docs.reduce((n, d) => n + d.errors.length + d.warnings.length, 0),
  };
}

const TEXTS: readonly string[] = [
  // `---` lines the fast reader reads.
  "a: 1\n---\nb: 2\n",
  "a: 1\n--- # c\nb: 2\n",
  "a: 1\n---   \nb: 2\n",
  // A document on the marker's line.
  "--- x\n",
  "a: 1\n--- b\n",
  "a: 1\n--- {b: 2}\n",
  "a: 1\n--- |\n  text\n",
  "a: 1\n--- >\n  text\n",
  "a: 1\n--- !!map\nb: 2\n",
  "a: 1\n--- &x\nb: 2\n",
  "a: 1\n--- 'q'\n",
  "a: 1\n--- 12\n",
  "a: 1\n--- b: 2\n",
  // Not markers at all: plain keys that start like them.
  "---x: 1\n",
  "...x: 1\n",
  "a: 1\n---#c\nb: 2\n",
  // The end of a document.
  "a: 1\n...\n",
  "a: 1\n...\n---\nb: 2\n",
  "a: 1\n...\nb: 2\n",
  "a: 1\n... # c\n---\nb: 2\n",
  "a: 1\n...\n...\n---\nb: 2\n",
  "---\na: 1\n...\n---\n...\n---\nb: 2\n",
  // Directives: they come before a `---`, and change how the document is read.
  "%YAML 1.2\n---\na: 1\n",
  "%YAML 1.1\n---\na: yes\nb: 012\nc: on\n",
  "%YAML 1.1\n---\na: 1\n...\n%YAML 1.1\n---\nb: no\n",
  "%TAG ! tag:example.com,2000:\n---\na: 1\n",
  "%TAG !e! tag:example.com,2000:app/\n---\na: 1\n---\nb: 2\n",
  "a: 1\n...\n%YAML 1.2\n---\nb: 2\n",
  "%FOO bar\n---\na: 1\n",
];

describe("the fast reader at ---, ... and % lines", () => {
  it.each(TEXTS.map((t) => [JSON.stringify(t), t]))("%s: read as the yaml package reads it, or declined", (_, text) => {
    const fast = readSimpleDocuments(text, DEPTH, 1000);
    const slow = viaYaml(text);
    if (fast !== undefined) {
      expect(slow.errors, "the fast reader read what the yaml package refuses").toBe(0);
      expect(fast.map((d) => d.value)).toEqual(slow.values);
      expect(fast.map((d) => d.index)).toEqual(slow.indexes);
    }
    // Only a `---` alone (or before a comment) is read as a plain separator.
    if (/^(?:\.\.\.|%|--- *[^ #\n])/m.test(text)) expect(fast, "declined").toBeUndefined();
  });

  it.each(TEXTS.map((t) => [JSON.stringify(t), t]))("%s: the loader keeps the yaml package's documents, at their indexes", (_, text) => {
    const slow = viaYaml(text);
    const { docs, issues } = parseFleetText({ file: "clusters/f.yaml", absPath: "/x/clusters/f.yaml", text });
    if (slow.errors > 0) expect(issues.length).toBeGreaterThan(0);
    else {
      expect(issues).toEqual([]);
      expect(docs.map((d) => d.value)).toEqual(slow.values);
      expect(docs.map((d) => d.index)).toEqual(slow.indexes);
    }
  });
});

describe("fleet files with ---, ... and directives: what a user sees", () => {
  const member = (name: string, extra = "") => `apiVersion: paodin-fleet/v1alpha1\nkind: Cluster\nmetadata:\n  name: ${name}\n  labels:\n    node-ip: 10.0.9.9\n${extra}spec:\n  role: member\n`;

  async function render(members: string): Promise<{ code: number; stderr: string; overlays: string[] }> {
    const { dir, cleanup } = testdir({ ...exampleFleet(), "clusters/members.yaml": members });
    try {
      const r = await run(["render"], dir);
      const argo = r.code === 0 ? readFileSync(path.join(dir, "overlays/_argocd/applicationset.yaml"), "utf8") : "";
      return { code: r.code, stderr: r.stderr, overlays: [...argo.matchAll(/^ *- cluster: (\S+)$/gm)].map((m) => m[1]!) };
    } finally {
      cleanup();
    }
  }

  it("a Cluster written on the line of its `---` (flow style) is a cluster of the fleet, not dropped", async () => {
    const flow = "--- {apiVersion: paodin-fleet/v1alpha1, kind: Cluster, metadata: {name: member-9, labels: {node-ip: 10.0.9.9}}, spec: {role: member}}\n";
    const r = await render(`${member("member-1")}${flow}`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.overlays).toEqual(["host", "member-1", "member-9"]);
  });

  it("`...` ends a document without starting an empty one: an error after it is at its own line", async () => {
    for (const sep of ["...\n---\n", "...\n", "... # end\n---\n", "---\n...\n---\n"]) {
      const text = `${member("member-1")}${sep}${member("member-2").replace("role: member", "role: boss")}`;
      const r = await render(text);
      expect(r.code, sep).toBe(1);
      const line = text.split("\n").indexOf("  role: boss") + 1;
      expect(r.stderr, JSON.stringify(sep)).toBe(`clusters/members.yaml:${line}:9 spec.role: must be "host" or "member"\n1 error; nothing was written.\n`);
    }
  });

  it("a %YAML or %TAG directive before the first `---`: an error is still at its own line", async () => {
    for (const head of ["%YAML 1.2\n---\n", "%TAG ! tag:example.com,2000:\n---\n", "# c\n%YAML 1.2\n---\n"]) {
      const text = `${head}${member("member-1").replace("role: member", "role: boss")}---\n${member("member-2")}`;
      const r = await render(text);
      expect(r.code, head).toBe(1);
      const line = text.split("\n").indexOf("  role: boss") + 1;
      expect(r.stderr, JSON.stringify(head)).toBe(`clusters/members.yaml:${line}:9 spec.role: must be "host" or "member"\n1 error; nothing was written.\n`);
    }
  });

  it("a %YAML 1.1 directive is honoured as the yaml package honours it: `yes` is then a boolean, and said so", async () => {
    const text = `%YAML 1.1\n---\n${member("member-1", "  annotations:\n    gpu: yes\n")}`;
    const slow = viaYaml(text).values[0] as { metadata: { annotations: { gpu: unknown } } };
    expect(slow.metadata.annotations.gpu).toBe(true);
    const r = await render(text);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('clusters/members.yaml:10:10 metadata.annotations.gpu: must be a string, not true; quote it: gpu: "yes"\n1 error; nothing was written.\n');
  });
});
