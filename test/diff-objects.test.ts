import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { HEADER_PREFIX } from "../src/emit/emit.js";
import { objectsOf, scanSingleObject, staysInCluster, withoutHeader, type ObjectId } from "../src/output/diff-objects.js";
import { REPO } from "./helpers/cli.js";

/**
 * `diff` finds the objects of a changed file with a line scanner, and leaves anything it is not
 * sure of to the `yaml` package. On what it accepts, the two must agree: checked on every
 * rendered file in the repository and on mutations of them.
 */

/** What the `yaml` package reads: the id of each document that is an object. */
function yamlIds(content: string): ObjectId[] | "error" {
  const docs = parseAllDocuments(content, { uniqueKeys: false });
  if (!Array.isArray(docs)) return [];
  const out: ObjectId[] = [];
  for (const doc of docs) {
    if (doc.contents === null) continue;
    if (doc.errors.length > 0) return "error";
    const o = doc.toJS({ maxAliasCount: 0 }) as Record<string, unknown> | null;
    if (o === null || typeof o !== "object" || typeof o.apiVersion !== "string" || typeof o.kind !== "string") continue;
    if (o.apiVersion.startsWith("kustomize.config.k8s.io/")) {
      out.push({ apiVersion: o.apiVersion, kind: o.kind, name: "" });
      continue;
    }
    const meta = o.metadata as Record<string, unknown> | null | undefined;
    if (meta === null || typeof meta !== "object" || typeof meta.name !== "string") continue;
    out.push({ apiVersion: o.apiVersion, kind: o.kind, name: meta.name, ...(typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}) });
  }
  return out;
}

function renderedFiles(): { file: string; content: string }[] {
  const out: { file: string; content: string }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name)) out.push({ file: path.relative(REPO, p), content: readFileSync(p, "utf8") });
    }
  };
  walk(path.join(REPO, "overlays"));
  for (const variant of readdirSync(path.join(REPO, "test", "golden"))) if (variant !== "diff") walk(path.join(REPO, "test", "golden", variant));
  return out;
}

/**
 * The scanner's answer, when it gives one, is the `yaml` package's (for a file the package can
 * read: the scanner does not look past the identity for errors deeper down).
 */
function agrees(content: string): void {
  const scanned = scanSingleObject(content);
  if (scanned === undefined) return;
  const read = yamlIds(content);
  if (read === "error") return;
  expect(scanned === null ? [] : [scanned], content).toEqual(read);
}

