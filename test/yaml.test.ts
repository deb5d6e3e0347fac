import fc from "fast-check";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { toYaml } from "../src/emit/yaml.js";
import { goYamlDataArb, TRICKY_STRINGS } from "./helpers/go.js";

/** Plain data as the renderer produces it. */
const scalarArb = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string(),
  fc.constantFrom("yes", "No", "ON", "off", "y", "N", "~", "null", "NULL", "true", "False", "0755", "0x1F", "1e3", ".5", "+12", "1_000", "12:30:45", ".inf", ".NaN", "2024-01-31", "<<", "=", "-", "- x", "? x", ": x", "a: b", "a #b", "#x", "@x", "`x", "*x", "&x", "!x", "%x", "|", ">", "[x]", "{x}", "x,y", "e5", "E5", "e-5", "a:", "a:b", "Y", "https://h:6443", "overlays/member-1", "\n", "\nx", "x\n", "x\n\n", " x\ny", "x \ny", "\t"),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
  fc.boolean(),
  fc.constant(null),
);
const dataArb = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, scalarArb, tie("list"), tie("map")),
  list: fc.array(tie("value"), { maxLength: 4 }),
  map: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("y", "n", "on", "1", "", "a: b", "- x", "__x")), tie("value"), { maxKeys: 4 }),
})).value;

/** Order- and prototype-independent equality of plain data. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

function readsBack(value: unknown): void {
  const text = toYaml(value);
  for (const version of ["1.1", "1.2"] as const) {
    const back = parse(text, { version, uniqueKeys: false, schema: version === "1.1" ? "yaml-1.1" : "core" });
    if (canonical(back) !== canonical(value)) throw new Error(`YAML ${version} reads back ${JSON.stringify(back)} from\n${text}`);
  }
}

describe("toYaml", () => {
  it("reads back as the same data in YAML 1.1 and 1.2", () => {
    fc.assert(fc.property(dataArb, readsBack), { numRuns: 3000 });
  });

  it("reads back what Go's readers treat specially (test/go-yaml.test.ts) in YAML 1.1 and 1.2 too", () => {
    for (const s of TRICKY_STRINGS) readsBack({ [s]: [s, { [s]: s }] });
    for (const n of [1023, 1024, 1025]) readsBack({ ["k".repeat(n)]: { ["é".repeat(n)]: ["x\ny"] } });
    fc.assert(fc.property(goYamlDataArb, readsBack), { numRuns: 2000 });
  });

  it("quotes what Go reads as something else, escapes what it refuses raw", () => {
    // Numbers to yaml.v2/v3 (resolve.go strips every `_`, strconv takes upper-case prefixes), YAML 1.1 words, document markers.
    for (const s of ["0X1F", "0B11", "0O17", "-0X1F", "1e_5", "-_9_0", "0o755", "0755", ".5", "+.inf", "1:20", "0b-1", "y", "N", "Off", "<<", "--- x", "...", "2024-01-31"]) {
      expect(toYaml({ k: s })).toBe(`k: ${JSON.stringify(s)}\n`);
    }
    expect(toYaml({ "--- x": 1, "... y": 2 })).toBe('"--- x": 1\n"... y": 2\n');
    // readerc.go refuses these raw even in double quotes; U+0085, U+2028, U+2029 are YAML 1.1 line breaks.
    expect(toYaml({ k: "a\u007fb\u0085c\u009f\u2028\u2029\ufeff\ufffe\uffff\u0000\u001b" })).toBe('k: "a\\u007fb\\u0085c\\u009f\\u2028\\u2029\\ufeff\\ufffe\\uffff\\u0000\\u001b"\n');
    expect(toYaml({ k: "x\ny\u007f" })).toBe('k: "x\\ny\\u007f"\n');
    // Plain names stay plain.
    expect(toYaml({ k: ["member-1", "https://10.0.1.10:6443", "10.0.1.10", "v0.31.0", "30s", "1.2.3", "a_b", "--a"] })).toBe(
      "k:\n- member-1\n- https://10.0.1.10:6443\n- 10.0.1.10\n- v0.31.0\n- 30s\n- 1.2.3\n- a_b\n- --a\n",
    );
  });

  it("writes a key over 1,024 characters as an explicit key (Go refuses a longer implicit one)", () => {
    const long = "k".repeat(1025);
    expect(toYaml({ [long]: 1, ["k".repeat(1024)]: [1] })).toBe(`${"k".repeat(1024)}:\n- 1\n? ${long}\n: 1\n`);
    expect(toYaml({ a: [{ [long]: { b: 1 } }] })).toBe(`a:\n- ? ${long}\n  :\n    b: 1\n`);
  });

  it("indents a top-level literal block (to Go one at column 0 is empty, and its text an error)", () => {
    expect(toYaml("a\nb\n")).toBe("|\n  a\n  b\n");
  });

  it("refuses lone surrogates, which UTF-8 cannot encode", () => {
    expect(() => toYaml({ k: "a\ud800b" })).toThrow(/lone surrogate \(U\+D800 at index 1\)/);
    expect(() => toYaml({ "\udc00": 1 })).toThrow(/lone surrogate/);
    expect(() => toYaml(["x\n\udfff"])).toThrow(/lone surrogate/);
    expect(toYaml({ k: "😀" })).toBe('k: "😀"\n');
  });

  it("orders keys by UTF-16 code units at every level, whatever order they were set in", () => {
    const reversed = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(reversed);
      if (v === null || typeof v !== "object") return v;
      return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)]));
    };
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.integer(), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 24 })), { maxKeys: 24 }), (value) => {
        const text = toYaml({ m: value });
        expect(toYaml({ m: reversed(value) })).toBe(text);
        // The keys as written, in their order: each line at the first level is one.
        const shown = text
          .split("\n")
          .filter((l) => /^ {2}\S/.test(l))
          .map((l) => Object.keys(parse(l.trim()) as object)[0]!);
        expect(shown).toEqual(Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      }),
      { numRuns: 500 },
    );
    expect(toYaml({ b: 1, B: 1, a: 1, _: 1, "é": 1, "1": 1 })).toBe('"1": 1\nB: 1\n_: 1\na: 1\nb: 1\né: 1\n');
    // Past 16 keys the sort takes another path: the same order.
    const letters = Array.from({ length: 20 }, (_, i) => `k${String(20 - i).padStart(2, "0")}`);
    expect(toYaml({ m: Object.fromEntries(letters.map((k) => [k, 1])) })).toBe(`m:\n${[...letters].reverse().map((k) => `  ${k}: 1\n`).join("")}`);
  });

  it("writes Kubernetes objects as kubectl does: metadata first, lists flush with their key, literal blocks", () => {
    expect(
      toYaml({ spec: { args: ["--a", "-b"], c: {} }, metadata: { name: "x", labels: { on: "yes" } }, kind: "K", apiVersion: "v1", data: { "k.yaml": "a: 1\nb: 2\n" } }),
    ).toBe(
      [
        "apiVersion: v1",
        "kind: K",
        "metadata:",
        "  labels:",
        '    "on": "yes"',
        "  name: x",
        "data:",
        "  k.yaml: |",
        "    a: 1",
        "    b: 2",
        "spec:",
        "  args:",
        "  - --a",
        "  - -b",
        "  c: {}",
        "",
      ].join("\n"),
    );
  });
});
