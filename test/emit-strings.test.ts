import fc from "fast-check";
import { parse, parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { editedYaml, placeholderOf, toJsonText, toYaml, toYamlWithExpressions } from "../src/emit/yaml.js";

/**
 * The emitter's quoting (src/emit/yaml.ts) against adversarial strings, read back by the `yaml`
 * package both as YAML 1.2 (core schema) and as YAML 1.1 (`{ version: "1.1" }`, the schema of
 * Go's yaml.v2 and of many tools): every string stays the same string, as a value, as a key and in
 * a list, at any depth. Strings are built from pieces that mean something else to some reader:
 * line and paragraph separators, NEL, C0 and C1 controls, BOM, document markers, `<<`,
 * timestamps, sexagesimal numbers, `0o`/`0x`/octal/binary, `.inf`, `~`, YAML 1.1 booleans,
 * indicators. A lone surrogate (not encodable in UTF-8) is refused with an error, never written.
 * And the text itself holds no character that a reader refuses raw, or reads as a line break:
 * those are always escaped inside double quotes.
 */

const CONTROLS = [...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), "\u007f", ...Array.from({ length: 32 }, (_, i) => String.fromCharCode(0x80 + i))];
const PIECES = [
  ...["\u2028", "\u2029", "\u0085", "\ufeff", "\ufffe", "\uffff", "\u00a0", "\u200b"],
  ...CONTROLS,
  ...["---", "...", "--- x", "... x", "<<", "=", "~", "-", "?", ":", "? ", ": ", "- ", "#", " #", "&a", "*a", "!t", "!!str", "%YAML", "@", "`", "|", ">", "|-", ">+", "[", "]", "{", "}", ",", "'", '"', "\\", "\\n"],
  ...["2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2002-12-14", "1:30:00", "190:20:30", "-1:20", "1:20.5"],
  ...["0o17", "0O17", "0x1F", "0X1f", "017", "0755", "08", "0b101", "0B1", "1_000", "+1", "-0", "0.", ".5", "1e3", "1E-3", "6.8523015e+5", ".inf", "-.Inf", "+.INF", ".nan", ".NaN"],
  ...["y", "Y", "n", "N", "yes", "No", "ON", "off", "true", "False", "null", "NULL", "Null"],
  ...[" ", "  ", "\t", "\n", "\n\n", "\r", "\r\n", "x", "é", "😀", "member-1", "a.b/c"],
];
const piece = fc.constantFrom(...PIECES);
const adversarial = fc.oneof({ weight: 4, arbitrary: fc.array(piece, { minLength: 1, maxLength: 5 }).map((p) => p.join("")) }, { weight: 1, arbitrary: piece }, { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 6 }) });

/** Readers that must each read the text back as the data. */
const READERS = {
  "YAML 1.2": (text: string) => parse(text, { version: "1.2", uniqueKeys: false }) as unknown,
  "YAML 1.1": (text: string) => parse(text, { version: "1.1", uniqueKeys: false }) as unknown,
} as const;

/** Characters a reader refuses raw or reads as a break, anywhere in the text: escaped, always. */
const NEVER_RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;

function roundTrip(value: unknown): void {
  const text = toYaml(value);
  expect(NEVER_RAW.exec(text), JSON.stringify(text)).toBeNull();
  for (const [name, read] of Object.entries(READERS)) expect(read(text), `${name} reads back ${JSON.stringify(text)}`).toEqual(value);
}

