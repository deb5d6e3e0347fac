// Pins what a user sees from the credential check (credentials.ts: the findings behind
// "plain-text credential" errors and the output scan) and from the CRD value check
// (crd-values.ts: the `path: problem` messages), case by case, so that `npm run mutation`
// finds a test for each behaviour. See README, Development, "Mutation testing".
import { describe, expect, it } from "vitest";
import { findCredentials, isCredentialKey } from "../src/validate/credentials.js";
import { PRUNED, valueProblems, type CrdSchema } from "../src/check/crd-values.js";

const AWS = "AKIAIOSFODNN7EXAMPLE";

describe("credential findings", () => {
  it("knows credential keys whatever their case, dashes and underscores, but not names of keys", () => {
    for (const k of ["secret_key", "Secret_Key", "SECRET-KEY", "access_key", "Password", "sas_token", "connection-string", "private_key", "privateKey"])
      expect(isCredentialKey(k), k).toBe(true);
    for (const k of ["name", "bucket", "endpoint", "secret", "key", "tokens"]) expect(isCredentialKey(k), k).toBe(false);
    expect(isCredentialKey("secretKey")).toBe(false);
    // An ExternalSecret's data[].secretKey names the key the operator writes: no finding.
    expect(findCredentials({ data: [{ secretKey: "thanos.yaml", remoteRef: { key: "s3" } }] })).toEqual([]);
    expect(findCredentials({ secret_key: "abc" })).toEqual([{ path: ["secret_key"], what: "a value for secret_key", byKey: true }]);
  });

  it("reports a value under a credential key with its path, in document order", () => {
    expect(findCredentials({ a: [{ b: { password: "hunter2" } }, { token: "t" }], c: { ok: "x" } })).toEqual([
      { path: ["a", 0, "b", "password"], what: "a value for password", byKey: true },
      { path: ["a", 1, "token"], what: "a value for token", byKey: true },
    ]);
  });

  it("accepts empty values, template expressions and SOPS ciphertext, quoted or not, but nothing around them", () => {
    for (const v of ["", "  ", "{{ .secret_key }}", "ENC[AES256_GCM,data:abc]", "'{{ .k }}'", '"ENC[x]"', " {{ .k }} "])
      expect(findCredentials({ secret_key: v }), JSON.stringify(v)).toEqual([]);
    for (const v of ["x{{ .k }}", "{{ .k }}x", "ENC[x]y", "xENC[x]", "'{{ .k }}", "a"])
      expect(findCredentials({ secret_key: v }), JSON.stringify(v)).toHaveLength(1);
    // The template may span lines (a multi-line value under the key).
    expect(findCredentials({ secret_key: "{{ .a\n}}" })).toEqual([]);
  });

  it("finds an AWS access key id and a private key by their shape anywhere, not look-alikes", () => {
    const found = (s: string) => findCredentials({ note: s }).map((f) => f.what);
    expect(found(AWS)).toEqual(["an AWS access key id"]);
    expect(found(`id=${AWS};`)).toEqual(["an AWS access key id"]);
    expect(found("ASIAIOSFODNN7EXAMPLE")).toEqual(["an AWS access key id"]);
    expect(found(`X${AWS}`)).toEqual([]);
    expect(found(`${AWS}X`)).toEqual([]);
    expect(found("AKIAIOSFODNN7EXAMPL")).toEqual([]);
    expect(found("akiaiosfodnn7example")).toEqual([]);
    expect(found("-----BEGIN PRIVATE KEY-----")).toEqual(["a private key"]);
    expect(found("-----BEGIN RSA PRIVATE KEY-----")).toEqual(["a private key"]);
    expect(found("-----BEGIN OPENSSH PRIVATE KEY-----")).toEqual(["a private key"]);
    expect(found("-----BEGIN PUBLIC KEY-----")).toEqual([]);
    expect(found("PRIVATE KEY")).toEqual([]);
    expect(findCredentials({ note: AWS })).toEqual([{ path: ["note"], what: "an AWS access key id", byKey: false }]);
  });

  it("reads a string that holds a file line by line, with the line of each finding", () => {
    const file = ["type: S3", "config:", "  bucket: b", `  access_key: ${AWS}`, "  secret_key: s3cr3t", "  endpoint: e"].join("\n");
    expect(findCredentials({ data: { "thanos.yaml": file } })).toEqual([
      { path: ["data", "thanos.yaml"], what: "an AWS access key id", byKey: false, line: 4 },
      { path: ["data", "thanos.yaml"], what: "a value for secret_key", byKey: true, line: 5 },
    ]);
  });

  it("a private key in a file is found wherever it starts, not only on the first line", () => {
    const file = "a: 1\nb: 2\nkey: |\n  -----BEGIN EC PRIVATE KEY-----\n  MHcCAQEE\n";
    expect(findCredentials({ f: file })).toEqual([{ path: ["f"], what: "a private key", byKey: false, line: 4 }]);
  });

  it("in a file: quoted keys, list items, block scalars, comments, JSON pairs and safe values", () => {
    const f = (text: string) => findCredentials({ f: text }).map((x) => `${x.line}:${x.what}`);
    expect(f('x: 1\n"secret_key": abc')).toEqual(["2:a value for secret_key"]);
    expect(f("x: 1\n- password: abc")).toEqual(["2:a value for password"]);
    expect(f("x: 1\nsecret_key: |\n  abc\n")).toEqual(["2:a value for secret_key"]);
    expect(f("x: 1\nsecret_key: >-\n  {{ .k }}\n")).toEqual([]);
    expect(f("x: 1\nsecret_key: |\n  '{{ .k }}'\n")).toEqual([]);
    // Quoted only if the quote closes at the end: this is a value with a template inside it.
    expect(f("x: 1\nsecret_key: '{{ .k }}'}}}")).toEqual(["2:a value for secret_key"]);
    expect(f("x: 1\nsecret_key: x{{'}}'")).toEqual(["2:a value for secret_key"]);
    expect(f("x: 1\nsecret_key: |")).toEqual([]);
    expect(f("x: 1\nsecret_key: '' # none")).toEqual([]);
    expect(f("x: 1\nsecret_key:   \n")).toEqual([]);
    expect(f('x: 1\n{"bucket": "b", "secret_key": "abc"}')).toEqual(["2:a value for secret_key"]);
    expect(f('x: 1\n{"bucket": "b", "secret_key": "{{ .k }}"}')).toEqual([]);
    expect(f("x: 1\nconfig: {'password': 'p'}")).toEqual(["2:a value for password"]);
    expect(f("x: 1\npassword: {{ .p }}")).toEqual([]);
    expect(f("x: 1\nbucket: b\n")).toEqual([]);
  });
});

