import { describe, expect, it } from "vitest";
import { inlineRefs, resolveRef, toCrdSchema, type SchemaNode } from "../src/schemas/inline.js";

function frozen<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}

const QUANTITY = frozen({
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "kubernetes/Quantity.json",
  $comment: "generated",
  "x-kubernetes-int-or-string": true,
  anyOf: [{ type: "integer" }, { type: "string", pattern: "^[0-9]+[KMG]i?$" }],
});

const RESOURCES = frozen({
  $id: "kubernetes/Resources.json",
  type: "object",
  additionalProperties: false,
  properties: { limits: { type: "object", additionalProperties: { $ref: "Quantity.json" } } },
});

const KIND = frozen({
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "example.io/thing_v1.json",
  title: "Thing",
  type: "object",
  additionalProperties: false,
  properties: {
    apiVersion: { type: "string", const: "example.io/v1" },
    spec: { $ref: "#/definitions/Spec", description: "The spec." },
  },
  definitions: {
    Spec: {
      title: "Spec",
      description: "Spec of a thing.",
      type: "object",
      additionalProperties: false,
      properties: {
        resources: { $ref: "../kubernetes/Resources.json" },
        "a/b~c": { type: "boolean" },
        free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
      },
    },
  },
});

const OTHER = frozen({
  $id: "example.io/other_v1.json",
  type: "object",
  properties: { spec: { $ref: "thing_v1.json#/properties/spec" }, flag: { $ref: "thing_v1.json#/definitions/Spec/properties/a~1b~0c" } },
});

function schemas(...list: SchemaNode[]): Map<string, SchemaNode> {
  return new Map(list.map((s) => [s.$id as string, s]));
}

const ALL = schemas(QUANTITY, RESOURCES, KIND, OTHER);

describe("resolveRef", () => {
  it("resolves relative files and JSON pointers", () => {
    expect(resolveRef("a/b.json", "../k/X.json")).toEqual({ id: "k/X.json", pointer: [] });
    expect(resolveRef("a/b.json", "#/definitions/Spec")).toEqual({ id: "a/b.json", pointer: ["definitions", "Spec"] });
    expect(resolveRef("a/b.json", "c.json#/properties/a~1b~0c")).toEqual({ id: "a/c.json", pointer: ["properties", "a/b~c"] });
  });

  it("refuses URLs, absolute paths and anchors", () => {
    expect(() => resolveRef("a/b.json", "https://example.com/x.json")).toThrow(/relative file paths/);
    expect(() => resolveRef("a/b.json", "/x.json")).toThrow(/relative file paths/);
    expect(() => resolveRef("a/b.json", "#anchor")).toThrow(/JSON pointers/);
  });
});

describe("inlineRefs", () => {
  it("replaces local and cross-file refs, drops definitions and the inlined files' bookkeeping", () => {
    expect(inlineRefs("example.io/thing_v1.json", ALL)).toEqual({
      $schema: "http://json-schema.org/draft-07/schema#",
      $id: "example.io/thing_v1.json",
      title: "Thing",
      type: "object",
      additionalProperties: false,
      properties: {
        apiVersion: { type: "string", const: "example.io/v1" },
        spec: {
          title: "Spec",
          description: "The spec.",
          type: "object",
          additionalProperties: false,
          properties: {
            resources: {
              type: "object",
              additionalProperties: false,
              properties: {
                limits: {
                  type: "object",
                  additionalProperties: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string", pattern: "^[0-9]+[KMG]i?$" }] },
                },
              },
            },
            "a/b~c": { type: "boolean" },
            free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
          },
        },
      },
    });
  });

  it("follows refs into the middle of another file, resolving that file's own refs from it", () => {
    const inlined = inlineRefs("example.io/other_v1.json", ALL);
    expect(JSON.stringify(inlined)).not.toContain("$ref");
    expect((inlined.properties as Record<string, SchemaNode>).flag).toEqual({ type: "boolean" });
    expect(((inlined.properties as Record<string, SchemaNode>).spec!.properties as Record<string, unknown>).resources).toMatchObject({ properties: { limits: { type: "object" } } });
  });

  it("refuses recursion, dangling refs and siblings that contradict the target", () => {
    const loop = { $id: "x/loop.json", type: "object", properties: { next: { $ref: "#" } } };
    expect(() => inlineRefs("x/loop.json", schemas(loop))).toThrow(/recursive/);
    const dangling = { $id: "x/d.json", properties: { a: { $ref: "#/definitions/Nope" } } };
    expect(() => inlineRefs("x/d.json", schemas(dangling))).toThrow(/points at nothing/);
    const missing = { $id: "x/m.json", properties: { a: { $ref: "other.json" } } };
    expect(() => inlineRefs("x/m.json", schemas(missing))).toThrow(/names no schema \(x\/other.json\)/);
    const contradiction = { $id: "x/c.json", properties: { a: { $ref: "#/definitions/S", type: "integer" } }, definitions: { S: { type: "string" } } };
    expect(() => inlineRefs("x/c.json", schemas(contradiction))).toThrow(/type beside \$ref/);
    expect(() => inlineRefs("x/none.json", schemas())).toThrow(/no schema x\/none.json/);
  });

  it("leaves data alone: a $ref inside enum, const or default is not a reference", () => {
    const data = { $id: "x/data.json", type: "object", default: { $ref: "nowhere" }, properties: { a: { const: { $ref: "nowhere" } } } };
    expect(inlineRefs("x/data.json", schemas(data))).toEqual(data);
  });
});

describe("toCrdSchema", () => {
  const crd = toCrdSchema(inlineRefs("example.io/thing_v1.json", ALL));

  it("gives a structural openAPIV3Schema", () => {
    expect(crd).toEqual({
      type: "object",
      properties: {
        apiVersion: { type: "string", enum: ["example.io/v1"] },
        spec: {
          description: "The spec.",
          type: "object",
          properties: {
            resources: {
              type: "object",
              properties: {
                limits: {
                  type: "object",
                  additionalProperties: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }], pattern: "^[0-9]+[KMG]i?$" },
                },
              },
            },
            "a/b~c": { type: "boolean" },
            free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
          },
        },
      },
    });
  });

  it("refuses what a CRD cannot hold", () => {
    expect(() => toCrdSchema({ type: "object", properties: { a: { $ref: "#/definitions/A" } } })).toThrow(/\/properties\/a: \$ref cannot be expressed/);
    expect(() => toCrdSchema({ type: "object", if: { type: "object" } })).toThrow(/if cannot be expressed/);
    expect(() => toCrdSchema({ type: "object", properties: { a: { const: 1 } } })).toThrow(/\/properties\/a: a CRD schema needs a type/);
    expect(() => toCrdSchema({ type: "object", properties: { a: { anyOf: [{ type: "string" }, { type: "object" }] } } })).toThrow(/needs a type|not structural/);
    expect(() => toCrdSchema({ "x-kubernetes-int-or-string": true, anyOf: [{ type: "string" }, { type: "integer" }] })).toThrow(/int-or-string must be/);
  });
});
