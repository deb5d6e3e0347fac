import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { DocPath } from "../src/diagnostics/issue.js";
import { ajvIssues, alternatives, pointerToPath, type WrittenScalar } from "../src/validate/ajv-issues.js";
import { createAjv, KUBERNETES_KEYWORDS, overrideSchemas, readSchemas, schemaDir } from "../src/validate/ajv.js";
import { validatorFor } from "../src/validate/validators.js";
import { testdir } from "./helpers/cli.js";
import { FORMATS, NUMBER_FORMATS } from "../src/validate/formats.js";

/**
 * What a person reads when a value does not match its schema (src/validate/ajv-issues.ts): one
 * case per keyword, through the project's own ajv set-up (createAjv: every error, Kubernetes'
 * keywords and formats), as the fleet's schemas and a repository's own imported operator
 * schemas (README, "Use it in your repository") produce them. Each line is
 * `<path> <code> <key|value>: <message>`, the path as the issue carries it (the CLI prints it
 * after file:line:col), key when the issue points at the key rather than the value.
 */
function messages(schema: Record<string, unknown>, value: unknown, written: Record<string, WrittenScalar> = {}, base: DocPath = []): string[] {
  const ajv = createAjv(new Map([["t.json", { $id: "t.json", ...schema }]]));
  const validate = ajv.getSchema("t.json")!;
  expect(validate(value)).toBe(false);
  return ajvIssues(validate.errors, value, {
    base,
    issue: (path, code, message, key) => ({ code, severity: "error", file: "f.yaml", path: [...path], message: `${path.join(".")} ${code} ${key ? "key" : "value"}: ${message}` }),
    written: (path) => written[path.join(".")],
  }).map((i) => i.message);
}

const at = (props: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: "object", properties: props, ...extra });