describe("the emitter's quoting: every string stays the same string, in YAML 1.2 and YAML 1.1", () => {
  it("each piece alone, as a value, a key, in a list and nested", () => {
    for (const s of PIECES) roundTrip({ [s]: s, k: [s, { [s]: [s] }], m: { [s]: { [s]: s } } });
  });

  it("document markers, `<<` and YAML 1.1 words as map keys at every level", () => {
    for (const k of ["---", "...", "--- a", "... a", "<<", "y", "n", "on", "~", "2002-12-14", "1:30", "0o17", ".inf"]) {
      roundTrip({ [k]: 1, a: { [k]: { [k]: k } }, l: [{ [k]: k }] });
      expect(toYaml({ [k]: 1 }).startsWith(`${k}:`), `${k} must not stay plain`).toBe(false);
    }
  });

  it("adversarial strings built from the pieces", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(adversarial, adversarial), { minLength: 1, maxLength: 4 }), (pairs) => {
        const obj: Record<string, unknown> = {};
        for (const [k, v] of pairs) obj[k] = { v, l: [v, k], n: { [v]: k } };
        roundTrip(obj);
        roundTrip([pairs.map(([k]) => k)]);
      }),
      { numRuns: 2000 },
    );
  });

  it("no plain scalar holds a character a reader sees as something else", () => {
    // A plain scalar is one line of printable characters (no controls, NEL, separators or BOM): anything else is quoted.
    fc.assert(
      fc.property(adversarial, (s) => {
        const text = toYaml({ k: s });
        const value = text.slice(3, -1);
        if (!/^["'|>]/.test(value)) {
          expect(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/.test(value), JSON.stringify(text)).toBe(false);
          expect(value, JSON.stringify(text)).toBe(s);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("a lone surrogate anywhere is an error that says where, never written", () => {
    for (const lone of ["\ud800", "\udbff", "\udc00", "\udfff"]) {
      for (const [value, at] of [[{ k: `a${lone}b` }, 1], [{ [`x${lone}`]: 1 }, 1], [[`\n${lone}`], 1], [{ k: { l: [`${lone}`] } }, 0]] as const) {
        const hex = lone.charCodeAt(0).toString(16).toUpperCase();
        expect(() => toYaml(value), JSON.stringify(value)).toThrow(`lone surrogate (U+${hex} at index ${at})`);
      }
    }
    // A pair is one character, written as it is.
    roundTrip({ k: "\ud83d\ude00" });
  });
});

/**
 * The bytes the emitter writes for the cases its rules distinguish (each pinned here because a
 * reader would read another value, or because quoting more than needed changes every rendered
 * file): null, empty strings, prefixes, nesting order, literal blocks, errors.
 */
describe("the emitter's bytes", () => {
  it("writes null as null, an empty string quoted, skips undefined, and puts the prefix first", () => {
    expect(toYaml({ k: null, e: "", u: undefined })).toBe('e: ""\nk: null\n');
    expect(toYaml({ a: 1 }, "# head\n")).toBe("# head\na: 1\n");
    expect(toYaml([null, ""])).toBe('- null\n- ""\n');
  });

  it("puts apiVersion, kind and metadata first at the top only; nested mappings are in code-unit order", () => {
    const o = { kind: 1, b: 2, apiVersion: 3, metadata: 4 };
    expect(toYaml(o)).toBe("apiVersion: 3\nkind: 1\nmetadata: 4\nb: 2\n");
    expect(toYaml({ x: o })).toBe("x:\n  apiVersion: 3\n  b: 2\n  kind: 1\n  metadata: 4\n");
    expect(toYaml({ x: [o] })).toBe("x:\n- apiVersion: 3\n  b: 2\n  kind: 1\n  metadata: 4\n");
  });

  it("quotes a key that starts with ? but not such a value", () => {
    expect(toYaml({ "?x": "?x" })).toBe('"?x": ?x\n');
    expect(toYaml({ k: ["?x"] })).toBe("k:\n- ?x\n");
  });

  it("quotes what Go reads as a number once it drops every _, in either case of prefix", () => {
    for (const s of ["0B1_1", "0X_1F", "-0O1_7", "+0x1_f", "1_0E5"]) expect(toYaml({ k: s }), s).toBe(`k: ${JSON.stringify(s)}\n`);
  });

  it("leaves plain what no reader takes for anything but the string", () => {
    // Strings that start like numbers but are none, to YAML 1.1, 1.2 or Go.
    for (const s of ["12024-01-01", "1--- a", "1... a", "0o", "0x", "1.2.3", "e", "-x", "+x", "x-", "1a", "5%", "..5", "e.5", "1ex5", ".5ex5", "1x.5", "1.xe5", "1x5", "1.5x"]) {
      expect(toYaml({ k: s }), s).toBe(`k: ${s}\n`);
      roundTrip({ k: s });
    }
  });

  it("writes a multi-line string as a literal block, its empty lines without indentation", () => {
    expect(toYaml({ k: "a\n\nb\n" })).toBe("k: |\n  a\n\n  b\n");
    expect(toYaml({ k: { l: "a\n\n\nb" } })).toBe("k:\n  l: |-\n    a\n\n\n    b\n");
  });

  it("refuses what YAML cannot hold, saying what, with at most the first 60 characters of a string", () => {
    expect(() => toYaml({ k: Number.NaN })).toThrow("cannot write NaN as YAML");
    expect(() => toYaml({ k: Number.POSITIVE_INFINITY })).toThrow("cannot write Infinity as YAML");
    expect(() => toYaml({ k: 1n })).toThrow("cannot write a bigint as YAML");
    expect(() => toYaml({ k: `${"a".repeat(100)}\ud800` })).toThrow(`cannot write a string with a lone surrogate (U+D800 at index 100) as YAML: ${JSON.stringify("a".repeat(60))}`);
  });
});

/**
 * The three other texts the emitter writes: thanos.yaml as an External Secrets template (each
 * credential an expression that the operator fills in), kubesphere.yaml edited in place (the
 * user's comments and quoting kept), and JSON files (the imported schemas, `diff --format json`).
 */
describe("the emitter's other texts", () => {
  it("writes each credential of a template as a raw expression, the name a Go string literal", () => {
    const text = toYamlWithExpressions({ type: "S3", config: { bucket: "b", access_key: placeholderOf(0), "secret-key": placeholderOf(1) } }, ["access_key", 'se"cret']);
    expect(text).toBe('config:\n  access_key: {{ index . "access_key" | toJson }}\n  bucket: b\n  secret-key: {{ index . "se\\"cret" | toJson }}\ntype: S3\n');
    // Placeholders are distinct plain scalars, so each is found once and left nowhere.
    expect(placeholderOf(0)).toBe("__paodin_fleet_credential_0__");
    expect(placeholderOf(1)).not.toBe(placeholderOf(0));
    expect(text).not.toContain("__paodin_fleet_credential_");
  });

  it("edits one value of a document, keeping its comments, order and quoting, never folding a long line, and leaves the document as it was", () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(" ");
    const source = `# the user's comment\nauthentication:\n  jwtSecret: 'kept'\nmonitoring:\n  endpoint: http://old:9090 # old\n  other: 1\nnote: ${words}\n`;
    const doc = parseDocument(source);
    const long = `http://${"a".repeat(120)}:9090`;
    expect(editedYaml(doc, ["monitoring", "endpoint"], long)).toBe(source.replace("http://old:9090", long));
    expect(doc.toString({ lineWidth: 0 })).toBe(source);
    expect(editedYaml(parseDocument("a: 1\n"), ["monitoring", "endpoint"], "http://x")).toBe("a: 1\nmonitoring:\n  endpoint: http://x\n");
    // A key with nothing under it yet (a null scalar) becomes the mapping the value goes in, where it stood.
    for (const empty of ["monitoring:", "monitoring: null", "monitoring: ~"]) {
      expect(editedYaml(parseDocument(`a: 1\n${empty}\nb: 2\n`), ["monitoring", "endpoint"], "http://x"), empty).toBe("a: 1\nmonitoring:\n  endpoint: http://x\nb: 2\n");
    }
    expect(editedYaml(parseDocument("x:\n"), ["x", "y", "z"], "v")).toBe("x:\n  y:\n    z: v\n");
    expect(editedYaml(parseDocument("x: 0\n"), ["x"], "v")).toBe("x: v\n");
    // A value that is there is never thrown away for the mapping (assets.ts refuses such a base before).
    expect(() => editedYaml(parseDocument("x: 0\n"), ["x", "y"], "v")).toThrow("Expected YAML collection");
  });

  it("writes JSON with two-space indentation, keys in the order given, and a final newline", () => {
    expect(toJsonText({ b: [1, { c: null }], a: "é" })).toBe('{\n  "b": [\n    1,\n    {\n      "c": null\n    }\n  ],\n  "a": "é"\n}\n');
  });
});