describe("the object scanner of diff", () => {
  const files = renderedFiles();

  it("takes every rendered file, and reads it as the yaml package does", () => {
    expect(files.length).toBeGreaterThan(50);
    for (const { file, content } of files) {
      const scanned = scanSingleObject(content);
      expect(scanned, file).not.toBeUndefined();
      agrees(content);
    }
  });

  it("agrees with the yaml package, or declines, on mutations of them", () => {
    const mutations: ((s: string) => string)[] = [
      (s) => `---\n${s}`,
      (s) => `${s}---\n${s}`,
      (s) => s.replace(/^  name: (.*)$/m, '  name: "$1"'),
      (s) => s.replace(/^  name: (.*)$/m, "  name: '$1'"),
      (s) => s.replace(/^  name: (.*)$/m, "  name: 1234"),
      (s) => s.replace(/^  name: (.*)$/m, "  name: true"),
      (s) => s.replace(/^  name: (.*)$/m, "  name: &a $1"),
      (s) => s.replace(/^  name: (.*)$/m, "  name: $1 # a comment"),
      (s) => s.replace(/^  name: (.*)$/m, "  name:\n    $1"),
      (s) => s.replace(/^  name: (.*)$/m, '  "name": $1'),
      (s) => s.replace(/^metadata:$/m, "metadata: # the object's"),
      (s) => s.replace(/^metadata:\n/m, "metadata:\n  # a comment\n"),
      (s) => s.replace(/^metadata:$/m, "metadata: {}"),
      (s) => s.replace(/^kind: (.*)$/m, 'kind: "$1"'),
      (s) => s.replace(/^kind: (.*)$/m, "kind: !!str $1"),
      (s) => s.replace(/^kind: (.*)$/m, "kind: $1\nkind: Other"),
      (s) => s.replace(/^apiVersion: (.*)$/m, "apiVersion: |\n  $1"),
      (s) => s.replace(/^apiVersion: (.*)$/m, 'apiVersion: "$1\n  continued"'),
      (s) => s.replace(/^spec:$/m, 'spec: "a\nmetadata: x"'),
      (s) => s.replace(/^  namespace: (.*)$/m, "  namespace: null"),
      (s) => s.replace(/^  namespace: (.*)$/m, ""),
      (s) => s.replace(/^ {2}/m, "\t"),
      (s) => s.replace(/\n/, "\r\n"),
      (s) => s.replace(/^metadata:\n {2}/m, "metadata:\n "),
      (s) => s.replace(/^metadata:\n {2}/m, "metadata:\n  - "),
      (s) => `%YAML 1.2\n---\n${s}`,
      (s) => `${s}...\n`,
      (s) => s.replace(/^metadata:/m, "? metadata\n:"),
      (s) => s.replace(/^(?!#)/gm, "  "),
      (s) => s.replace(/^(apiVersion: .*)$/m, "  $1"),
      // A CR is a line break to YAML: the kind hides behind a comment only to a reader of lines.
      (s) => s.replace(/^kind: (.*)$/m, "# a comment\rkind: $1"),
      // metadata's keys one space in (valid YAML): `aname` is not `name`.
      (s) => s.replace(/^metadata:\n[^]*?(?=^\S)/m, "metadata:\n aname: x\n"),
      // Line breaks to JavaScript's `.` (CR, U+2028) inside a plain value: not the end of it.
      (s) => s.replace(/^kind: (.*)$/m, "kind: $1\rX"),
      (s) => s.replace(/^kind: (.*)$/m, "kind: $1\u2028X"),
      (s) => s.replace(/^ {2}name: (.*)$/m, "  name: $1\u2029X"),
      // Space before the colon: still the key to YAML.
      (s) => s.replace(/^kind: /m, "kind : "),
      (s) => s.replace(/^metadata:$/m, "metadata :"),
      // Numbers YAML writes with a dot first.
      (s) => s.replace(/^kind: (.*)$/m, "kind: .inf"),
      (s) => s.replace(/^ {2}name: (.*)$/m, "  name: .NaN"),
      // Escapes in double quotes, the doubled quote in single quotes.
      (s) => s.replace(/^ {2}name: (.*)$/m, '  name: "$1\\x41"'),
      (s) => s.replace(/^ {2}name: (.*)$/m, "  name: '$1''s'"),
      // A list item alone on its line, under metadata: metadata a list, whatever follows.
      (s) => s.replace(/^metadata:\n/m, "metadata:\n-\n"),
      // No value at all, and the last line without its newline.
      (s) => s.replace(/^kind: .*$/m, "kind:"),
      (s) => s.replace(/^ {2}name: .*$/m, "  name:"),
      (s) => s.replace(/\n$/, ""),
      // Each spelling of a boolean or null YAML 1.2 reads as one.
      ...["true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~", "0x1F", "0o17", "1e3", "-1", "+1", "1_000"].map(
        (v) => (s: string) => s.replace(/^ {2}name: .*$/m, `  name: ${v}`),
      ),
      // metadata's keys four spaces in: the name is there, deeper than the scanner reads.
      (s) => s.replace(/^metadata:\n((?: {2}.*\n)+)/m, (_, block: string) => `metadata:\n${block.replace(/^(?=.)/gm, "  ")}`),
    ];
    for (const { content } of files) for (const m of mutations) agrees(m(content));
  });

  it("takes the plain forms written by hand too (quotes, comment and blank lines, lists, no namespace), as the yaml package reads them", () => {
    const forms: ((s: string) => string)[] = [
      (s) => s.replace(/^ {2}name: (.*)$/m, '  name: "$1"'),
      (s) => s.replace(/^ {2}name: (.*)$/m, "  name: '$1'"),
      (s) => s.replace(/^ {2}namespace: (.*)$/m, "  namespace: '$1'"),
      (s) => s.replace(/^kind: (.*)$/m, 'kind: "$1"'),
      (s) => s.replace(/^apiVersion: (.*)$/m, "apiVersion: '$1'"),
      (s) => s.replace(/^metadata:\n/m, "metadata:\n  # a comment\n"),
      (s) => s.replace(/^metadata:\n/m, "\nmetadata:\n"),
      (s) => s.replace(/^metadata:\n/m, "metadata:\n  finalizers:\n  - a\n"),
      (s) => s.replace(/^metadata:/m, "items:\n- a\nmetadata:"),
      (s) => s.replace(/^ {2}namespace: .*\n/m, ""),
      // A list item alone on its line (its value on the next), and trailing blanks after a key.
      (s) => s.replace(/^metadata:/m, "items:\n-\n  a: 1\nmetadata:"),
      (s) => s.replace(/^metadata:\n/m, "metadata:\n  ownerReferences:\n  -\n    kind: A\n"),
      (s) => s.replace(/^metadata:/m, "items: \n- a\nmetadata:"),
      (s) => s.replace(/^metadata:\n/m, "metadata:\n  finalizers:  \n  - a\n"),
      (s) => s.replace(/^metadata:$/m, "metadata: "),
      (s) => s.replace(/\n$/, ""),
      // Names that start like a number, a boolean or null, and are none.
      (s) => s.replace(/^ {2}name: .*$/m, "  name: 1st-cluster"),
      (s) => s.replace(/^ {2}name: .*$/m, "  name: nullable"),
      (s) => s.replace(/^ {2}name: .*$/m, "  name: trueblue"),
    ];
    let taken = 0;
    for (const { file, content } of files) {
      if (scanSingleObject(content) === null) continue;
      for (const form of forms) {
        const text = form(content);
        expect(scanSingleObject(text), `${file}: ${text.slice(0, 300)}`).not.toBeUndefined();
        agrees(text);
        taken++;
      }
    }
    expect(taken).toBeGreaterThan(500);
  });

  it("agrees with the yaml package, or declines, on random line edits", () => {
    const sample = files.filter((_, i) => i % 5 === 0).map((f) => f.content);
    const pieces = ["---", "...", "#", " ", "  ", "'", '"', ":", ": ", "- ", "&a ", "*a", "!t ", "|", ">", "{", "[", "name: x", "  name: y", "namespace: n", "metadata:", "kind: K", "0", "true", "\t"];
    fc.assert(
      fc.property(fc.constantFrom(...sample), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...pieces), fc.boolean()), { minLength: 1, maxLength: 4 }), (text, edits) => {
        const lines = text.split("\n");
        for (const [at, piece, replace] of edits) {
          const i = at % lines.length;
          if (replace) lines[i] = piece + lines[i]!.trimStart();
          else lines.splice(i, 0, piece);
        }
        agrees(lines.join("\n"));
      }),
      { numRuns: 3000, seed: 14 },
    );
  });

  it("declines the lines it reads that YAML does not read as it would: the file's objects are the yaml package's", () => {
    const CM = "apiVersion: v1\nkind: ConfigMap\n";
    const ids = (content: string) => objectsOf("f.yaml", content).map((o) => o.id);
    // Invalid where the scanner reads: no object, whatever the identity lines say.
    for (const invalid of [
      `${CM}data: "a" b\nmetadata:\n  name: x\n`,
      `${CM}data: "a" "b"\nmetadata:\n  name: x\n`,
      `- a\n${CM}metadata:\n  name: x\n`,
      `${CM}metadata:\n  - a\n  name: x\n`,
      `  data: 1\n${CM}metadata:\n  name: x\n`,
      `${CM}metadata:\n  name: "a"x\n`,
      `${CM}metadata: x\n  name: a\n`,
    ]) {
      expect(yamlIds(invalid), invalid).toBe("error");
      expect(ids(invalid), invalid).toEqual([]);
    }
    // Valid, and read as YAML reads it: an escape, a quote inside a plain scalar, no value at all.
    expect(ids(`${CM}metadata:\n  name: x\n  namespace: "k\\x41"\n`)).toEqual([{ apiVersion: "v1", kind: "ConfigMap", name: "x", namespace: "kA" }]);
    expect(ids(`${CM}metadata:\n  name: x"a"\n`)).toEqual([{ apiVersion: "v1", kind: "ConfigMap", name: 'x"a"' }]);
    expect(ids(`${CM}metadata:\n  name:\n`)).toEqual([]);
    expect(ids(`${CM}metadata: x\n`)).toEqual([]);
    // A metadata of null (empty or spelled out) beside an object: that object alone, read by the package.
    for (const content of [`---\n${CM}metadata:\n---\n${CM}metadata:\n  name: y\n`, `${CM}metadata: null\n---\n${CM}metadata:\n  name: y\n`]) {
      expect(ids(content), content).toEqual([{ apiVersion: "v1", kind: "ConfigMap", name: "y" }]);
    }
    // A key twice (the scanner leaves it to the package): its last value, as Go's YAML readers take it.
    expect(ids(`${CM}kind: Secret\nmetadata:\n  name: x\n`)).toEqual([{ apiVersion: "v1", kind: "Secret", name: "x" }]);
    expect(ids(`---\n${CM}kind: Secret\nmetadata:\n  name: x\n---\n${CM}metadata:\n  name: y\n`)).toEqual([
      { apiVersion: "v1", kind: "Secret", name: "x" },
      { apiVersion: "v1", kind: "ConfigMap", name: "y" },
    ]);
    // Empty documents around the object (a stray `---`, a comment alone): one object, so its
    // text is the whole file, as the scanner takes a file of one object.
    for (const content of [`# notes\n---\n${CM}metadata:\n  name: x\n`, `---\n# notes\n---\n${CM}metadata:\n  name: x\n`, `${CM}metadata:\n  name: x\n---\n`, `${CM}metadata:\n  name: x\n---\nnull\n`]) {
      expect(objectsOf("f.yaml", content), content).toEqual([{ id: { apiVersion: "v1", kind: "ConfigMap", name: "x" }, text: content, shown: content }]);
    }
    // A header line anywhere goes with its newline; on the last line, with the newline before it.
    expect(withoutHeader(`${HEADER_PREFIX} x\na: 1\n`)).toBe("a: 1\n");
    expect(withoutHeader(`a: 1\n${HEADER_PREFIX} x`)).toBe("a: 1");
    expect(withoutHeader(`a: 1\n${HEADER_PREFIX} x\n${HEADER_PREFIX} y`)).toBe("a: 1");
    expect(withoutHeader(`a: 1 ${HEADER_PREFIX}\n`)).toBe(`a: 1 ${HEADER_PREFIX}\n`);
  });

  it("names kustomize's own files (a Kustomization, a Component) by their path, scanned or parsed", () => {
    for (const body of ["kind: Kustomization\nresources: []\n", "kind: Component\nresources: []\n", "kind: Component\nmetadata:\n  name: c\n"]) {
      for (const content of [`apiVersion: kustomize.config.k8s.io/v1alpha1\n${body}`, `---\napiVersion: kustomize.config.k8s.io/v1alpha1\n${body}---\n`]) {
        expect(objectsOf("base/kustomization.yaml", content).map((o) => o.id), content).toEqual([{ apiVersion: "kustomize.config.k8s.io/v1alpha1", kind: body.slice(6, body.indexOf("\n")), name: "base/kustomization.yaml" }]);
      }
    }
  });

  it("hides a Secret's values where they are, and adds no field it does not have", () => {
    const only = (fields: string) => objectsOf("s.yaml", `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n${fields}`)[0]!.shown;
    expect(only("stringData:\n  a: x\n")).toBe("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  a: <hidden>\n");
    expect(only("data: x\n")).toBe("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata: <hidden>\n");
    expect(only("type: Opaque\n")).toBe("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: Opaque\n");
    const sealed = (spec: string) => objectsOf("s.yaml", `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: s\n${spec}`)[0]!.shown;
    expect(sealed("spec:\n  encryptedData:\n    a: AgB\n")).toBe("apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: s\nspec:\n  encryptedData:\n    a: <hidden>\n");
    expect(sealed("")).toBe("apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: s\n");
    expect(sealed("spec:\n  template: {}\n")).toBe("apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: s\nspec:\n  template: {}\n");
  });

  it("names a kustomization file by its path, and hides Secret values", () => {
    expect(objectsOf("kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n")[0]!.id.name).toBe("kustomization.yaml");
    const secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: n\nstringData:\n  thanos.yaml: c2VjcmV0\n";
    const [o] = objectsOf("secret_n_s.yaml", secret);
    expect(o!.shown).toContain("thanos.yaml: <hidden>");
    expect(o!.shown).not.toContain("c2VjcmV0");
  });

  it("knows the objects the fleet only patches: they stay in the cluster", () => {
    const prometheus = files.find((f) => f.file.endsWith("overlays/member-1/prometheus.monitoring.coreos.com_kubesphere-monitoring-system_k8s.yaml"))!;
    expect(staysInCluster(prometheus.content)).toBe(true);
    const store = files.find((f) => f.file.includes("/store.monitoring.paodin.io_"))!;
    expect(staysInCluster(store.content)).toBe(false);
    expect(staysInCluster("kind: ConfigMap\nmetadata:\n  annotations:\n    argocd.argoproj.io/sync-options: Prune=false\n")).toBe(true);
    expect(staysInCluster("kind: ConfigMap\nmetadata:\n  annotations:\n    note: Prune=false is not an option here\n")).toBe(false);
    // A key twice elsewhere is no error to Go's readers (the last one counts), nor here.
    expect(staysInCluster("kind: ConfigMap\nkind: ConfigMap\nmetadata:\n  annotations:\n    kustomize.toolkit.fluxcd.io/prune: Disabled\n")).toBe(true);
    expect(staysInCluster("kind: ConfigMap\nmetadata: x\n# kustomize.toolkit.fluxcd.io/prune\n")).toBe(false);
  });
});