describe("schema messages, one per keyword", () => {
  it("an unknown field: at the key, with the nearest known name, or the known names when few, or nothing", () => {
    const closed = at({ replicas: { type: "integer" }, name: { type: "string" } }, { additionalProperties: false });
    expect(messages(closed, { replcas: 1 })).toEqual(['replcas unknown-field key: unknown field "replcas"; did you mean "replicas"?']);
    expect(messages(closed, { zzz: 1 })).toEqual(['zzz unknown-field key: unknown field "zzz" (known fields: replicas, name)']);
    const many = at(Object.fromEntries("abcdefghi".split("").map((c) => [`${c}${c}${c}${c}`, { type: "string" }])), { additionalProperties: false });
    expect(messages(many, { zzzzzzzz: 1 })).toEqual(['zzzzzzzz unknown-field key: unknown field "zzzzzzzz"']);
    const eight = at(Object.fromEntries("abcdefgh".split("").map((c) => [`${c}${c}${c}${c}`, { type: "string" }])), { additionalProperties: false });
    expect(messages(eight, { zzzzzzzz: 1 })).toEqual(['zzzzzzzz unknown-field key: unknown field "zzzzzzzz" (known fields: aaaa, bbbb, cccc, dddd, eeee, ffff, gggg, hhhh)']);
    expect(messages({ type: "object", additionalProperties: false }, { x: 1 })).toEqual(['x unknown-field key: unknown field "x"']);
  });

  it("a missing field, an enum, a const, a pattern", () => {
    expect(messages(at({ a: { type: "string" } }, { required: ["a"] }), {}, {}, ["spec"])).toEqual(['spec missing-field value: missing required field "a"']);
    expect(messages(at({ m: { enum: ["a"] } }), { m: "x" })).toEqual(['m schema value: must be "a"']);
    expect(messages(at({ m: { enum: ["a", 1] } }), { m: "x" })).toEqual(['m schema value: must be "a" or 1']);
    expect(messages(at({ m: { enum: ["a", "b", null] } }), { m: "x" })).toEqual(['m schema value: must be one of "a", "b", null']);
    expect(messages(at({ m: { const: "host" } }), { m: "x" })).toEqual(['m schema value: must be "host"']);
    expect(messages(at({ m: { type: "string", pattern: "^[a-z]+$" } }), { m: "X" })).toEqual(["m schema value: must match the pattern ^[a-z]+$"]);
  });

  it("bounds of numbers, strings, lists and mappings, singular and plural", () => {
    const n = (s: Record<string, unknown>, v: unknown) => messages(at({ n: s }), { n: v });
    expect(n({ type: "integer", minimum: 1 }, 0)).toEqual(["n schema value: must be at least 1"]);
    expect(n({ type: "integer", exclusiveMinimum: 1 }, 1)).toEqual(["n schema value: must be more than 1"]);
    expect(n({ type: "integer", maximum: 9 }, 10)).toEqual(["n schema value: must be at most 9"]);
    expect(n({ type: "integer", exclusiveMaximum: 9 }, 9)).toEqual(["n schema value: must be less than 9"]);
    expect(n({ type: "string", minLength: 1 }, "")).toEqual(["n schema value: must not be empty"]);
    expect(n({ type: "string", minLength: 3 }, "ab")).toEqual(["n schema value: must be at least 3 characters long"]);
    expect(n({ type: "string", maxLength: 3 }, "abcd")).toEqual(["n schema value: must be at most 3 characters long"]);
    expect(n({ type: "array", minItems: 1 }, [])).toEqual(["n schema value: must have at least 1 item"]);
    expect(n({ type: "array", minItems: 2 }, [1])).toEqual(["n schema value: must have at least 2 items"]);
    expect(n({ type: "array", maxItems: 1 }, [1, 2])).toEqual(["n schema value: must have at most 1 item"]);
    expect(n({ type: "array", maxItems: 2 }, [1, 2, 3])).toEqual(["n schema value: must have at most 2 items"]);
    expect(n({ type: "array", uniqueItems: true }, ["a", "b", "a"])).toEqual(["n schema value: must not repeat items (items 0 and 2 are equal)"]);
    expect(n({ type: "object", minProperties: 1 }, {})).toEqual(["n schema value: must have at least 1 entry"]);
    expect(n({ type: "object", minProperties: 2 }, { a: 1 })).toEqual(["n schema value: must have at least 2 entries"]);
    expect(n({ type: "object", maxProperties: 1 }, { a: 1, b: 2 })).toEqual(["n schema value: must have at most 1 entry"]);
    expect(n({ type: "object", maxProperties: 2 }, { a: 1, b: 2, c: 3 })).toEqual(["n schema value: must have at most 2 entries"]);
  });

  it("one of several fields: exactly one, at most one", () => {
    const choice = (min: boolean) => at({ c: { type: "object", properties: { a: {}, b: {} }, maxProperties: 1, ...(min ? { minProperties: 1 } : {}) } });
    expect(messages(choice(true), { c: {} })).toEqual(["c schema value: must set exactly one of a, b"]);
    expect(messages(choice(true), { c: { a: 1, b: 2 } })).toEqual(["c schema value: must set exactly one of a, b"]);
    expect(messages(choice(false), { c: { a: 1, b: 2 } })).toEqual(["c schema value: must set at most one of a, b"]);
    // Without named fields, or with another bound, the plain count.
    expect(messages(at({ c: { type: "object", maxProperties: 1 } }), { c: { a: 1, b: 2 } })).toEqual(["c schema value: must have at most 1 entry"]);
    expect(messages(at({ c: { type: "object", properties: { a: {} }, minProperties: 1, maxProperties: 2 } }), { c: {} })).toEqual(["c schema value: must have at least 1 entry"]);
    expect(messages(at({ c: { type: "object", properties: { a: {} }, minProperties: 1 } }), { c: {} })).toEqual(["c schema value: must have at least 1 entry"]);
    expect(messages(at({ c: { type: "object", minProperties: 1, maxProperties: 1 } }), { c: {} })).toEqual(["c schema value: must have at least 1 entry"]);
    expect(messages(at({ c: { type: "object", properties: { a: {}, b: {}, c: {} }, maxProperties: 2 } }), { c: { a: 1, b: 2, c: 3 } })).toEqual(["c schema value: must have at most 2 entries"]);
  });

  it("a wrong type says what was found, as YAML read it", () => {
    const t = (type: unknown, v: unknown, w?: WrittenScalar) => messages(at({ v: { type } }), { v }, w === undefined ? {} : { v: w })[0];
    expect(t("string", [1])).toBe("v schema value: must be a string, not a list");
    expect(t("string", { a: 1 })).toBe("v schema value: must be a string, not a mapping");
    expect(t("integer", "abc")).toBe('v schema value: must be an integer, not the string "abc"');
    expect(t("integer", "a".repeat(41))).toBe(`v schema value: must be an integer, not the string "${"a".repeat(40)}…"`);
    expect(t("integer", "a".repeat(40))).toBe(`v schema value: must be an integer, not the string "${"a".repeat(40)}"`);
    expect(t("string", 1.5)).toBe("v schema value: must be a string, not the number 1.5");
    expect(t("number", true)).toBe("v schema value: must be a number, not true");
    expect(t("boolean", 1)).toBe("v schema value: must be true or false, not the number 1");
    expect(t("array", null)).toBe("v schema value: must be a list, not empty");
    expect(t("object", null, { text: "", quoted: false })).toBe("v schema value: must be a mapping, not empty");
    expect(t("object", null, { text: "~", quoted: false })).toBe("v schema value: must be a mapping, not null");
    expect(t(["string", "null"], 1)).toBe("v schema value: must be a string or null, not the number 1");
    expect(t(["object", "array"], 1)).toBe("v schema value: must be a mapping or a list, not the number 1");
    expect(t(["integer", "string", "array"], true)).toBe("v schema value: must be an integer, a string or a list, not true");
    const threeWays = at({ v: { anyOf: [{ type: "integer" }, { type: "string" }, { type: ["array", "null"] }] } });
    expect(messages(threeWays, { v: true })).toEqual(["v schema value: must be an integer, a string, a list or null, not true"]);
  });

  it("an anyOf or oneOf of types is one message; of other forms, the first branch's; the parts inside are not repeated", () => {
    const intOrString = { anyOf: [{ type: "integer" }, { type: "string" }] };
    expect(messages(at({ p: intOrString }), { p: true })).toEqual(["p schema value: must be an integer or a string, not true"]);
    expect(messages(at({ p: { oneOf: [{ type: "integer" }, { type: "string" }, { type: "array" }] } }), { p: {} })).toEqual(["p schema value: must be an integer, a string or a list, not a mapping"]);
    expect(messages(at({ p: { anyOf: [{ type: "string", pattern: "^a" }, { type: "string", pattern: "^b" }] } }), { p: "c" })).toEqual(["p schema value: must match the pattern ^a"]);
    expect(messages(at({ p: { anyOf: [{ type: "string" }, { type: "integer", minimum: 1 }] } }), { p: 0 })).toEqual(["p schema value: must be a string, not the number 0"]);
    // Branches of several types and one other form: the first branch's words, not a list of types.
    expect(messages(at({ p: { anyOf: [{ type: "string" }, { type: "boolean" }, { type: "integer", minimum: 1 }] } }), { p: 0 })).toEqual(["p schema value: must be a string, not the number 0"]);
    // An error inside a branch, deeper in the value, is its own issue at its own place.
    expect(messages(at({ p: { anyOf: [{ type: "object", properties: { a: { type: "string" } } }, { type: "string" }] } }), { p: { a: 1 } })).toEqual([
      "p.a schema value: must be a string, not the number 1",
      "p schema value: must be a string, not a mapping",
    ]);
    // An anyOf inside an anyOf's branch is folded on its own.
    expect(messages(at({ p: { anyOf: [{ anyOf: [{ type: "integer" }, { type: "string" }] }, { type: "array" }] } }), { p: true })).toEqual([
      "p schema value: must be an integer or a string, not true",
      "p schema value: must be a list, not true",
    ]);
    // Two anyOf at two places: each folds its own branches.
    const two = at({ p: intOrString, q: intOrString });
    expect(messages(two, { p: [], q: {} })).toEqual(["p schema value: must be an integer or a string, not a list", "q schema value: must be an integer or a string, not a mapping"]);
    // A sibling error at the same place is kept beside the folded anyOf.
    expect(messages(at({ p: { ...intOrString, not: { type: "boolean" } } }), { p: true })).toEqual(["p schema value: must NOT be valid", "p schema value: must be an integer or a string, not true"]);
  });

  it("a format says what it expects; an unknown keyword's error keeps ajv's words", () => {
    expect(messages(at({ d: { type: "string", format: "duration" } }), { d: "soon" })).toEqual(["d schema value: must be a duration such as 30s, 10m or 1h30m"]);
    expect(messages(at({ d: { type: "integer", format: "int32" } }), { d: 2 ** 31 })).toEqual(["d schema value: must be a 32-bit integer"]);
    expect(messages(at({ d: { type: "string", format: "dns1123-label" } }), { d: "A" })).toEqual([
      "d schema value: must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)",
    ]);
    expect(messages(at({ d: { type: "integer", multipleOf: 5 } }), { d: 3 })).toEqual(["d schema value: must be multiple of 5"]);
  });

  it("a value of the wrong type because of YAML 1.2: how to write it, with the user's own text", () => {
    const s = at({ name: { type: "string" }, flag: { type: "boolean" }, list: { type: "array", items: { type: "string" } }, "a b": { type: "string" }, true: { type: "string" } });
    expect(messages(s, { name: 12 }, { name: { text: "012", quoted: false } })).toEqual(['name schema value: must be a string, not the number 12; quote it: name: "012"']);
    expect(messages(s, { name: null }, { name: { text: "null", quoted: false } })).toEqual(['name schema value: must be a string, not null; quote it: name: "null"']);
    expect(messages(s, { name: true }, { name: { text: "true", quoted: false } })).toEqual(['name schema value: must be a string, not true; quote it: name: "true"']);
    expect(messages(s, { list: [1e3] }, { "list.0": { text: "1e3", quoted: false } })).toEqual(['list.0 schema value: must be a string, not the number 1000; quote it: - "1e3"']);
    expect(messages(s, { "a b": 1 }, { "a b": { text: "1", quoted: false } })).toEqual(['a b schema value: must be a string, not the number 1; quote it: "a b": "1"']);
    expect(messages(s, { true: 1 }, { true: { text: "1", quoted: false } })).toEqual(['true schema value: must be a string, not the number 1; quote it: "true": "1"']);
    // Already quoted, empty, or not a scalar the user wrote: no hint.
    expect(messages(s, { name: 1 }, { name: { text: "1", quoted: true } })).toEqual(["name schema value: must be a string, not the number 1"]);
    expect(messages(s, { name: null }, { name: { text: "", quoted: false } })).toEqual(["name schema value: must be a string, not empty"]);
    expect(messages(s, { name: 1 })).toEqual(["name schema value: must be a string, not the number 1"]);
    expect(messages(s, { name: [] }, { name: { text: "x", quoted: false } })).toEqual(["name schema value: must be a string, not a list"]);
    // YAML 1.1 booleans are strings in YAML 1.2.
    expect(messages(s, { flag: "yes" }, { flag: { text: "yes", quoted: false } })).toEqual(['flag schema value: must be true or false, not the string "yes"; YAML 1.2 reads yes as a string: write flag: true']);
    expect(messages(s, { flag: "Off" }, { flag: { text: "Off", quoted: false } })).toEqual(['flag schema value: must be true or false, not the string "Off"; YAML 1.2 reads Off as a string: write flag: false']);
    expect(messages(s, { flag: "true" }, { flag: { text: "true", quoted: true } })).toEqual(['flag schema value: must be true or false, not the string "true"; write flag: true, without quotes']);
    expect(messages(s, { flag: "maybe" }, { flag: { text: "maybe", quoted: false } })).toEqual(['flag schema value: must be true or false, not the string "maybe"']);
    expect(messages(s, { flag: 1 }, { flag: { text: "1", quoted: false } })).toEqual(["flag schema value: must be true or false, not the number 1"]);
    // At the root of a document: no key to show.
    expect(messages({ type: "string" }, 5, { "": { text: "5", quoted: false } })).toEqual([' schema value: must be a string, not the number 5; quote it: "5"']);
    // Through an anyOf of types too.
    expect(messages(at({ p: { anyOf: [{ type: "string" }, { type: "array" }] } }), { p: 7 }, { p: { text: "07", quoted: false } })).toEqual(['p schema value: must be a string or a list, not the number 7; quote it: p: "07"']);
  });
});

