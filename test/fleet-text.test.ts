import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { CRD_FILE, documentProblems, duplicateKeys, FLEET_FILE, LIMITS, parseYamlDocuments } from "../src/load/limits.js";
import { decodeText, parseFleetText } from "../src/load/parse.js";
import { positionOf } from "../src/load/source.js";

/**
 * The load stage's own refusals (src/load/parse.ts, src/load/limits.ts), each with the message
 * and position a user reads: bytes that are not text, the limits of the README's "Security"
 * section at their exact edges, empty documents, repeated and prototype keys, and plain keys
 * that YAML 1.2 reads as another string. Files here are written so that the fast reader
 * (simple-yaml.ts) declines them (a flow mapping, an anchor or a tag), so that the `yaml`
 * package's path is the one tested; where both read a file, both must say the same.
 */
const lines = (r: { issues: readonly { code: string; line?: number; col?: number; message: string; path?: readonly unknown[] }[] }) =>
  r.issues.map((i) => `${i.line ?? "-"}:${i.col ?? "-"} ${i.code}${i.path === undefined ? "" : ` [${i.path.join(".")}]`} ${i.message}`);
const fleetText = (text: string) => parseFleetText({ file: "clusters/f.yaml", absPath: "/p/clusters/f.yaml", text });
const values = (text: string) => fleetText(text).docs.map((d) => d.value);

describe("bytes to text", () => {
  it("takes UTF-8 text up to the limit, without its byte order mark", () => {
    expect(decodeText("f.yaml", new TextEncoder().encode("a: é\n"))).toEqual({ text: "a: é\n" });
    expect(decodeText("f.yaml", new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ text: "a" });
    const limit = new Uint8Array(LIMITS.fileBytes).fill(0x20);
    expect("text" in decodeText("f.yaml", limit)).toBe(true);
  });

  it("refuses a file over the limit, with NUL bytes, or not UTF-8, saying which", () => {
    expect(decodeText("f.yaml", new Uint8Array(LIMITS.fileBytes + 1).fill(0x20))).toEqual({
      issue: { code: "file-too-large", severity: "error", file: "f.yaml", message: `is ${LIMITS.fileBytes + 1} bytes, more than the limit of 8388608` },
    });
    expect(decodeText("f.yaml", new Uint8Array([0x61, 0, 0x62]))).toEqual({ issue: { code: "file-not-text", severity: "error", file: "f.yaml", message: "is not a text file (it contains NUL bytes)" } });
    expect(decodeText("f.yaml", new Uint8Array([0x61, 0xff]))).toEqual({ issue: { code: "file-not-text", severity: "error", file: "f.yaml", message: "is not UTF-8 text" } });
  });
});

