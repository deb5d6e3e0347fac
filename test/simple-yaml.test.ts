import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { isEmptyDocument } from "../src/load/parse.js";
import { readSimpleDocuments, readSimpleYaml, resolvePlain } from "../src/load/simple-yaml.js";
import { exampleFleet } from "./helpers/cli.js";

/**
 * The fast reader may decline anything, but what it accepts it must read exactly as the `yaml`
 * package does (with the loader's options), and the `yaml` package must accept it without an
 * error or a warning: it stays the parser of record.
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 400);
const DEPTH = 64;

function viaYaml(text: string): { values: unknown[]; indexes: number[]; problems: string[] } {
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, strict: true });
  const all = [...docs];
  return {
    // What the loader keeps: every document but the empty ones (a trailing `---`, two in a row).
    values: all.filter((d) => !isEmptyDocument(d)).map((d) => d.toJS()),
    indexes: all.flatMap((d, i) => (isEmptyDocument(d) ? [] : [i])),
    problems: all.flatMap((d) => [...d.errors, ...d.warnings].map((e) => e.message)),
  };
}

/** The property itself; returns what the fast reader did, for counting. */
function agrees(text: string): "declined" | "read" {
  const fast = readSimpleYaml(text, DEPTH, 1000);
  if (fast === undefined) return "declined";
  const slow = viaYaml(text);
  expect(slow.problems, text).toEqual([]);
  expect(fast, text).toEqual(slow.values);
  // Each document's index among the `yaml` package's, which positions are looked up by.
  expect(readSimpleDocuments(text, DEPTH, 1000)!.map((d) => d.index), text).toEqual(slow.indexes);
  return "read";
}

const read = (text: string) => readSimpleYaml(text, DEPTH, 1000);

