import { describe, expect, it } from "vitest";
import { valueProblems, type CrdSchema } from "../src/check/crd-values.js";

/**
 * What apiextensions-apiserver 1.24 does with a value beyond what test/mutation-kills.test.ts
 * pins: multipleOf as go-openapi computes it, ObjectMeta validated but never pruned, and nulls
 * as decoding drops them (PruneNonNullableNullsWithoutDefaults in customresource_handler.go).
 */
const at = (value: unknown, schema: CrdSchema, options = {}) => valueProblems(value, schema, "spec", options);

describe("values under a CRD schema, as the API server reads them", () => {
  it("multipleOf: the quotient must be whole, for a fraction computed as go-openapi does", () => {
    expect(at(10, { type: "integer", multipleOf: 5 })).toEqual([]);
    expect(at(7, { type: "integer", multipleOf: 5 })).toEqual(["spec: not a multiple of 5"]);
    expect(at(-10, { type: "integer", multipleOf: 5 })).toEqual([]);
    // 0.3 / 0.1 is 2.9999999999999996 in floating point; (1 / 0.1) × 0.3 is 3.0000000000000004, near enough.
    expect(at(0.3, { type: "number", multipleOf: 0.1 })).toEqual([]);
    expect(at(0.35, { type: "number", multipleOf: 0.1 })).toEqual(["spec: not a multiple of 0.1"]);
    expect(at(1.5, { type: "number", multipleOf: 1.5 })).toEqual([]);
    expect(at(3, { type: "number", multipleOf: 1.5 })).toEqual([]);
    expect(at(2, { type: "number", multipleOf: 1.5 })).toEqual(["spec: not a multiple of 1.5"]);
    expect(at("7", { type: "string", multipleOf: 5 })).toEqual([]);
    expect(at(0, { type: "integer", multipleOf: 5 })).toEqual([]);
    // (1 / 0.3) × 2.1 is 7.000000000000001: within go-openapi's relative 1e-9 of 7, so a multiple.
    expect(at(2.1, { type: "number", multipleOf: 0.3 })).toEqual([]);
    // (1 / 0.07) × 0.21 is 2.9999999999999996, which Go truncates to 2: not a multiple, to Go either.
    expect(at(0.21, { type: "number", multipleOf: 0.07 })).toEqual(["spec: not a multiple of 0.07"]);
    // A factor that is no positive number is left alone (a CRD with one is refused before any value).
    // 3.3 / 1.1 is 2.9999999999999996: Go truncates it to 2, so not a multiple (the other way round would say 3).
    expect(at(3.3, { type: "number", multipleOf: 1.1 })).toEqual(["spec: not a multiple of 1.1"]);
    expect(at(5, { type: "number", multipleOf: 0 })).toEqual([]);
    expect(at(5, { type: "number", multipleOf: -5 })).toEqual([]);
  });

  it("ObjectMeta at a resource's root: validated against what the schema says of it, never pruned", () => {
    const named: CrdSchema = { type: "object", properties: { metadata: { type: "object", properties: { name: { type: "string", maxLength: 3 } } } } };
    expect(valueProblems({ metadata: { name: "abc", labels: { a: "b" } } }, named)).toEqual([]);
    expect(valueProblems({ metadata: { name: "abcd" } }, named)).toEqual(["metadata.name: longer than 3"]);
    expect(valueProblems({ metadata: "x" }, named)).toEqual(["metadata: must be of type object, got string"]);
    // Without a schema for it, anything: the server checks ObjectMeta with its own code.
    expect(valueProblems({ metadata: { whatever: 1 } }, { type: "object", properties: {} })).toEqual([]);
    // An embedded resource's metadata likewise.
    const embedded: CrdSchema = { type: "object", properties: { r: { type: "object", "x-kubernetes-embedded-resource": true, properties: { metadata: { type: "object", properties: { name: { type: "string", minLength: 2 } } } } } } };
    expect(at({ r: { metadata: { name: "a", uid: "u" } } }, embedded)).toEqual(["spec.r.metadata.name: shorter than 2"]);
    // Below the root, metadata is a field like any other.
    expect(at({ o: { metadata: { a: 1 } } }, { type: "object", properties: { o: { type: "object", properties: { metadata: { type: "object" } } } } })).toEqual(["spec.o.metadata.a: unknown field, pruned by the API server"]);
  });

  it("nulls: a field's is dropped unless nullable or defaulted, a list item's refused, a free field's kept", () => {
    const map: CrdSchema = { type: "object", properties: { m: { type: "object", additionalProperties: { type: "string" } } } };
    expect(at({ m: { k: null } }, map)).toEqual(["spec.m.k: null, dropped by the API server (not nullable, no default)"]);
    expect(valueProblems(null, { type: "object" })).toEqual(["<root>: null, but the schema is not nullable"]);
    expect(at({ free: null }, { type: "object", "x-kubernetes-preserve-unknown-fields": true })).toEqual([]);
    expect(at({ n: null }, { type: "object", properties: { n: { type: "integer", default: 1 } } })).toEqual([]);
    expect(at([[null]], { type: "array", items: { type: "array", items: { type: "integer" } } })).toEqual(["spec[0][0]: null, but the schema is not nullable"]);
  });

  it("patterns as Go reads them: its flags and classes, and a pattern Go cannot compile said so", () => {
    expect(at("ABC", { type: "string", pattern: "(?i)^abc$" })).toEqual([]);
    expect(at("a\r", { type: "string", pattern: "^..$" })).toEqual([]);
    expect(at("\u00a0", { type: "string", pattern: "^\\s$" })).toEqual(["spec: does not match ^\\s$"]);
    expect(at("a", { type: "string", pattern: "(?=a)" })).toEqual(["spec: the pattern (?=a) does not compile in Go (error parsing regexp: invalid or unsupported Perl syntax: `(?=`)"]);
  });

  it("each keyword applies to its own type only: counts of items and properties, lengths, bounds", () => {
    expect(at("abcd", { maxItems: 2, minItems: 5, maxProperties: 1, minProperties: 9 })).toEqual([]);
    expect(at([1, 2, 3], { maxLength: 1, minLength: 9, maxProperties: 1, pattern: "^x$" })).toEqual([]);
    expect(at({ a: 1, b: 2 }, { "x-kubernetes-preserve-unknown-fields": true, maxItems: 1, maxLength: 1, maximum: 0 })).toEqual([]);
    expect(at(5, { maxLength: 0, maxItems: 0, maxProperties: 0, pattern: "^x$" })).toEqual([]);
    expect(at(true, { type: "boolean", maximum: 0, minimum: 2, multipleOf: 3 })).toEqual([]);
  });

  it("anyOf: one passing branch is enough, and so are two", () => {
    expect(at("ab", { type: "string", anyOf: [{ minLength: 1 }, { maxLength: 5 }] })).toEqual([]);
    expect(at("ab", { type: "string", oneOf: [{ minLength: 1 }, { maxLength: 5 }] })).toEqual(["spec: does not satisfy oneOf"]);
  });

  it("required: named with the path to the object that lacks it, and left alone for a partial object", () => {
    const s: CrdSchema = { type: "object", required: ["a", "b"], properties: { a: { type: "string" }, b: { type: "string" } } };
    expect(at({ a: "x" }, s)).toEqual(["spec.b: required"]);
    expect(valueProblems({}, s)).toEqual(["a: required", "b: required"]);
    expect(at({}, s, { partial: true })).toEqual([]);
  });

  it("list items: each against items, an embedded item a root of its own; without items, anything", () => {
    expect(at([1, "x"], { type: "array", items: { type: "integer" } })).toEqual(["spec[1]: must be of type integer, got string"]);
    expect(at([{ kind: "K", metadata: { a: 1 }, b: 1 }], { type: "array", items: { type: "object", "x-kubernetes-embedded-resource": true, properties: {} } })).toEqual(["spec[0].b: unknown field, pruned by the API server"]);
    expect(at([{ kind: "K" }], { type: "array", items: { type: "object", properties: {} } })).toEqual(["spec[0].kind: unknown field, pruned by the API server"]);
    // A map list keyed on a field its items may lack, or of items that are no objects.
    const keyed: CrdSchema = { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["k"] };
    expect(at(["a", "b"], keyed)).toEqual(["spec: duplicate key [null]"]);
  });
});