describe("documents of a fleet file", () => {
  it("skips a document with nothing in it, and keeps one that says null, ~, an empty string, or has a tag or an anchor", () => {
    expect(values("--- {a: 1}\n---\n# only a comment\n---\n")).toEqual([{ a: 1 }]);
    expect(values("--- {a: 1}\n--- null\n--- ~\n--- ''\n--- !!str\n--- &x\n")).toEqual([{ a: 1 }, null, null, "", "", null]);
    expect(fleetText("--- {a: 1}\n---\n").docs.map((d) => d.index)).toEqual([0]);
    expect(fleetText("---\n--- {a: 1}\n").docs.map((d) => d.index)).toEqual([1]);
  });

  it("a file of empty documents is an error at its start", () => {
    for (const text of ["", "# nothing\n", "---\n---\n", "--- # x\n...\n"]) {
      expect(lines(fleetText(text)), JSON.stringify(text)).toEqual(["1:1 file-empty has no YAML documents; delete it or add a Fleet or Cluster"]);
    }
  });

  it("reads up to the limit of documents and refuses one more, at the file's start", () => {
    const docs = (n: number) => Array.from({ length: n }, () => "--- !!map {}\n").join("");
    expect(fleetText(docs(LIMITS.documentsPerFile)).docs).toHaveLength(LIMITS.documentsPerFile);
    const over = fleetText(docs(LIMITS.documentsPerFile + 1));
    expect(over.docs).toEqual([]);
    expect(over.issues).toEqual([
      { code: "yaml-too-many-documents", severity: "error", file: "clusters/f.yaml", line: 1, col: 1, message: `has ${LIMITS.documentsPerFile + 1} YAML documents, more than the limit of 20000` },
    ]);
  });

  it("nests up to the limit and refuses one level more, at the deepest key", () => {
    const nested = (n: number) => `${"{a: ".repeat(n)}1${"}".repeat(n)}\n`;
    expect(fleetText(nested(LIMITS.depth)).issues).toEqual([]);
    expect(lines(fleetText(nested(LIMITS.depth + 1)))).toEqual([`1:${4 * LIMITS.depth + 2} yaml-too-deep nesting is deeper than the limit of 64`]);
    // Lists count as levels too, and the first place too deep is the one reported.
    const lists = `${"- ".repeat(LIMITS.depth)}{a: 1, b: {c: 1}}\n`;
    expect(lines(fleetText(lists))).toEqual([`1:${2 * LIMITS.depth + 2} yaml-too-deep nesting is deeper than the limit of 64`]);
  });

  it("refuses a key repeated in a mapping, at each repetition, and prototype keys, in document order", () => {
    expect(lines(fleetText("&x {a: 1, b: 2, a: 3, a: 4, c: {b: 1, b: 2}}\n"))).toEqual([
      '1:17 yaml-syntax YAML: the key "a" appears twice in the same mapping',
      '1:23 yaml-syntax YAML: the key "a" appears twice in the same mapping',
      '1:39 yaml-syntax YAML: the key "b" appears twice in the same mapping',
    ]);
    expect(lines(fleetText("&x {__proto__: 1, k: {constructor: 2}, l: [{prototype: 3}]}\n"))).toEqual([
      '1:5 forbidden-key the key "__proto__" is not allowed anywhere in a fleet file',
      '1:23 forbidden-key the key "constructor" is not allowed anywhere in a fleet file',
      '1:45 forbidden-key the key "prototype" is not allowed anywhere in a fleet file',
    ]);
    // A repeated key that is no scalar is the YAML reader's own business; a fleet key is a string.
    expect(fleetText("&x {[a]: 1, b: 2}\n").issues).toEqual([]);
  });

  it("reports the first YAML error of each document, and goes on with the next", () => {
    expect(lines(fleetText("a: [\n--- {b: 1}\n--- {c: }}\n"))).toEqual([
      expect.stringMatching(/^2:1 yaml-syntax YAML: /) as unknown as string,
      expect.stringMatching(/^3:10 yaml-syntax YAML: /) as unknown as string,
    ]);
    expect(values("a: [\n--- {b: 1}\n")).toEqual([{ b: 1 }]);
  });

  it("refuses aliases that expand past the limit, at the document", () => {
    const laughs = `a: &a [x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`;
    const r = fleetText(laughs);
    expect(r.docs).toEqual([]);
    expect(lines(r)).toEqual([expect.stringMatching(/^1:1 yaml-aliases \[\] YAML aliases expand to too much data \(limit 100 expansions per document\): \S/) as unknown as string]);
    expect(values("a: &a [x]\nb: *a\n")).toEqual([{ a: ["x"], b: ["x"] }]);
  });
});