describe("the fast YAML reader", () => {
  it("reads the plain subset as the yaml package does", () => {
    const texts = [
      "a: 1\nb: true\nc: ~\nd:\ne: null\nf: 0o17\ng: 0x1F\nh: 1e3\ni: .5\nj: 1.\nk: .inf\nl: +.Inf\nm: .NaN\nn: 1_000\no: yes\np: 012\n",
      "a: a#b\nb: x # comment\nc: http://h:1/p?q=1&r=2\nd: a,b[0]{c}\ne: 'it''s'\nf: \"q\\\"\\\\\\u00e9\\n\" # c\ng: []\nh: {} # empty\ni: é ü\n",
      "# leading comment\n---\nkind: Cluster\nmetadata:\n  name: m\n  labels:\n    node-ip: 10.0.0.1\n    app.kubernetes.io/name: x\n---\n# a comment\nkind: Fleet\n",
      "list:\n- a\n- b: 1\n  c:\n  - x\n  -   y\n-   d: 2\n    e: 3\nnested:\n  - 1\n  - 2\nafter: z\n",
      "  indented: root\n  b:\n     deep: 1\n",
      "a:\n  # comment between\n\n  b: 1\n",
      "--- # a comment after the marker\na: 1\n",
      // Empty documents, as kubectl and most generators leave them: skipped.
      "a: 1\n---\n", // a trailing marker
      "a: 1\n---\n---\nb: 1\n", // two in a row
      "a: 1\n---\n# only a comment\n---\nb: 1\n",
      "---\n---\na: 1\n--- # c\n",
      "# c\n---\n\n---\na: 1\n---\n",
      // Marker lines with more than one blank, and lines that only end like markers or directives.
      "a: 1\n---   # c\nb: 2\n",
      "a: 1\n---  \nb: 2\n",
      "a: wait...\nb: 50%\nc: x---\nd: '...'\n",
      // A key with nothing after it, last in the file, or last in a list item before the next item.
      "a: 1\nb:\n",
      "l:\n- a: 1\n  b:\n- x\n",
      // Comments: after a value, after a key whose value follows, and two blanks before one.
      "a: x #\nb: x  # two blanks\nc: 'q'  # c\nd: # c\n  e: 1\nl:\n- a#\n- x  # c\n",
      // Words and numbers only whole: a prefix or suffix makes a string.
      "a: notrue\nb: truex\nc: xfalse\nd: falsey\ne: x0o17\nf: 0o17x\ng: a0x1F\nh: 0x1Fg\ni: x.inf\nj: .infx\nk: x1e3\nl: 1e3x\nm: xnull\nn: nullx\n",
      // Numbers of every shape the core schema has, signs included.
      "b: +.inf\nd: .12e3\ne: .5e3\nf: 12e3\ng: 1.25e3\nh: 1.5e3\ni: 1e10\nj: .25\nk: +12.5\nl: +0o17\nm: +0x1F\nn: 0o0\n",
    ];
    for (const text of texts) expect(agrees(text), text).toBe("read");
  });

  it("declines what is outside the subset or invalid, leaving it to the yaml package", () => {
    const texts = [
      "a: &x 1\nb: *x\n", // anchors and aliases
      "a: !tag x\n", // tags
      "%YAML 1.1\n---\na: yes\n", // directives change the schema
      "a: |\n  text\n", // block scalars
      "a: [1, 2]\n", // flow collections
      "a: b\n  c\n", // multi-line plain scalar
      '"quoted key": 1\n', // quoted keys
      "a: 1\na: 2\n", // duplicate keys
      "__proto__: 1\n", // prototype keys
      "constructor:\n  x: 1\n",
      "1: a\n", // keys that are not strings
      "true: a\n",
      "null: a\n",
      "a:\tb\n", // tabs
      "a: 1\r\nb: 2\r\n", // CRLF
      "- a\n- b\n", // a root that is not a mapping
      "just a scalar\n",
      "a: b: c\n", // syntax errors
      "a: 'open\n",
      'a: "x" y\n',
      "a: 1\n - b\n",
      "a:\n- b\nc\n",
      "a: -1\n", // plain scalars that start with an indicator
      "a: -\n",
      "- - a\n",
      "a: 1\n...\n",
      "--- a: 1\n",
      "a: \"\\x41\"\n", // YAML escapes JSON does not have
      "a: 1\n---\nnull\n", // a document that is an explicit null, not an empty one
      "a: 1\n---\n~\n",
      "a: 1\n---\n''\n",
      // Markers and directives are markers only at column 0; indented, they are text.
      "a:\n  b: 1\n  ---\n  c: 2\n",
      "a:\n  b: 1\n  ...\n",
      "a:\n  %x\n",
      "a: 1\n...---\n",
      "a: 1\n%---\n",
      // A root mapping must take every line: one less indented after it is not the same document.
      "  a: 1\nb: 2\n",
      "  a:\n    b: 1\nc: 2\n",
      // After a quoted scalar, only a comment.
      'a: "x" y # c\n',
      "a: 'x' y # c\n",
    ];
    for (const text of texts) expect(read(text), text).toBeUndefined();
  });

  it("declines nesting deeper than the limit, and more documents than the limit", () => {
    const nest = (n: number) => Array.from({ length: n }, (_, i) => `${"  ".repeat(i)}k${i}:`).join("\n") + " 1\n";
    expect(read(nest(DEPTH))).toBeDefined();
    expect(read(nest(DEPTH + 1))).toBeUndefined();
    expect(readSimpleYaml("a: 1\n---\nb: 2\n---\nc: 3\n", DEPTH, 2)).toBeUndefined();
    expect(readSimpleYaml("a: 1\n---\nb: 2\n", DEPTH, 2)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it("resolves a plain scalar as the yaml package's core schema does (also where the reader leaves a line to yaml, as for keys)", () => {
    const words = ["-.inf", "-.Inf", "-.INF", "+.inf", ".inf", ".nan", "-1", "-12.5", "-0x1F", "-0o17", "-1e3", "-.5", "~", "null", "", "true", "FALSE", "0o17", "0x1f", "012", "1_000", "yes"];
    for (const w of [...words, ...SCALARS.filter((x) => !/^["'[{]/.test(x))]) {
      const doc = parseAllDocuments(`k: ${w}\n`)[0]!;
      if (doc.errors.length > 0 || /^[*&!]/.test(w)) continue; // aliases, anchors, tags: not plain scalars
      const want = (doc.toJS() as { k: unknown }).k;
      if (typeof want === "string" && want !== w) continue; // a comment or an indicator: not one plain scalar
      expect(resolvePlain(w), JSON.stringify(w)).toEqual(want);
    }
    expect(resolvePlain("-.inf")).toBe(-Infinity);
  });

  it("counts every kind of nesting against the limit: mappings, sequences, flush sequences, items that are mappings", () => {
    /** Nesting as the loader counts it: a mapping or sequence is one level more than its parent. */
    const depth = (v: unknown): number =>
      v !== null && typeof v === "object" ? 1 + Math.max(0, ...Object.values(v as Record<string, unknown>).map(depth)) : 0;
    const shapes: Record<string, (n: number) => string> = {
      mappings: (n) => Array.from({ length: n }, (_, i) => `${"  ".repeat(i)}k${i}:`).join("\n") + " 1\n",
      "indented sequences of mappings": (n) => Array.from({ length: n }, (_, i) => `${"  ".repeat(i)}${i === 0 ? "" : "- "}k${i}:`).join("\n") + " 1\n",
      "flush sequences of mappings": (n) => Array.from({ length: n }, (_, i) => `${"  ".repeat(Math.max(0, i - 1))}${i === 0 ? "" : "- "}k${i}:`).join("\n") + "\n" + `${"  ".repeat(Math.max(0, n - 1))}- x\n`,
      "sequences of scalars": (n) => Array.from({ length: n }, (_, i) => `${"  ".repeat(i)}k${i}:`).join("\n") + `\n${"  ".repeat(n)}- x\n`,
    };
    for (const [name, make] of Object.entries(shapes)) {
      for (const n of [3, 8]) {
        const text = make(n);
        const slow = viaYaml(text);
        expect(slow.problems, `${name} ${n}: ${text}`).toEqual([]);
        const d = depth(slow.values[0]);
        expect(readSimpleYaml(text, d, 10), `${name} ${n} at its depth ${d}: ${text}`).toEqual(slow.values);
        expect(readSimpleYaml(text, d - 1, 10), `${name} ${n} over the limit ${d - 1}: ${text}`).toBeUndefined();
      }
    }
  });

  it("reads the example fleet and most of the bad-input corpus, and agrees on all of it", () => {
    const files: string[] = Object.values(exampleFleet());
    const corpus = path.join(import.meta.dirname, "corpus");
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name));
        else if (/\.ya?ml$/.test(e.name)) files.push(readFileSync(path.join(dir, e.name), "utf8"));
      }
    };
    walk(corpus);
    const outcomes = files.map(agrees);
    expect(outcomes.slice(0, Object.keys(exampleFleet()).length).every((o) => o === "read")).toBe(true);
    expect(outcomes.filter((o) => o === "read").length).toBeGreaterThan(files.length / 2);
  });

  it("agrees with the yaml package on generated documents", () => {
    let readCount = 0;
    fc.assert(
      fc.property(documents, (text) => {
        if (agrees(text) === "read") readCount++;
      }),
      { numRuns: RUNS },
    );
    // The generator must reach the subset often, or the property would be checked on nothing.
    expect(readCount).toBeGreaterThan(RUNS / 5);
  });

  it("agrees with the yaml package on mutated fleet files", () => {
    const sources = Object.values(exampleFleet());
    let readCount = 0;
    fc.assert(
      fc.property(fc.constantFrom(...sources), fc.array(mutation, { minLength: 1, maxLength: 4 }), (text, edits) => {
        if (agrees(edits.reduce((t, edit) => edit(t), text)) === "read") readCount++;
      }),
      { numRuns: RUNS },
    );
    // Most typos take a file out of the subset (declined, so compared with nothing): the property
    // must still compare a fair share of the inputs (about a quarter, 99 of 400 in one run), or
    // it would pass on a reader that declines everything it is given.
    expect(readCount).toBeGreaterThanOrEqual(Math.ceil(RUNS / 8));
  });
});

// ---------------------------------------------------------------------------------------------
// Generators: documents built from pieces that sit on both sides of the subset's edges.

const KEYS = ["a", "b", "name", "node-ip", "app.kubernetes.io/name", "x_y", "1", "true", "null", "~", "0x1", "1.5", "a b", '"q"', "'q'", "-a", "a:", "__proto__", "k#"];
const SCALARS = [
  ...["x", "yes", "no", "on", "null", "Null", "NULL", "~", "true", "False", "TRUE", "1", "-1", "+1", "012", "0o17", "0o8", "0x1F", "0xG", "1e3", "1E-3", ".5", "1.", "1.0", "1_000", ".inf", "-.Inf", ".NaN", "nan"],
  ...["a#b", "a #b", "a:b", "a: b", "a:", "a,b", "[a]", "{a}", "a[0]", "http://h:1/p", "é", "*a", "&a b", "!t x", "|", ">", "%x", "@x", "`x", "?x", "? x", "-x", "- x", ":x", "[]", "{}", "[ ]", "[] #c"],
  ...["'q'", '"q"', '"a\\"b"', '"a\\\\b"', '"\\u00e9"', '"\\x41"', '"\\/"', "'it''s'", "'it's'", '"open', "'x' y", '"x" # c', '"x"#c', "''", '""', "x # c", "x #", "x  "],
];

// Mostly pieces inside the subset, so that the property is checked on documents it reads.
const key = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...KEYS.slice(0, 6)) }, { weight: 1, arbitrary: fc.constantFrom(...KEYS) });
const scalar = fc.oneof(
  { weight: 12, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9 ./_-]{0,10}$/) },
  { weight: 2, arbitrary: fc.constantFrom(...SCALARS) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9 :#'"\-.,[\]{}]{0,8}$/) },
);
const comment = fc.constantFrom("", "", "", "# c", "  # indented comment");