describe("YAML 1.1's booleans", () => {
  it("each word YAML 1.1 read as a boolean, and only those, gets the hint, with the boolean it meant", () => {
    const s = at({ flag: { type: "boolean" } });
    const hint = (w: string) => messages(s, { flag: w }, { flag: { text: w, quoted: false } })[0]!.split("; ")[1];
    for (const w of ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"]) expect(hint(w), w).toBe(`YAML 1.2 reads ${w} as a string: write flag: true`);
    for (const w of ["n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"]) expect(hint(w), w).toBe(`YAML 1.2 reads ${w} as a string: write flag: false`);
    for (const w of ["yEs", "oN", "t", "f", "1", "0", "enabled"]) expect(hint(w), w).toBeUndefined();
  });
});

describe("the validator set-up", () => {
  it("compiles every shipped schema strictly, with Kubernetes' keywords as annotations in each of their forms", () => {
    const ajv = createAjv(readSchemas());
    for (const id of readSchemas().keys()) expect(ajv.getSchema(id), id).toBeTypeOf("function");
    const annotated = { $id: "k.json", type: "object", "x-kubernetes-preserve-unknown-fields": true, "x-kubernetes-list-map-keys": ["a"], "x-kubernetes-map-type": "atomic", "x-kubernetes-validations": [{ rule: "x" }], "x-kubernetes-embedded-resource": { any: 1 } };
    expect(createAjv(new Map([["k.json", annotated]])).getSchema("k.json")!({ a: 1 })).toBe(true);
    expect(KUBERNETES_KEYWORDS).toContain("x-kubernetes-patch-merge-key");
    // Strict: a keyword that is none is an error, not silently ignored.
    expect(() => createAjv(new Map([["u.json", { $id: "u.json", type: "object", nonsense: 1 }]])).getSchema("u.json")).toThrow(/unknown keyword: "nonsense"/);
  });

  it("never fills in defaults: resolve/ merges them with each cluster's overrides", () => {
    const value: Record<string, unknown> = {};
    expect(createAjv(new Map([["d.json", { $id: "d.json", type: "object", properties: { a: { type: "string", default: "x" } } }]])).getSchema("d.json")!(value)).toBe(true);
    expect(value).toEqual({});
  });

  it("takes a union of types and a required field it does not list, as the CRDs have them", () => {
    const ajv = createAjv(new Map([["u.json", { $id: "u.json", type: "object", properties: { a: { type: ["string", "integer"] } }, required: ["b"] }]]));
    expect(ajv.getSchema("u.json")!({ a: 1, b: 1 })).toBe(true);
  });

  it("reads a schema folder keyed by $id, or by its path in the folder without one, in code-unit order", () => {
    const t = testdir();
    try {
      mkdirSync(path.join(t.dir, "g"), { recursive: true });
      writeFileSync(path.join(t.dir, "g", "b.json"), JSON.stringify({ type: "string" }));
      writeFileSync(path.join(t.dir, "g", "a.json"), JSON.stringify({ $id: "x/a.json", type: "string" }));
      writeFileSync(path.join(t.dir, "B.json"), JSON.stringify({ type: "string" }));
      writeFileSync(path.join(t.dir, "notes.txt"), "not a schema");
      expect([...readSchemas(t.dir).keys()]).toEqual(["B.json", "x/a.json", "g/b.json"]);
      expect(readSchemas().size).toBe(readSchemas(schemaDir()).size);
      expect(schemaDir().endsWith(`${path.sep}schemas`)).toBe(true);
    } finally {
      t.cleanup();
    }
  });

  it("validates with a repository's own schemas while they are set, and with the shipped ones again after", () => {
    const id = "monitoring.paodin.io/store_v1alpha1.json";
    const store = { apiVersion: "monitoring.paodin.io/v1alpha1", kind: "Store", metadata: { name: "s" }, spec: { onlyInMine: true } };
    expect(validatorFor(id)(store)).toBe(false);
    const mine = { ...readSchemas().get(id)!, additionalProperties: true, properties: { ...(readSchemas().get(id)!.properties as object), spec: { type: "object" } } };
    try {
      overrideSchemas(new Map([[id, mine]]));
      expect(validatorFor(id)(store)).toBe(true);
      overrideSchemas(new Map([[id, mine]]));
      expect(validatorFor(id)(store)).toBe(true);
    } finally {
      overrideSchemas(undefined);
    }
    expect(validatorFor(id)(store)).toBe(false);
    expect(() => validatorFor("nothing.json")).toThrow("no precompiled validator for nothing.json; add it to VALIDATED in src/schemas/validators.ts and run npm run schemas");
  });
});

describe("paths and words", () => {
  it("reads JSON pointers as the document's path: ~1 and ~0 unescaped, numbers only inside lists", () => {
    const value = { a: [{ "b/c": { "d~e": 1 } }], "0": { "1": 2 } };
    expect(pointerToPath("", value)).toEqual([]);
    expect(pointerToPath("/a/0/b~1c/d~0e", value)).toEqual(["a", 0, "b/c", "d~e"]);
    expect(pointerToPath("/0/1", value)).toEqual(["0", "1"]);
    expect(pointerToPath("/a/x/1", value)).toEqual(["a", "x", "1"]);
    expect(pointerToPath("/~01", { "~1": 1 })).toEqual(["~1"]);
  });

  it("joins alternatives as a person would", () => {
    expect(alternatives(["a"])).toBe('"a"');
    expect(alternatives(["a", "b"])).toBe('"a" or "b"');
    expect(alternatives(["a", "b", "c"])).toBe('one of "a", "b", "c"');
    expect(alternatives(["a", "b"], false)).toBe("a or b");
  });

  it("no errors, no issues", () => {
    expect(ajvIssues(null, {}, { base: [], issue: () => { throw new Error("called"); } })).toEqual([]);
    expect(ajvIssues(undefined, {}, { base: [], issue: () => { throw new Error("called"); } })).toEqual([]);
  });
});

/**
 * The formats, at their edges, as the API server reads them: DNS-1123 labels and subdomains
 * (k8s.io/apimachinery/pkg/util/validation: IsDNS1123Label, at most 63; IsDNS1123Subdomain, at
 * most 253), resource.Quantity's grammar, base64 with padding (Go's StdEncoding), RFC 3339, Go's
 * time.ParseDuration units, and the integer ranges of int32 and int64 (JavaScript's safe integers).
 */
describe("formats at their edges", () => {
  const ok = (format: string, ...values: string[]) => values.map((v) => [v, FORMATS[format]!.validate(v)]);
  const all = (values: string[], result: boolean) => values.map((v) => [v, result]);

  it("DNS-1123 labels and subdomains", () => {
    const label63 = `a${"b".repeat(61)}c`;
    expect(ok("dns1123-label", "a", "0", "a-b", label63)).toEqual(all(["a", "0", "a-b", label63], true));
    expect(ok("dns1123-label", "", "-a", "a-", "A", "a.b", "a_b", `${label63}d`, "é")).toEqual(all(["", "-a", "a-", "A", "a.b", "a_b", `${label63}d`, "é"], false));
    const sub253 = [label63, label63, label63, "a".repeat(61)].join(".");
    expect(sub253).toHaveLength(253);
    expect(ok("dns1123-subdomain", "a", "a.b", "a-b.c-d", sub253)).toEqual(all(["a", "a.b", "a-b.c-d", sub253], true));
    expect(ok("dns1123-subdomain", "", ".a", "a.", "a..b", "A.b", `${sub253}a`, `${label63}d.a`)).toEqual(all(["", ".a", "a.", "a..b", "A.b", `${sub253}a`, `${label63}d.a`], false));
  });

  it("quantities, base64, date-times and durations", () => {
    const quantities = ["0", "1", "+1", "-1", "1.5", "12.5", ".25", "1e10", "1.", ".5", "100m", "512Mi", "2Gi", "1Ei", "1e3", "1E-3", "1k", "1n", "1u", "1P"];
    expect(ok("quantity", ...quantities)).toEqual(all(quantities, true));
    const notQuantities = ["", "Mi", "1 Mi", "1MiB", "1Ki5", ".", "1..5", "--1", "1KI", "1e", "0x10", "1i"];
    expect(ok("quantity", ...notQuantities)).toEqual(all(notQuantities, false));
    const base64 = ["", "YQ==", "YWI=", "YWJj", "YWJjZA==", "+/+/"];
    expect(ok("byte", ...base64)).toEqual(all(base64, true));
    const notBase64 = ["Y", "YQ", "YQ=", "YQ===", "YW=j", "YWJj\n", "-_-_", "YWJ=YWJj"];
    expect(ok("byte", ...notBase64)).toEqual(all(notBase64, false));
    const times = ["2024-01-31T12:00:00Z", "2024-01-31t12:00:00z", "2024-01-31 12:00:00Z", "2024-01-31T12:00:00.123+05:30", "2024-01-31T12:00:00-00:00"];
    expect(ok("date-time", ...times)).toEqual(all(times, true));
    const notTimes = ["2024-01-31", "2024-01-31T12:00:00", "2024-01-31T12:00Z", "2024-1-31T12:00:00Z", "2024-01-31T12:00:00+0530", "x2024-01-31T12:00:00Z", "2024-01-31T12:00:00Zx", "2024-01-31T12:00:00.Z"];
    expect(ok("date-time", ...notTimes)).toEqual(all(notTimes, false));
    const durations = ["30s", "10m", "1h30m", "1.5h", "1.25h", "300ms", "2us", "2\u00b5s", "5ns", "1h0m0s"];
    expect(ok("duration", ...durations)).toEqual(all(durations, true));
    const notDurations = ["", "1", "s", "1d", "1 h", "1h 30m", "1.h", "h1", "1hx", "1.5.5s"];
    expect(ok("duration", ...notDurations)).toEqual(all(notDurations, false));
  });

  it("networks: an address and a prefix that fits it", () => {
    const networks = ["10.0.0.0/8", "0.0.0.0/0", "255.255.255.255/32", "fd00::/64", "::/0", "::1/128"];
    expect(ok("cidr", ...networks)).toEqual(all(networks, true));
    const notNetworks = ["10.0.0.0", "x/0", "/0", "10.0.0.0x/8", "1.2.3.4.5/8", "10.0.0.0/33", "256.0.0.0/8", "010.0.0.0/8", "10.0.0/8", "fd00::/129", "fe80::1%eth0/64", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/08", "x/8"];
    expect(ok("cidr", ...notNetworks)).toEqual(all(notNetworks, false));
  });

  it("each format's message, through the validator", () => {
    const wrong: Record<string, unknown> = { cidr: "x", "dns1123-label": "A", "dns1123-subdomain": "A", duration: "x", quantity: "x", byte: "x", "date-time": "x", int32: 2 ** 31, int64: 2 ** 53 };
    for (const [format, value] of Object.entries(wrong)) {
      const type = typeof value === "number" ? "integer" : "string";
      expect(messages(at({ v: { type, format } }), { v: value }), format).toEqual([`v schema value: ${FORMATS[format]!.message}`]);
    }
    expect(Object.keys(wrong).sort()).toEqual(Object.keys(FORMATS).sort());
    expect(FORMATS.cidr!.message).toBe("must be a network in CIDR notation, such as 10.0.1.0/24 or fd00::/64 (IPv4 octets without leading zeros, a prefix of at most 32 or 128 bits)");
    expect(FORMATS["dns1123-subdomain"]!.message).toBe("must be a DNS-1123 subdomain (DNS labels joined by '.', at most 253 characters)");
    expect(FORMATS.quantity!.message).toBe("must be a Kubernetes quantity such as 100m, 512Mi or 2");
    expect(FORMATS.byte!.message).toBe("must be base64-encoded");
    expect(FORMATS["date-time"]!.message).toBe("must be an RFC 3339 date-time such as 2024-01-31T12:00:00Z");
    expect(FORMATS.int32!.message).toBe("must be a 32-bit integer");
  });

  it("integer ranges, and the string formats that hold for any integer", () => {
    const int32 = NUMBER_FORMATS.int32!;
    expect([-2147483648, 2147483647, 0].map(int32)).toEqual([true, true, true]);
    expect([-2147483649, 2147483648, 1.5].map(int32)).toEqual([false, false, false]);
    const int64 = NUMBER_FORMATS.int64!;
    expect([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER].map(int64)).toEqual([true, true]);
    expect([Number.MAX_SAFE_INTEGER + 1, 0.5].map(int64)).toEqual([false, false]);
    expect(FORMATS.int32!.validate("x") && FORMATS.int64!.validate("x")).toBe(true);
    expect(FORMATS.int64!.message).toBe("must be a 64-bit integer");
  });
});