describe("plain keys YAML 1.2 reads as another string", () => {
  it("refuses them at the key, with the path and how to quote them", () => {
    expect(lines(fleetText("&x {012: a, 0x1F: b, 1.0: c, null: d, 1e3: f}\n"))).toEqual([
      '1:5 schema [012] the key 012 is read as the number 12 (YAML 1.2), so it would become "12"; quote it: "012":',
      '1:13 schema [0x1F] the key 0x1F is read as the number 31 (YAML 1.2), so it would become "31"; quote it: "0x1F":',
      '1:22 schema [1.0] the key 1.0 is read as the number 1 (YAML 1.2), so it would become "1"; quote it: "1.0":',
      '1:30 schema [null] the key null is read as null (YAML 1.2), so it would become ""; quote it: "null":',
      '1:39 schema [1e3] the key 1e3 is read as the number 1000 (YAML 1.2), so it would become "1000"; quote it: "1e3":',
    ]);
  });

  it("reads ~ as null too; two keys that both become \"\" are also a repeated key", () => {
    expect(lines(fleetText("&x {~: e}\n"))).toEqual(['1:5 schema [~] the key ~ is read as null (YAML 1.2), so it would become ""; quote it: "~":']);
    expect(lines(fleetText("&x {null: d, ~: e}\n"))).toEqual([
      '1:14 yaml-syntax YAML: the key "null" appears twice in the same mapping',
      '1:5 schema [null] the key null is read as null (YAML 1.2), so it would become ""; quote it: "null":',
      '1:14 schema [~] the key ~ is read as null (YAML 1.2), so it would become ""; quote it: "~":',
    ]);
  });

  it("gives the key's path inside mappings and lists", () => {
    expect(lines(fleetText("&x {spec: {list: [{a: 1}, {b: {012: 1}}]}}\n"))).toEqual([
      '1:32 schema [spec.list.1.b.012] the key 012 is read as the number 12 (YAML 1.2), so it would become "12"; quote it: "012":',
    ]);
    expect(lines(fleetText("&x {list: [{012: 1}]}\n"))).toEqual(['1:13 schema [list.0.012] the key 012 is read as the number 12 (YAML 1.2), so it would become "12"; quote it: "012":']);
  });

  it("says what else a key is read as", () => {
    expect(lines(fleetText("&x {True: a}\n"))).toEqual(['1:5 schema [True] the key True is read as true (YAML 1.2), so it would become "true"; quote it: "True":']);
  });

  it("leaves keys that stay what they say, quoted keys, and quoted keys with an explicit tag", () => {
    expect(fleetText('&x {!!int "012": a}\n').issues).toEqual([]);
    expect(fleetText('&x {1: a, true: b, "012": c, \'null\': d, x: e, -1: f, 0.5: g}\n').issues).toEqual([]);
    expect(values('&x {1: a, true: b, "012": c}\n')).toEqual([{ 1: "a", true: "b", "012": "c" }]);
  });
});

describe("the YAML checks shared by every input", () => {
  it("words a prototype key in a CRD manifest for what it is, with the CRD limit of nesting", () => {
    const { docs, lineCounter } = parseYamlDocuments("a: {constructor: 1}\n");
    expect(documentProblems("crd.yaml", docs[0]!, lineCounter, CRD_FILE)).toEqual([
      { code: "forbidden-key", severity: "error", file: "crd.yaml", line: 1, col: 5, message: 'the key "constructor" is refused: it could reach into an object\'s prototype' },
    ]);
    const deep = (n: number) => parseYamlDocuments(`${"{a: ".repeat(n)}1${"}".repeat(n)}\n`);
    const at = deep(LIMITS.crdDepth);
    expect(documentProblems("crd.yaml", at.docs[0]!, at.lineCounter, CRD_FILE)).toEqual([]);
    expect(documentProblems("crd.yaml", at.docs[0]!, at.lineCounter, FLEET_FILE).map((i) => i.message)).toEqual(["nesting is deeper than the limit of 64"]);
    const over = deep(LIMITS.crdDepth + 1);
    expect(documentProblems("crd.yaml", over.docs[0]!, over.lineCounter, CRD_FILE).map((i) => i.message)).toEqual(["nesting is deeper than the limit of 128"]);
  });

  it("finds every repeated key of a document, where it is repeated", () => {
    const doc = parseDocument("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n", { uniqueKeys: false });
    expect(duplicateKeys(doc)).toEqual([
      { key: "a", offset: 22 },
      { key: "c", offset: 17 },
    ]);
    expect(duplicateKeys(parseDocument("a: 1\nb: 2\n"))).toEqual([]);
  });

  it("a position read lazily is the position the full parse gives", () => {
    const text = "apiVersion: paodin-fleet/v1alpha1\nkind: Cluster\nmetadata:\n  name: a\n";
    const [doc] = fleetText(text).docs;
    expect(positionOf(doc!, ["metadata", "name"])).toEqual({ line: 4, col: 9 });
    expect(positionOf(doc!, ["metadata", "name"], true)).toEqual({ line: 4, col: 3 });
  });
});