type Tree = { map: [string, Tree][] } | { seq: Tree[] } | { scalar: string };
const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree; item: Tree; map: Tree }>((tie) => ({
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar.map((s) => ({ scalar: s })), tie("map"), fc.array(tie("item"), { minLength: 1, maxLength: 3 }).map((seq) => ({ seq }))),
  // Lists of lists (`- - a`) are outside the subset: rarely generated.
  item: fc.oneof({ weight: 3, arbitrary: scalar.map((s) => ({ scalar: s })) }, { weight: 3, arbitrary: tie("map") }, { weight: 1, arbitrary: tie("node") }),
  // Repeated keys are outside the subset too.
  map: fc
    .oneof(
      { weight: 6, arbitrary: fc.uniqueArray(fc.tuple(key, tie("node")), { minLength: 1, maxLength: 4, selector: ([k]) => k }) },
      { weight: 1, arbitrary: fc.array(fc.tuple(key, tie("node")), { minLength: 1, maxLength: 4 }) },
    )
    .map((map) => ({ map })),
})).node;

interface Style {
  readonly step: number;
  readonly flushSeq: boolean;
  readonly comments: string[];
}

function render(t: Tree, indent: number, style: Style, out: string[]): void {
  const pad = " ".repeat(indent);
  const note = () => style.comments[out.length % style.comments.length] ?? "";
  if ("map" in t) {
    for (const [k, v] of t.map) {
      const c = note();
      if (c !== "") out.push(pad + c);
      if ("scalar" in v) out.push(`${pad}${k}: ${v.scalar}`);
      else {
        out.push(`${pad}${k}:`);
        render(v, "seq" in v && style.flushSeq ? indent : indent + style.step, style, out);
      }
    }
  } else if ("seq" in t) {
    for (const item of t.seq) {
      if ("scalar" in item) out.push(`${pad}- ${item.scalar}`);
      else {
        const inner: string[] = [];
        render(item, indent + 2, style, inner);
        // The item's first line moves up beside its dash, as `- key: value`.
        const first = inner.findIndex((l) => !l.trimStart().startsWith("#"));
        out.push(...inner.slice(0, first), `${pad}- ${inner[first]!.trimStart()}`, ...inner.slice(first + 1));
      }
    }
  } else out.push(`${pad}${t.scalar}`);
}