const at = (value: unknown, schema: CrdSchema, options = {}) => valueProblems(value, schema, "spec", options);

describe("CRD value problems", () => {
  it("null: dropped, defaulted or refused unless nullable, with the path or <root>", () => {
    expect(valueProblems(null, { type: "string" })).toEqual(["<root>: null, but the schema is not nullable"]);
    // A field's null is dropped on decoding (PruneNonNullableNullsWithoutDefaults), or defaulted; a list item's is refused.
    expect(at(null, { type: "string" })).toEqual(["spec: null, dropped by the API server (not nullable, no default)"]);
    expect(at(null, { type: "string", default: "a" })).toEqual([]);
    expect(at(null, { type: "string", nullable: true })).toEqual([]);
    expect(at([null], { type: "array", items: { type: "string", default: "a" } })).toEqual(["spec[0]: null, but the schema is not nullable"]);
    expect(at([null], { type: "array", items: { type: "string", nullable: true } })).toEqual([]);
  });

  it("types, and int-or-string", () => {
    expect(at(1.5, { type: "integer" })).toEqual(["spec: must be of type integer, got number"]);
    expect(at(2, { type: "string" })).toEqual(["spec: must be of type string, got integer"]);
    expect(at([], { type: "object" })).toEqual(["spec: must be of type object, got array"]);
    expect(at({}, { type: "array" })).toEqual(["spec: must be of type array, got object"]);
    expect(at("true", { type: "boolean" })).toEqual(["spec: must be of type boolean, got string"]);
    expect(at(true, { type: "boolean" })).toEqual([]);
    expect(at(1.5, { type: "number" })).toEqual([]);
    expect(at("1", { type: "number" })).toEqual(["spec: must be of type number, got string"]);
    expect(at(1, { type: "weird" })).toEqual(["spec: must be of type weird, got integer"]);
    expect(at("x", {})).toEqual([]);
    const ios = { "x-kubernetes-int-or-string": true };
    expect(at(3, ios)).toEqual([]);
    expect(at("3", ios)).toEqual([]);
    expect(at(1.5, ios)).toEqual(["spec: must be an integer or a string"]);
    expect(at(true, ios)).toEqual(["spec: must be an integer or a string"]);
    // A wrong type is the only problem reported there.
    expect(at(5, { type: "string", enum: ["a"] })).toEqual(["spec: must be of type string, got integer"]);
  });

  it("enum, lengths in code points, pattern", () => {
    expect(at("b", { enum: ["a", 1] })).toEqual(['spec: must be one of ["a",1]']);
    expect(at(1, { enum: ["a", 1] })).toEqual([]);
    expect(at({ a: 1 }, { enum: [{ a: 1 }], "x-kubernetes-preserve-unknown-fields": true })).toEqual([]);
    expect(at("abc", { maxLength: 3, minLength: 3 })).toEqual([]);
    expect(at("abcd", { maxLength: 3 })).toEqual(["spec: longer than 3"]);
    expect(at("ab", { minLength: 3 })).toEqual(["spec: shorter than 3"]);
    expect(at("😀😀", { maxLength: 2 })).toEqual([]);
    expect(at("😀", { minLength: 2 })).toEqual(["spec: shorter than 2"]);
    expect(at("a-b", { pattern: "^[a-z]+$" })).toEqual(["spec: does not match ^[a-z]+$"]);
    expect(at("ab", { pattern: "^[a-z]+$" })).toEqual([]);
    expect(at("😀", { pattern: "^.$" })).toEqual([]);
  });

  it("maximum and minimum, inclusive and exclusive", () => {
    expect(at(5, { maximum: 5, minimum: 5 })).toEqual([]);
    expect(at(6, { maximum: 5 })).toEqual(["spec: above the maximum 5"]);
    expect(at(4, { minimum: 5 })).toEqual(["spec: below the minimum 5"]);
    expect(at(5, { maximum: 5, exclusiveMaximum: true })).toEqual(["spec: above the maximum 5"]);
    expect(at(5, { minimum: 5, exclusiveMinimum: true })).toEqual(["spec: below the minimum 5"]);
    expect(at(4.5, { maximum: 5, exclusiveMaximum: true, minimum: 4, exclusiveMinimum: true })).toEqual([]);
  });

  it("item and property counts", () => {
    expect(at([1, 2], { maxItems: 2, minItems: 2 })).toEqual([]);
    expect(at([1, 2, 3], { maxItems: 2 })).toEqual(["spec: more than 2 items"]);
    expect(at([1], { minItems: 2 })).toEqual(["spec: fewer than 2 items"]);
    const open = { "x-kubernetes-preserve-unknown-fields": true };
    expect(at({ a: 1, b: 2 }, { ...open, maxProperties: 2, minProperties: 2 })).toEqual([]);
    expect(at({ a: 1, b: 2, c: 3 }, { ...open, maxProperties: 2 })).toEqual(["spec: more than 2 properties"]);
    expect(at({ a: 1 }, { ...open, minProperties: 2 })).toEqual(["spec: fewer than 2 properties"]);
  });

  it("allOf, anyOf, oneOf, not", () => {
    const s = (k: string) => ({ type: "string", [k]: [{ minLength: 2 }, { maxLength: 3 }] });
    expect(at("ab", s("allOf"))).toEqual([]);
    expect(at("a", s("allOf"))).toEqual(["spec: does not satisfy allOf"]);
    expect(at("a", s("anyOf"))).toEqual([]);
    expect(at("ab", s("oneOf"))).toEqual(["spec: does not satisfy oneOf"]);
    expect(at("abcd", s("oneOf"))).toEqual([]);
    expect(at("a", { oneOf: [{ minLength: 2 }, { minLength: 3 }] })).toEqual(["spec: does not satisfy oneOf"]);
    expect(at("a", { anyOf: [{ minLength: 2 }, { minLength: 3 }] })).toEqual(["spec: does not satisfy anyOf"]);
    expect(at("a", { not: { maxLength: 1 } })).toEqual(["spec: must not satisfy not"]);
    expect(at("ab", { not: { maxLength: 1 } })).toEqual([]);
    // Inside a junctor nothing is pruned: an unknown field there does not fail the branch.
    expect(at({ a: 1 }, { type: "object", properties: { a: {} }, anyOf: [{ properties: {} }] })).toEqual([]);
    // With `partial` (server-side apply), junctors are left to the merged object.
    expect(at("a", s("allOf"), { partial: true })).toEqual([]);
    expect(at("a", { not: { maxLength: 1 } }, { partial: true })).toEqual([]);
  });

  it("pruning, additionalProperties, preserve-unknown-fields, type meta and ObjectMeta, required", () => {
    const schema: CrdSchema = {
      type: "object",
      required: ["spec"],
      properties: { spec: { type: "object", required: ["a"], properties: { a: { type: "string" }, m: { type: "object", additionalProperties: { type: "integer" } } } } },
    };
    expect(valueProblems({ apiVersion: "v", kind: "K", metadata: { anything: 1 }, spec: { a: "x", m: { k: 1 } } }, schema)).toEqual([]);
    expect(valueProblems({ spec: { a: "x", b: 1, m: { k: "1" }, kind: "K" }, other: 1 }, schema)).toEqual([
      "spec.b: " + PRUNED,
      "spec.m.k: must be of type integer, got string",
      "spec.kind: " + PRUNED,
      "other: " + PRUNED,
    ]);
    expect(valueProblems({}, schema)).toEqual(["spec: required"]);
    expect(valueProblems({ spec: {} }, schema)).toEqual(["spec.a: required"]);
    expect(valueProblems({ spec: {} }, schema, "", { partial: true })).toEqual([]);
    expect(at({ x: { y: 1 } }, { type: "object", "x-kubernetes-preserve-unknown-fields": true })).toEqual([]);
    expect(PRUNED).toBe("unknown field, pruned by the API server");
    // `metadata` is the server's own only at a resource's root; elsewhere it is a field.
    expect(at({ o: { metadata: 1 } }, { type: "object", properties: { o: { type: "object" } } })).toEqual(["spec.o.metadata: " + PRUNED]);
    expect(at({ o: { kind: 1 } }, { type: "object", properties: { o: { type: "object" } } })).toEqual(["spec.o.kind: " + PRUNED]);
    // An embedded resource is a root again, in objects and in lists.
    const embedded = { type: "object", "x-kubernetes-embedded-resource": true, properties: {} };
    expect(at({ r: { kind: "K", apiVersion: "v", metadata: { x: 1 }, z: 1 } }, { type: "object", properties: { r: embedded } })).toEqual(["spec.r.z: " + PRUNED]);
    expect(at([{ kind: "K", z: 1 }], { type: "array", items: embedded })).toEqual(["spec[0].z: " + PRUNED]);
    expect(at([{ kind: "K" }], { type: "array", items: { type: "object" } })).toEqual(["spec[0].kind: " + PRUNED]);
    expect(at(["a", 1], { type: "array", items: { type: "string" } })).toEqual(["spec[1]: must be of type string, got integer"]);
    expect(at(["a", 1], { type: "array" })).toEqual([]);
  });

  it("list sets and maps are unique", () => {
    expect(at(["a", "b", "a"], { type: "array", "x-kubernetes-list-type": "set" })).toEqual(['spec: duplicate entry "a"']);
    expect(at(["a", "b"], { type: "array", "x-kubernetes-list-type": "set" })).toEqual([]);
    expect(at(["a", "a"], { type: "array", "x-kubernetes-list-type": "atomic" })).toEqual([]);
    const map = { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name", "port"] };
    expect(at([{ name: "a", port: 1 }, { name: "a", port: 2 }], map)).toEqual([]);
    expect(at([{ name: "a", port: 1, x: 1 }, { name: "a", port: 1, x: 2 }], map)).toEqual(['spec: duplicate key ["a",1]']);
    expect(at([{ name: "a" }, { name: "a" }], { type: "array", "x-kubernetes-list-type": "map" })).toEqual(["spec: duplicate key []"]);
  });
});