const documents = fc
  .tuple(
    fc.array(fc.tuple(tree, fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 3 }),
    fc.integer({ min: 1, max: 3 }),
    fc.boolean(),
    fc.array(comment, { minLength: 1, maxLength: 4 }),
    fc.constantFrom("---", "--- # doc", "---  ", "---\n---", "---\n# c\n---"),
    fc.constantFrom("", "", "---\n", "--- # end\n", "---\n---\n"),
  )
  .map(
    ([docs, step, flushSeq, comments, marker, end]) =>
      docs
        .map(([t, rootIndent]) => {
          const out: string[] = [];
          render("map" in t ? t : { map: [["root", t]] }, rootIndent, { step, flushSeq, comments }, out);
          return `${out.join("\n")}\n`;
        })
        .join(`${marker}\n`) + end,
  );

/** Small edits at a random place: the kinds of typos that change what YAML means. */
const mutation: fc.Arbitrary<(text: string) => string> = fc.oneof(
  fc.tuple(fc.nat(), fc.constantFrom(" ", "  ", "-", ":", "#", "'", '"', "\\", "\n", "\t", "&", "*", "!", "|", "[", "{", "---\n", "? ", "~", "0x", "\r")).map(
    ([at, s]) =>
      (t: string) =>
        t.slice(0, at % (t.length + 1)) + s + t.slice(at % (t.length + 1)),
  ),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 3 })).map(([at, n]) => (t: string) => t.slice(0, at % (t.length + 1)) + t.slice((at % (t.length + 1)) + n)),
  fc.nat().map((at) => (t: string) => {
    const lines = t.split("\n");
    const i = at % lines.length;
    return [...lines.slice(0, i), lines[i]!, ...lines.slice(i)].join("\n");
  }),
);
