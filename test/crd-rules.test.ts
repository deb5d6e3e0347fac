import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CRD_DIFFERENCES } from "../src/plan/crds.js";
import { crdProblems } from "../src/check/crd-rules.js";
import { REPO, SHARED } from "./helpers/cli.js";
import { renderVariant, VARIANTS } from "./helpers/variants.js";

/**
 * The API server's rules for CustomResourceDefinitions (src/check/crd-rules.ts, written
 * from apiextensions-apiserver 1.24), held to what real servers did: every CRD that
 * upstream projects publish and servers accept passes; the committed overlays of
 * 2026-11 that a real kube-apiserver 1.24 refused fail with the server's own message;
 * and each rule fails on a CRD that breaks it.
 */
const REFERENCE = path.join(SHARED, "reference");
const present = existsSync(REFERENCE);

type Obj = Record<string, any>;

function crd(schema: Obj, extra: Obj = {}): Obj {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.example.com" },
    spec: {
      group: "example.com",
      names: { kind: "Widget", listKind: "WidgetList", plural: "widgets", singular: "widget" },
      scope: "Namespaced",
      versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: schema }, ...extra }],
    },
  };
}

// One version: the server reports its schema where the internal form keeps it (spec.validation).
const ROOT = "spec.validation.openAPIV3Schema";
const P = `${ROOT}.properties[spec]`;
const obj = (properties: Obj, more: Obj = {}): Obj => ({ type: "object", properties, ...more });
const spec = (s: Obj): Obj => obj({ apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, spec: s });

/** k8s.io/apimachinery's messages (pkg/util/validation/validation.go, v0.24.9), the two spaces before "or" included. */
const DNS1035 = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const DNS1123 = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** One CRD per rule, and the one message the rule gives for it. */
const CASES: [string, Obj, ...string[]][] = [
  ["root metadata with a description (the server's refusal of our overlays)", obj({ metadata: { type: "object", description: "Standard object metadata" } }), `${ROOT}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`],
  ["root metadata restricting labels", obj({ metadata: { type: "object", properties: { labels: { type: "object" } } } }), `${ROOT}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`],
  ["a field without a type", spec({ type: "object", properties: { a: { description: "x" } } }), `${ROOT}.properties[spec].properties[a].type: Required value: must not be empty for specified object fields`],
  ["array items without a type", spec({ type: "array", items: { description: "x" } }), `${ROOT}.properties[spec].items.type: Required value: must not be empty for specified array items`],
  ["an array without items", spec({ type: "array" }), `${ROOT}.properties[spec].items: Required value: must be specified`],
  ["a root that is not an object", { type: "string" }, `${ROOT}.type: Invalid value: "string": must be object at the root`],
  ["kind that is not a string", obj({ kind: { type: "integer" } }), `${ROOT}.properties[kind].type: Invalid value: "integer": must be string`],
  ["nullable at the root", { type: "object", nullable: true }, `${ROOT}.nullable: Forbidden: nullable cannot be true at the root`],
  ["additionalProperties beside properties", spec({ type: "object", properties: { a: { type: "string" } }, additionalProperties: { type: "string" } }), `${ROOT}.properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`],
  ["additionalProperties: false beside properties", spec({ type: "object", properties: { a: { type: "string" } }, additionalProperties: false }), `${ROOT}.properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`],
  ["$ref", spec({ type: "object", $ref: "#/definitions/x" }), `${ROOT}.properties[spec].$ref: Forbidden: $ref is not supported`],
  ["uniqueItems", spec({ type: "array", items: { type: "string" }, uniqueItems: true }), `${ROOT}.properties[spec].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`],
  ["type null", spec({ type: "null" }), `${ROOT}.properties[spec].type: Forbidden: type cannot be set to null, use nullable as an alternative`],
  ["a type inside anyOf", spec({ type: "object", anyOf: [{ type: "object" }] }), `${ROOT}.properties[spec].anyOf[0].type: Forbidden: must be empty to be structural`],
  ["a description inside allOf", spec({ type: "string", allOf: [{ description: "x", pattern: "a" }] }), `${ROOT}.properties[spec].allOf[0].description: Forbidden: must be empty to be structural`],
  ["nullable inside oneOf", spec({ type: "string", oneOf: [{ nullable: true }] }), `${ROOT}.properties[spec].oneOf[0].nullable: Forbidden: must be false to be structural`],
  ["a default inside not", spec({ type: "string", not: { default: "a" } }), `${ROOT}.properties[spec].not.default: Forbidden: must be undefined to be structural`],
  ["a list type inside anyOf", spec({ type: "array", items: { type: "string" }, anyOf: [{ "x-kubernetes-list-type": "set" }] }), // The keyword rules hold inside a junctor too (ValidateCustomResourceDefinitionOpenAPISchema recurses into it).
    `${ROOT}.properties[spec].anyOf[0].type: Required value: must be array if x-kubernetes-list-type is specified`,
    `${ROOT}.properties[spec].anyOf[0].x-kubernetes-list-type: Forbidden: must be undefined to be structural`],
  ["metadata in a nested context at the root", { type: "object", anyOf: [{ properties: { metadata: {} } }] }, `${ROOT}.anyOf[0].properties[metadata]: Forbidden: must not be specified in a nested context`,
    `${ROOT}.properties[metadata]: Required value: because it is defined in ${ROOT}.anyOf[0].properties[metadata]`],
  ["a property named only in a value validation", spec({ type: "object", properties: { a: { type: "string" } }, not: { properties: { b: { pattern: "x" } } } }), `${ROOT}.properties[spec].properties[b]: Required value: because it is defined in ${ROOT}.properties[spec].not.properties[b]`],
  ["a pattern RE2 cannot compile (lookahead)", spec({ type: "string", pattern: "^(?=a)" }), `${ROOT}.properties[spec].pattern: Invalid value: "^(?=a)": must be a valid regular expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: \`(?=\``],
  ["additionalProperties at the root", { type: "object", additionalProperties: { type: "string" } }, `${ROOT}.additionalProperties: Forbidden: must not be used at the root`],
  ["$schema", obj({ spec: { type: "object", $schema: "http://json-schema.org/draft-07/schema#" } }), `${ROOT}: Invalid value: "": OpenAPIV3Schema 'schema' is not supported`],
  ["int-or-string with preserve-unknown-fields", spec({ "x-kubernetes-int-or-string": true, "x-kubernetes-preserve-unknown-fields": true }), `${ROOT}.properties[spec].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true`],
  ["preserve-unknown-fields: false", spec({ type: "object", "x-kubernetes-preserve-unknown-fields": false }), `${ROOT}.properties[spec].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`],
  ["an embedded resource that is not an object", spec({ type: "string", "x-kubernetes-embedded-resource": true }), `${ROOT}.properties[spec].type: Invalid value: "string": must be object if x-kubernetes-embedded-resource is true`,
    `${ROOT}.properties[spec].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`],
  ["an embedded resource without properties", spec({ type: "object", "x-kubernetes-embedded-resource": true }), `${ROOT}.properties[spec].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`],
  ["a default in top-level metadata", obj({ metadata: { type: "object", properties: { name: { type: "string", default: "a" } } } }), `${ROOT}.properties[metadata].properties[name].default: Forbidden: must not be set in top-level metadata`],
  ["a default with an unknown field", spec({ type: "object", properties: { a: { type: "string" } }, default: { b: "x" } }), `${ROOT}.properties[spec].default: Invalid value: {"b":"x"}: must not have unknown fields`],
  ["a default of the wrong type", spec({ type: "integer", default: "one" }), `${ROOT}.properties[spec].default: must be of type integer, got string`],
  ["a null default, not nullable", spec({ type: "string", default: null }), `${ROOT}.properties[spec].default: Invalid value: null: must not be null for non-nullable schema`],
  ["map type on a string", spec({ type: "string", "x-kubernetes-map-type": "atomic" }), `${ROOT}.properties[spec].type: Invalid value: "string": must be object if x-kubernetes-map-type is specified`],
  ["an unknown map type", spec({ type: "object", "x-kubernetes-map-type": "merge" }), `${ROOT}.properties[spec].x-kubernetes-map-type: Unsupported value: "merge": supported values: "atomic", "granular"`],
  ["list type on an object", spec({ type: "object", "x-kubernetes-list-type": "set" }), `${ROOT}.properties[spec].type: Invalid value: "object": must be array if x-kubernetes-list-type is specified`],
  ["an unknown list type", spec({ type: "array", items: { type: "string" }, "x-kubernetes-list-type": "bag" }), `${ROOT}.properties[spec].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`],
  ["a set of granular objects", spec({ type: "array", items: { type: "object", properties: { a: { type: "string" } } }, "x-kubernetes-list-type": "set" }), `${ROOT}.properties[spec].items.x-kubernetes-map-type: Invalid value: "null": must be atomic as item of a list with x-kubernetes-list-type=set`],
  ["map keys without list type map", spec({ type: "array", items: { type: "object", properties: { a: { type: "string" } }, required: ["a"] }, "x-kubernetes-list-map-keys": ["a"] }), `${ROOT}.properties[spec].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty`],
  ["list type map without keys", spec({ type: "array", items: { type: "object", properties: { a: { type: "string" } } }, "x-kubernetes-list-type": "map" }), `${ROOT}.properties[spec].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`],
  ["a map key that is not a property", spec({ type: "array", items: { type: "object", properties: { a: { type: "string" } }, required: ["a"] }, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["b"] }), `${ROOT}.properties[spec].x-kubernetes-list-map-keys: Invalid value: []string{"b"}: entries must all be names of item properties`],
  ["a map key neither required nor defaulted", spec({ type: "array", items: { type: "object", properties: { a: { type: "string" } } }, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["a"] }), `${ROOT}.properties[spec].items.properties[a].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`],
  ["a map key of object type", spec({ type: "array", items: { type: "object", properties: { a: { type: "object" } }, required: ["a"] }, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["a"] }), `${ROOT}.properties[spec].items.properties[a].type: Invalid value: "object": must be a scalar type if parent array's x-kubernetes-list-type is map`],
  ["nullable items of a set", spec({ type: "array", items: { type: "string", nullable: true }, "x-kubernetes-list-type": "set" }), `${ROOT}.properties[spec].items.nullable: Forbidden: cannot be nullable when x-kubernetes-list-type is set`],
  ["a keyword JSONSchemaProps does not have", spec({ type: "string", const: "a" }), `${ROOT}.properties[spec].const: Forbidden: const is not a field of JSONSchemaProps`],
  ["patternProperties", spec({ type: "object", patternProperties: { a: { type: "string" } } }), `${ROOT}.properties[spec].patternProperties: Forbidden: patternProperties is not supported`],
  ["id", spec({ type: "string", id: "x" }), `${P}.id: Forbidden: id is not supported`],
  ["additionalItems", spec({ type: "array", items: { type: "string" }, additionalItems: false }), `${P}.additionalItems: Forbidden: additionalItems is not supported`],
  ["definitions", spec({ type: "object", definitions: { a: { type: "string" } } }), `${P}.definitions: Forbidden: definitions is not supported`],
  ["dependencies", spec({ type: "object", dependencies: { a: ["b"] } }), `${P}.dependencies: Forbidden: dependencies is not supported`],
  ["items as an array", spec({ type: "array", items: [{ type: "string" }] }), `${P}.items: Forbidden: items must be a schema object and not an array`],
  ["a type OpenAPI does not have", spec({ type: "float" }), `${P}.type: Unsupported value: "float": supported values: "array", "boolean", "integer", "number", "object", "string"`],
  ["a root without a type", { properties: { spec: { type: "object" } } }, `${ROOT}.type: Required value: must not be empty at the root`],
  ["apiVersion that is not a string", obj({ apiVersion: { type: "object" } }), `${ROOT}.properties[apiVersion].type: Invalid value: "object": must be string`],
  // The server clears the type before it compares the rest to nothing: one message, not two.
  ["root metadata that is not an object", obj({ metadata: { type: "string" } }), `${ROOT}.properties[metadata].type: Invalid value: "string": must be object`],
  ["root metadata with a value validation", obj({ metadata: { type: "object", maxProperties: 3 } }), `${ROOT}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`],
  ["root metadata naming name and labels", obj({ metadata: { type: "object", properties: { name: { type: "string" }, labels: { type: "object" } } } }), `${ROOT}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`],
  ["root metadata with properties that are no object", obj({ metadata: { type: "object", properties: ["name"] } }), `${ROOT}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`],
  // Defaults: the server clears the metadata's own before comparing it, and refuses it by another rule.
  ["a default on root metadata", obj({ metadata: { type: "object", default: {} } }), `${ROOT}.properties[metadata].default: Forbidden: must not be set in top-level metadata`],
  ["a default on the root kind", obj({ kind: { type: "string", default: "Widget" } }), `${ROOT}.properties[kind].default: Forbidden: must not be set in top-level kind`],
  ["a default in an embedded resource's labels", spec({ type: "object", "x-kubernetes-embedded-resource": true, properties: { metadata: { type: "object", properties: { labels: { type: "object", additionalProperties: { type: "string", default: "x" } } } } } }),
    `${P}.properties[metadata].properties[labels].additionalProperties.default: Forbidden: must not be set inside additionalProperties applying to object metadata`],
  ["a default that breaks its own value validation", spec({ type: "string", maxLength: 1, default: "ab" }), `${P}.default: longer than 1`],
  ["a default whose field has the wrong type", spec({ type: "object", properties: { a: { type: "string" } }, default: { a: 5 } }), `${P}.default.a: must be of type string, got integer`],
  ["an embedded resource inside resource meta", obj({ metadata: { type: "object", properties: { name: { type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true } } } }),
    `${ROOT}.properties[metadata].properties[name].x-kubernetes-embedded-resource: Forbidden: must not be used inside of resource meta`],
  ["an embedded resource without a type", spec({ "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true }), `${P}.type: Required value: must be object if x-kubernetes-embedded-resource is true`],
  ["an embedded resource with additionalProperties", spec({ type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true, additionalProperties: { type: "string" } }),
    `${P}.additionalProperties: Forbidden: must not be used if x-kubernetes-embedded-resource is set`],
  ["an embedded resource whose kind, apiVersion and metadata are mistyped", spec({ type: "object", "x-kubernetes-embedded-resource": true, properties: { kind: { type: "integer" }, apiVersion: { type: "boolean" }, metadata: { type: "string" } } }),
    `${P}.properties[kind].type: Invalid value: "integer": must be string`, `${P}.properties[apiVersion].type: Invalid value: "boolean": must be string`, `${P}.properties[metadata].type: Invalid value: "string": must be object`],
  ["int-or-string that is an embedded resource", spec({ type: "object", "x-kubernetes-int-or-string": true, "x-kubernetes-embedded-resource": true, properties: { a: { type: "string" } } }),
    `${P}.x-kubernetes-embedded-resource: Invalid value: true: must be false if x-kubernetes-int-or-string is true`],
  ["a list type without a type", spec({ "x-kubernetes-preserve-unknown-fields": true, "x-kubernetes-list-type": "atomic" }), `${P}.type: Required value: must be array if x-kubernetes-list-type is specified`],
  ["a map type without a type", spec({ "x-kubernetes-preserve-unknown-fields": true, "x-kubernetes-map-type": "atomic" }), `${P}.type: Required value: must be object if x-kubernetes-map-type is specified`],
  ["a set of sets", spec({ type: "array", items: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "set" }, "x-kubernetes-list-type": "set" }),
    `${P}.items.x-kubernetes-list-type: Invalid value: "set": must be atomic as item of a list with x-kubernetes-list-type=set`],
  ["a set of objects marked granular", spec({ type: "array", items: { type: "object", "x-kubernetes-map-type": "granular", "x-kubernetes-list-type": "x", properties: { a: { type: "string" } } }, "x-kubernetes-list-type": "set" }),
    // sic: the server prints the items' list type, here the one they must not have.
    `${P}.items.x-kubernetes-map-type: Invalid value: "x": must be atomic as item of a list with x-kubernetes-list-type=set`,
    `${P}.items.type: Invalid value: "object": must be array if x-kubernetes-list-type is specified`,
    `${P}.items.x-kubernetes-list-type: Unsupported value: "x": supported values: "atomic", "set", "map"`],
  ["map keys on a set", spec({ type: "array", items: { type: "string" }, "x-kubernetes-list-type": "set", "x-kubernetes-list-map-keys": ["a"] }), `${P}.x-kubernetes-list-type: Invalid value: "set": must be map if x-kubernetes-list-map-keys is non-empty`],
  ["nullable items of a map list", spec({ type: "array", items: { type: "object", nullable: true, properties: { a: { type: "string" } }, required: ["a"] }, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["a"] }),
    `${P}.items.nullable: Forbidden: cannot be nullable when x-kubernetes-list-type is map`],
  ["a map list without items", spec({ type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["a"] }), `${P}.items: Required value: must be specified`, `${P}.items: Required value: must have a schema if x-kubernetes-list-type is map`],
  ["a map list of strings", spec({ type: "array", items: { type: "string" }, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["a"] }), `${P}.items.type: Invalid value: "string": must be object if parent array's x-kubernetes-list-type is map`],
  ["a map key given twice, and again", spec({ type: "array", items: { type: "object", properties: { a: { type: "string" } }, required: ["a"] }, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["a", "a", "a"] }),
    `${P}.x-kubernetes-list-map-keys: Invalid value: []string{"a", "a", "a"}: must not contain duplicate entries`, `${P}.x-kubernetes-list-map-keys: Invalid value: []string{"a", "a", "a"}: must not contain duplicate entries`],
  ["a nullable map key of array type, not a property either", spec({ type: "array", items: { type: "object", properties: { a: { type: "array", items: { type: "string" }, nullable: true } }, required: ["a"] }, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["a", "b"] }),
    `${P}.items.properties[a].type: Invalid value: "object": must be a scalar type if parent array's x-kubernetes-list-type is map`,
    `${P}.x-kubernetes-list-map-keys: Invalid value: []string{"a", "b"}: entries must all be names of item properties`,
    `${P}.items.properties[a].nullable: Forbidden: this property is in x-kubernetes-list-map-keys, so it cannot be nullable`],
  // Inside a junctor, each structural keyword alone; the keyword rules hold there as well.
  ["a title inside anyOf", spec({ type: "string", anyOf: [{ title: "t" }] }), `${P}.anyOf[0].title: Forbidden: must be empty to be structural`],
  ["additionalProperties inside allOf", spec({ type: "object", additionalProperties: { type: "string" }, allOf: [{ additionalProperties: { type: "string" } }] }), `${P}.allOf[0].additionalProperties: Forbidden: must be undefined to be structural`],
  ["preserve-unknown-fields inside oneOf", spec({ type: "object", "x-kubernetes-preserve-unknown-fields": true, oneOf: [{ "x-kubernetes-preserve-unknown-fields": true }] }), `${P}.oneOf[0].x-kubernetes-preserve-unknown-fields: Forbidden: must be false to be structural`],
  ["preserve-unknown-fields: false inside anyOf", spec({ type: "object", anyOf: [{ "x-kubernetes-preserve-unknown-fields": false }] }), `${P}.anyOf[0].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`],
  ["an embedded resource inside anyOf", spec({ type: "object", "x-kubernetes-preserve-unknown-fields": true, anyOf: [{ "x-kubernetes-embedded-resource": true }] }), `${P}.anyOf[0].x-kubernetes-embedded-resource: Forbidden: must be false to be structural`],
  ["int-or-string inside not", spec({ "x-kubernetes-int-or-string": true, not: { "x-kubernetes-int-or-string": true } }), `${P}.not.x-kubernetes-int-or-string: Forbidden: must be false to be structural`],
  ["map keys inside allOf", spec({ type: "array", items: { type: "string" }, allOf: [{ "x-kubernetes-list-map-keys": ["a"] }] }),
    `${P}.allOf[0].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty`, `${P}.allOf[0].x-kubernetes-list-map-keys: Forbidden: must be empty to be structural`],
  ["a map type inside anyOf", spec({ type: "object", anyOf: [{ "x-kubernetes-map-type": "atomic" }] }),
    `${P}.anyOf[0].type: Required value: must be object if x-kubernetes-map-type is specified`, `${P}.anyOf[0].x-kubernetes-map-type: Forbidden: must be undefined to be structural`],
  ["CEL rules inside oneOf", spec({ type: "string", oneOf: [{ "x-kubernetes-validations": [{ rule: "self.size() > 0" }] }] }), `${P}.oneOf[0].x-kubernetes-validations: Forbidden: must be empty to be structural`],
  ["uniqueItems inside anyOf", spec({ type: "array", items: { type: "string" }, anyOf: [{ uniqueItems: true }] }), `${P}.anyOf[0].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`],
  ["a branch that is not a schema", spec({ type: "string", anyOf: ["x"] }), `${P}.anyOf[0]: Invalid value: must be a schema`],
  ["a junctor inside a junctor", spec({ type: "string", anyOf: [{ allOf: [{ description: "d" }], oneOf: [{ nullable: true }], anyOf: [{ title: "t" }] }] }),
    `${P}.anyOf[0].allOf[0].description: Forbidden: must be empty to be structural`, `${P}.anyOf[0].anyOf[0].title: Forbidden: must be empty to be structural`, `${P}.anyOf[0].oneOf[0].nullable: Forbidden: must be false to be structural`],
  ["not inside anyOf", spec({ type: "string", anyOf: [{ not: { title: "t" } }] }), `${P}.anyOf[0].not.title: Forbidden: must be empty to be structural`],
  ["a type on items inside anyOf", spec({ type: "array", items: { type: "string" }, anyOf: [{ items: { type: "string" } }] }), `${P}.anyOf[0].items.type: Forbidden: must be empty to be structural`],
  ["a type on a property inside anyOf", spec({ type: "object", properties: { a: { type: "string" } }, anyOf: [{ properties: { a: { type: "string" } } }] }), `${P}.anyOf[0].properties[a].type: Forbidden: must be empty to be structural`],
  ["metadata in a nested context below the root", spec({ type: "object", properties: { metadata: { type: "object" } }, anyOf: [{ properties: { metadata: { required: ["x"] } } }] }), `${P}.anyOf[0].properties[metadata]: Forbidden: must not be specified in a nested context`],
  // Completeness (complete.go): what a value validation names must be in the structural part, at any depth.
  ["items named only in a value validation", spec({ type: "object", "x-kubernetes-preserve-unknown-fields": true, anyOf: [{ items: { pattern: "a" } }] }), `${P}.items: Required value: because it is defined in ${P}.anyOf[0].items`],
  ["a property under preserve-unknown-fields named only in a value validation", spec({ type: "object", "x-kubernetes-preserve-unknown-fields": true, anyOf: [{ properties: { b: { pattern: "x" } } }] }),
    `${P}.properties[b]: Required value: because it is defined in ${P}.anyOf[0].properties[b]`],
  ["a nested property named only in a value validation", spec({ type: "object", properties: { a: { type: "object", properties: { b: { type: "string" } } } }, anyOf: [{ properties: { a: { properties: { c: { pattern: "x" } } } } }] }),
    `${P}.properties[a].properties[c]: Required value: because it is defined in ${P}.anyOf[0].properties[a].properties[c]`],
  ["an item property named only in a value validation", spec({ type: "array", items: { type: "object", properties: { a: { type: "string" } } }, allOf: [{ items: { properties: { b: { pattern: "x" } } } }] }),
    `${P}.items.properties[b]: Required value: because it is defined in ${P}.allOf[0].items.properties[b]`],
  ["a property named only in a junctor inside a junctor", spec({ type: "object", properties: { a: { type: "string" } }, anyOf: [{ oneOf: [{ properties: { z: { pattern: "x" } } }] }] }),
    `${P}.properties[z]: Required value: because it is defined in ${P}.anyOf[0].oneOf[0].properties[z]`],
  // int-or-string's anyOf is skipped only where the server skips it: in allOf's first branch and at the node itself.
  ["a type in allOf's anyOf, not int-or-string", spec({ type: "string", allOf: [{ anyOf: [{ type: "integer" }, { type: "string" }] }] }),
    `${P}.allOf[0].anyOf[0].type: Forbidden: must be empty to be structural`, `${P}.allOf[0].anyOf[1].type: Forbidden: must be empty to be structural`],
  ["int-or-string with its anyOf, and a type in allOf", spec({ "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }], allOf: [{ type: "string" }] }),
    `${P}.allOf[0].type: Forbidden: must be empty to be structural`],
  ["int-or-string with its allOf, and an anyOf in oneOf and in allOf's second branch", spec({ "x-kubernetes-int-or-string": true, allOf: [{ anyOf: [{ type: "integer" }, { type: "string" }] }, { anyOf: [{ type: "integer" }] }], oneOf: [{ anyOf: [{ type: "integer" }] }] }),
    `${P}.allOf[1].anyOf[0].type: Forbidden: must be empty to be structural`, `${P}.oneOf[0].anyOf[0].type: Forbidden: must be empty to be structural`],
  ["a type in an anyOf below a junctor", spec({ type: "object", properties: { a: { type: "string" } }, anyOf: [{ allOf: [{ anyOf: [{ type: "string" }] }], not: { anyOf: [{ title: "t" }] }, items: { anyOf: [{ nullable: true }] }, properties: { a: { anyOf: [{ description: "d" }] } } }], not: { anyOf: [{ default: "x" }] } }),
    `${P}.anyOf[0].allOf[0].anyOf[0].type: Forbidden: must be empty to be structural`, `${P}.anyOf[0].not.anyOf[0].title: Forbidden: must be empty to be structural`,
    `${P}.anyOf[0].items.anyOf[0].nullable: Forbidden: must be false to be structural`, `${P}.anyOf[0].properties[a].anyOf[0].description: Forbidden: must be empty to be structural`,
    `${P}.not.anyOf[0].default: Forbidden: must be undefined to be structural`,
    `${P}.items: Required value: because it is defined in ${P}.anyOf[0].items`],
  ["$schema in a list of schemas", spec({ type: "string", allOf: [{ $schema: "x" }] }), `${ROOT}: Invalid value: "": OpenAPIV3Schema 'schema' is not supported`],
  ["a default of the wrong type on the root kind: refused for where it is, not checked", obj({ kind: { type: "string", default: 5 } }), `${ROOT}.properties[kind].default: Forbidden: must not be set in top-level kind`],
  ["a default on the root apiVersion", obj({ apiVersion: { type: "string", default: "v1" } }), `${ROOT}.properties[apiVersion].default: Forbidden: must not be set in top-level apiVersion`],
  ["a default without a required field", spec({ type: "object", required: ["a"], properties: { a: { type: "string" } }, default: {} }), `${P}.default.a: required`],
  ["int-or-string with a third branch in its anyOf", spec({ "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }, { type: "boolean" }] }),
    `${P}.anyOf[0].type: Forbidden: must be empty to be structural`, `${P}.anyOf[1].type: Forbidden: must be empty to be structural`, `${P}.anyOf[2].type: Forbidden: must be empty to be structural`],
  ["int-or-string with an anyOf of boolean and string", spec({ "x-kubernetes-int-or-string": true, anyOf: [{ type: "boolean" }, { type: "string" }] }),
    `${P}.anyOf[0].type: Forbidden: must be empty to be structural`, `${P}.anyOf[1].type: Forbidden: must be empty to be structural`],
  ["a pattern with a backreference", spec({ type: "string", pattern: "(a)\\1" }), `${P}.pattern: Invalid value: "(a)\\\\1": must be a valid regular expression, but isn't: error parsing regexp: invalid escape sequence: \`\\1\``],
  ["a pattern with a lookbehind", spec({ type: "string", pattern: "(?<!a)b" }), `${P}.pattern: Invalid value: "(?<!a)b": must be a valid regular expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: \`(?<\``],
  ["a pattern that does not parse", spec({ type: "string", pattern: "[a" }), `${P}.pattern: Invalid value: "[a": must be a valid regular expression, but isn't: error parsing regexp: missing closing ]: \`[a\``],
];

describe("the API server's CRD rules", () => {
  it("accept a minimal structural CRD", () => {
    expect(crdProblems(crd(spec({ type: "object", "x-kubernetes-preserve-unknown-fields": true })))).toEqual([]);
  });

  for (const [name, schema, ...messages] of CASES) {
    it(`refuse ${name}`, () => {
      expect(crdProblems(crd(schema))).toEqual(messages);
    });
  }

  it("accept the int-or-string patterns the server allows, and nothing else in its anyOf", () => {
    expect(crdProblems(crd(spec({ "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] })))).toEqual([]);
    expect(crdProblems(crd(spec({ "x-kubernetes-int-or-string": true, allOf: [{ anyOf: [{ type: "integer" }, { type: "string" }] }, { pattern: "^a" }] })))).toEqual([]);
    expect(crdProblems(crd(spec({ "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "boolean" }] })))).toEqual([
      `${ROOT}.properties[spec].anyOf[0].type: Forbidden: must be empty to be structural`,
      `${ROOT}.properties[spec].anyOf[1].type: Forbidden: must be empty to be structural`,
    ]);
  });

  it("refuse a status root with fields the status subresource cannot carry", () => {
    expect(crdProblems(crd({ type: "object", anyOf: [{ required: ["spec"] }] }, { subresources: { status: {} } }))).toEqual([
      `${ROOT}: Invalid value: anyOf: only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled`,
    ]);
  });

  it("refuse a CRD whose name, group, scope, names, versions, columns or scale are wrong", () => {
    const bad = crd(spec({ type: "object" }), {
      additionalPrinterColumns: [{ name: "Age", type: "time", jsonPath: ".metadata.creationTimestamp" }],
      subresources: { scale: { specReplicasPath: ".status.replicas", statusReplicasPath: ".status.replicas" } },
    });
    bad.metadata.name = "widget.example.com";
    bad.spec.scope = "Global";
    bad.spec.names.listKind = "Widget";
    bad.spec.versions.push({ ...bad.spec.versions[0], name: "V2" });
    expect(crdProblems(bad)).toEqual([
      `metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group`,
      `spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"`,
      `spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same`,
      "spec.versions: Invalid value: ...: must have exactly one version marked as storage version",
      `spec.versions[1].name: Invalid value: "V2": ${DNS1035}`,
      // Alike in every version: reported where the server's internal form keeps them.
      `spec.subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec`,
      "spec.additionalPrinterColumns[0].type: Invalid value: \"time\": must be one of boolean,date,integer,number,string",
    ]);
  });

  it("accept what only looks like a breach: zero values, additionalProperties: true, $schema as data, a free root", () => {
    const ok = [
      crd({ type: "object", nullable: false, description: "", "x-kubernetes-validations": [{ rule: "true" }], externalDocs: { url: "u" } }, { subresources: { status: {} } }),
      crd(spec({ type: "object", properties: { a: { type: "string" } }, additionalProperties: true })),
      crd(spec({ type: "object", properties: {}, additionalProperties: { type: "string" } })),
      crd(spec({ type: "object", "x-kubernetes-preserve-unknown-fields": true, default: { $schema: "x" }, example: { $schema: "x" }, enum: [{ $schema: "x" }] })),
      crd({ "x-kubernetes-preserve-unknown-fields": true }),
      crd({ "x-kubernetes-int-or-string": true }),
      crd(obj({ metadata: { type: "object", nullable: false, properties: { name: { type: "string", maxLength: 10 }, generateName: { type: "string" } } } })),
      crd(spec({ type: "string", anyOf: [{ title: "", description: "", "x-kubernetes-list-map-keys": [], "x-kubernetes-validations": [] }] })),
      crd(spec({ type: "string", nullable: true, default: null })),
      crd(spec({ type: "array", items: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "atomic" }, "x-kubernetes-list-type": "set" })),
      crd(spec({ type: "array", items: { type: "array", items: { type: "string" } }, "x-kubernetes-list-type": "set" })),
      crd(spec({ type: "array", items: { type: "object", "x-kubernetes-map-type": "atomic", properties: { a: { type: "string" } } }, "x-kubernetes-list-type": "set" })),
      crd(spec({ type: "array", items: { type: "object", properties: { a: { type: "string", default: "x" } } }, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["a"] })),
      crd(spec({ type: "object", properties: { a: { type: "string" } }, "x-kubernetes-map-type": "granular" })),
      crd(spec({ type: "string", pattern: "^\\p{L}+$" })),
      // Go's syntax, which JavaScript's RegExp refuses (test/crd-patterns.test.ts holds the rest to Go).
      crd(spec({ type: "string", pattern: "(?i)^[a-z]+\\z" })),
      // Below the root and outside embedded resources, kind and metadata are fields like any other, and so is a default.
      crd(spec({ type: "object", properties: { kind: { type: "integer" }, apiVersion: { type: "object" }, metadata: { type: "string", default: "m" }, a: { type: "string", default: "x" } } })),
      crd(spec({ type: "object", properties: { a: { type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true } } })),
      // Lists that are not sets or maps: objects without map type, nullable items.
      crd(spec({ type: "array", items: { type: "object", nullable: true, properties: { a: { type: "string" } } } })),
      crd(spec({ type: "array", items: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "set" }, "x-kubernetes-list-type": "atomic" })),
      crd(obj({ metadata: { type: "object", nullable: false, description: "" } })),
      // A scale subresource alone is no status subresource.
      crd({ type: "object", anyOf: [{ required: ["spec"] }], properties: { spec: { type: "object" } } }, { subresources: { scale: { specReplicasPath: ".spec.r", statusReplicasPath: ".status.r" } } }),
      // 63 characters is a DNS label still.
      { ...crd(spec({ type: "object" })), metadata: { name: `${"w".repeat(63)}.example.com` }, spec: { ...crd(spec({ type: "object" })).spec, names: { kind: "Widget", plural: "w".repeat(63) } } },
    ];
    for (const c of ok) expect(crdProblems(c), JSON.stringify(c.spec.versions[0].schema)).toEqual([]);
  });

  it("accept every keyword of JSONSchemaProps that a v1 CRD may use, each where it fits", () => {
    const scalar = {
      type: "string", description: "d", title: "t", format: "byte", maximum: 5, exclusiveMaximum: true, minimum: 1, exclusiveMinimum: true, maxLength: 3, minLength: 1,
      pattern: "a", maxItems: 3, minItems: 1, uniqueItems: false, multipleOf: 2, enum: ["a"], maxProperties: 3, minProperties: 1, nullable: true, example: "a",
      externalDocs: { url: "u" }, default: "a", allOf: [{ pattern: "a" }], anyOf: [{ minLength: 1 }], oneOf: [{ maxLength: 3 }], not: { pattern: "z" },
      "x-kubernetes-validations": [{ rule: "self.size() > 0" }],
    };
    const object = { type: "object", required: ["a"], properties: { a: { type: "string" } }, "x-kubernetes-map-type": "atomic", "x-kubernetes-embedded-resource": true };
    const list = { type: "array", items: { type: "object", properties: { k: { type: "string" } }, required: ["k"] }, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["k"] };
    const free = { "x-kubernetes-int-or-string": true };
    const open = { type: "object", additionalProperties: { type: "string" } };
    const preserved = { type: "object", "x-kubernetes-preserve-unknown-fields": true };
    expect(crdProblems(crd(obj({ spec: { type: "object", properties: { scalar, object, list, free, open, preserved } } })))).toEqual([]);
  });

  it("accept each type, column type and column format the server has", () => {
    for (const type of ["string", "number", "integer", "boolean", "array", "object"]) {
      expect(crdProblems(crd(spec(type === "array" ? { type, items: { type: "string" } } : { type }))), type).toEqual([]);
    }
    const columns = ["boolean", "date", "integer", "number", "string"].map((type) => ({ name: type, type, jsonPath: `.${type}` }));
    const formats = ["byte", "date", "date-time", "double", "float", "int32", "int64", "password"].map((format) => ({ name: format, type: "string", format, jsonPath: `.${format}` }));
    expect(crdProblems(crd(spec({ type: "object" }), { additionalPrinterColumns: [...columns, ...formats] }))).toEqual([]);
  });

  it("with the status subresource, accept at the root each field the server allows there, and name each other one", () => {
    const status = { subresources: { status: {} } };
    const allowed: Obj = {
      description: "d", format: "f", title: "t", maximum: 1, exclusiveMaximum: true, minimum: 0, exclusiveMinimum: true, maxLength: 1, minLength: 1, pattern: "a",
      maxItems: 1, minItems: 1, uniqueItems: false, multipleOf: 1, required: ["spec"], items: { type: "string" }, properties: { spec: { type: "object" } },
      externalDocs: { url: "u" }, example: {}, "x-kubernetes-preserve-unknown-fields": true, "x-kubernetes-validations": [{ rule: "true" }],
    };
    // Go's zero values are no field: false in the plain bools, "" in the plain strings.
    const zero = { nullable: false, exclusiveMaximum: false, exclusiveMinimum: false, uniqueItems: false, "x-kubernetes-embedded-resource": false, "x-kubernetes-int-or-string": false, id: "", $schema: "", description: "", format: "", title: "", pattern: "" };
    for (const [k, v] of Object.entries(zero)) expect(crdProblems(crd({ type: "object", [k]: v }, status)).filter((p) => p.includes("status subresource")), k).toEqual([]);
    for (const [k, v] of Object.entries(allowed)) expect(crdProblems(crd({ type: "object", [k]: v }, status)).filter((p) => p.includes("status subresource")), k).toEqual([]);
    // $ref, additionalProperties, additionalItems and the list type are pointers in Go: "" and false are set, not zero.
    const refused: Obj = {
      id: "i", $schema: "s", $ref: "", nullable: true, default: {}, enum: [{}], maxProperties: 1, minProperties: 1, allOf: [{}], oneOf: [{}], anyOf: [{}], not: {},
      additionalProperties: false, patternProperties: {}, dependencies: {}, additionalItems: false, definitions: {},
      "x-kubernetes-embedded-resource": true, "x-kubernetes-int-or-string": true, "x-kubernetes-list-map-keys": ["a"], "x-kubernetes-list-type": "", "x-kubernetes-map-type": "atomic",
    };
    for (const [k, v] of Object.entries(refused)) {
      expect(crdProblems(crd({ type: "object", [k]: v }, status)).filter((p) => p.includes("status subresource")), k).toEqual([
        `${ROOT}: Invalid value: ${k}: only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled`,
      ]);
    }
  });

  it("refuse a status root's type, and stop at the first field it cannot carry", () => {
    expect(crdProblems(crd({ type: "string" }, { subresources: { status: {} } }))).toEqual([
      `${ROOT}.type: Invalid value: "string": only "object" is allowed as the type at the root of the schema if the status subresource is enabled`,
      `${ROOT}.type: Invalid value: "string": must be object at the root`,
    ]);
    const allowed = "only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled";
    // nullable comes before anyOf in JSONSchemaProps: the server names it and stops.
    expect(crdProblems(crd({ type: "object", nullable: true, anyOf: [{ required: ["spec"] }] }, { subresources: { status: {} } }))).toEqual([
      `${ROOT}: Invalid value: nullable: ${allowed}`,
      `${ROOT}.nullable: Forbidden: nullable cannot be true at the root`,
    ]);
  });
});

/** The CRD around the schema: names, group, scope, versions, subresources and columns (validation.go). */
describe("the API server's rules for the CRD itself", () => {
  const valid = (): Obj => crd(spec({ type: "object", "x-kubernetes-preserve-unknown-fields": true }));
  const problems = (edit: (c: Obj) => void): string[] => {
    const c = valid();
    edit(c);
    return crdProblems(c);
  };

  it("want a spec", () => {
    for (const c of [null, "crd", {}, { spec: "x" }, { spec: [] }]) expect(crdProblems(c), JSON.stringify(c)).toEqual(["spec: Required value"]);
  });

  it("default singular and listKind from kind, as the server does before it validates (defaults.go)", () => {
    expect(problems((c) => (c.spec.names = { kind: "Widget", plural: "widgets" }))).toEqual([]);
    expect(problems((c) => (c.spec.names = { kind: "Widget", plural: "widgets", singular: "gizmo", listKind: "GizmoList" }))).toEqual([]);
    expect(problems((c) => (c.spec.names = { plural: "widgets" }))).toEqual(["spec.names.singular: Required value", "spec.names.kind: Required value", "spec.names.listKind: Required value"]);
    expect(problems((c) => (c.spec.names = "widgets"))).toEqual([
      `metadata.name: Invalid value: "widgets.example.com": must be spec.names.plural+"."+spec.group`,
      "spec.names.plural: Required value", "spec.names.singular: Required value", "spec.names.kind: Required value", "spec.names.listKind: Required value",
    ]);
  });

  it("check the names as DNS labels, kinds lowercased", () => {
    expect(problems((c) => (c.spec.names.singular = "Widget"))).toEqual([`spec.names.singular: Invalid value: "Widget": ${DNS1035}`]);
    expect(problems((c) => Object.assign(c.spec.names, { kind: "Wid_get", listKind: "Wid_getList" }))).toEqual([
      `spec.names.kind: Invalid value: "Wid_get": may have mixed case, but should otherwise match: ${DNS1035}`,
      `spec.names.listKind: Invalid value: "Wid_getList": may have mixed case, but should otherwise match: ${DNS1035}`,
    ]);
    const long = "w".repeat(64);
    expect(problems((c) => {
      c.spec.names.plural = long;
      c.metadata.name = `${long}.example.com`;
    })).toEqual([`spec.names.plural: Invalid value: "${long}": must be no more than 63 characters`]);
    expect(problems((c) => (c.spec.names.listKind = 5))).toEqual(["spec.names.listKind: Required value"]);
  });

  it("join every reason a name fails with a comma, as the server does", () => {
    const long = `${"G".repeat(251)}.io`;
    expect(problems((c) => {
      c.spec.group = long;
      c.metadata.name = "widgets.example.com";
    }).filter((p) => p.startsWith("spec.group"))).toEqual([`spec.group: Invalid value: "${long}": must be no more than 253 characters,${DNS1123}`]);
    const plural = "W".repeat(64);
    expect(problems((c) => (c.spec.names.plural = plural)).filter((p) => p.startsWith("spec.names"))).toEqual([`spec.names.plural: Invalid value: "${plural}": must be no more than 63 characters,${DNS1035}`]);
    expect(problems((c) => (c.spec.versions[0].name = plural))).toEqual([`spec.versions[0].name: Invalid value: "${plural}": must be no more than 63 characters,${DNS1035}`]);
    // kind and listKind both empty are missing, not the same.
    expect(problems((c) => (c.spec.names = { plural: "widgets", singular: "widget", kind: "", listKind: "" }))).toEqual(["spec.names.kind: Required value", "spec.names.listKind: Required value"]);
  });

  it("want metadata.name to be a DNS subdomain and plural.group", () => {
    expect(problems((c) => delete c.metadata)).toEqual(["metadata.name: Required value: name or generateName is required"]);
    expect(problems((c) => (c.metadata.name = "Widgets.example.com"))).toEqual([
      `metadata.name: Invalid value: "Widgets.example.com": ${DNS1123}`,
      `metadata.name: Invalid value: "Widgets.example.com": must be spec.names.plural+"."+spec.group`,
    ]);
  });

  it("want the group to be a subdomain with a dot, no longer than 253", () => {
    const at = (group: unknown) => problems((c) => {
      c.spec.group = group;
      c.metadata.name = `widgets.${String(group)}`;
    });
    expect(at(undefined)).toEqual([`metadata.name: Invalid value: "widgets.undefined": must be spec.names.plural+"."+spec.group`, "spec.group: Required value"]);
    expect(at("Example.com")).toEqual([`metadata.name: Invalid value: "widgets.Example.com": ${DNS1123}`, `spec.group: Invalid value: "Example.com": ${DNS1123}`]);
    expect(at("example")).toEqual([`spec.group: Invalid value: "example": should be a domain with at least one dot`]);
    const long = `${"g".repeat(251)}.io`;
    expect(at(long).filter((p) => p.startsWith("spec."))).toEqual([`spec.group: Invalid value: "${long}": must be no more than 253 characters`]);
    expect(at(`${"g".repeat(250)}.io`).filter((p) => p.startsWith("spec."))).toEqual([]);
  });

  it("want a scope, and Cluster or Namespaced", () => {
    expect(problems((c) => delete c.spec.scope)).toEqual(["spec.scope: Required value"]);
    expect(problems((c) => (c.spec.scope = ""))).toEqual(["spec.scope: Required value"]);
    expect(problems((c) => (c.spec.scope = "Cluster"))).toEqual([]);
  });

  it("refuse preserveUnknownFields: true (validatePreserveUnknownFields)", () => {
    expect(problems((c) => (c.spec.preserveUnknownFields = true))).toEqual(["spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-preserve-unknown-fields to true in spec.versions[*].schema instead"]);
    expect(problems((c) => (c.spec.preserveUnknownFields = false))).toEqual([]);
  });

  it("want versions: one storage version, unique names, each an object with a DNS label", () => {
    expect(problems((c) => (c.spec.versions = []))).toEqual(["spec.versions: Invalid value: []: must have exactly one version marked as storage version"]);
    expect(problems((c) => delete c.spec.versions)).toEqual(["spec.versions: Invalid value: []: must have exactly one version marked as storage version"]);
    expect(problems((c) => (c.spec.versions[0].storage = false))).toEqual(["spec.versions: Invalid value: ...: must have exactly one version marked as storage version"]);
    expect(problems((c) => c.spec.versions.push({ ...c.spec.versions[0], storage: false }))).toEqual(["spec.versions: Invalid value: ...: must contain unique version names"]);
    expect(problems((c) => c.spec.versions.push({ ...c.spec.versions[0], name: "v2", storage: false }))).toEqual([]);
    expect(problems((c) => c.spec.versions.push("v2"))).toEqual(["spec.versions: Invalid value: each version must be an object"]);
  });

  it("want a schema in every version", () => {
    expect(problems((c) => {
      c.spec.versions[0].schema = {};
      c.spec.versions.push({ name: "v2", served: true, storage: false });
    })).toEqual([
      "spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required",
      "spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required",
    ]);
  });

  it("report a part alike in every version at the top level, and a part that differs per version", () => {
    const twoVersions = (v1: Obj, v2: Obj) => problems((c) => {
      Object.assign(c.spec.versions[0], v1);
      c.spec.versions.push({ name: "v2", served: true, storage: false, schema: c.spec.versions[0].schema, ...v2 });
    });
    const scale = { scale: { specReplicasPath: ".status.replicas", statusReplicasPath: ".status.replicas" } };
    expect(twoVersions({ subresources: scale }, { subresources: scale })).toEqual([`spec.subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec`]);
    expect(twoVersions({ subresources: scale }, {})).toEqual([`spec.versions[0].subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec`]);
    expect(twoVersions({}, { subresources: scale })).toEqual([`spec.versions[1].subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec`]);
    const column = { additionalPrinterColumns: [{ name: "A", type: "time", jsonPath: ".a" }] };
    expect(twoVersions({}, column)).toEqual([`spec.versions[1].additionalPrinterColumns[0].type: Invalid value: "time": must be one of boolean,date,integer,number,string`]);
    const badRoot = { schema: { openAPIV3Schema: { type: "string" } } };
    expect(twoVersions({}, badRoot)).toEqual([`spec.versions[1].schema.openAPIV3Schema.type: Invalid value: "string": must be object at the root`]);
    // The schema is alike, the status subresource in one version only: the root rules of status hold (hasAnyStatusEnabled).
    const statusRoot = { schema: { openAPIV3Schema: { type: "object", anyOf: [{ required: ["spec"] }] } } };
    expect(twoVersions(statusRoot, { ...statusRoot, subresources: { status: {} } })).toHaveLength(1);
    expect(twoVersions(statusRoot, { ...statusRoot, subresources: { status: {} } })[0]).toMatch(/^spec\.validation\.openAPIV3Schema: Invalid value: anyOf: only \[/);
    // Per version, only the version with the subresource.
    expect(twoVersions({ ...statusRoot, subresources: { status: {} } }, { schema: { openAPIV3Schema: { type: "object", anyOf: [{ required: ["kind"] }] } } })).toEqual([
      expect.stringMatching(/^spec\.versions\[0\]\.schema\.openAPIV3Schema: Invalid value: anyOf: only \[/),
    ]);
  });

  it("check the status and scale subresources", () => {
    const sub = (subresources: unknown) => problems((c) => (c.spec.versions[0].subresources = subresources));
    expect(sub({ status: {}, scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" } })).toEqual([]);
    expect(sub({ status: "on" })).toEqual(["spec.subresources.status: Invalid value: must be an object"]);
    expect(sub({ scale: {} })).toEqual(["spec.subresources.scale.specReplicasPath: Required value", "spec.subresources.scale.statusReplicasPath: Required value"]);
    expect(sub({ scale: { specReplicasPath: "spec.replicas", statusReplicasPath: "status.replicas" } })).toEqual([
      `spec.subresources.scale.specReplicasPath: Invalid value: "spec.replicas": must be a simple json path starting with .`,
      `spec.subresources.scale.statusReplicasPath: Invalid value: "status.replicas": must be a simple json path starting with .`,
    ]);
    expect(sub({ scale: { specReplicasPath: ".spec", statusReplicasPath: ".spec.replicas" } })).toEqual([
      `spec.subresources.scale.specReplicasPath: Invalid value: ".spec": should be a json path under .spec`,
      `spec.subresources.scale.statusReplicasPath: Invalid value: ".spec.replicas": should be a json path under .status`,
    ]);
    expect(sub("status")).toEqual([]);
  });

  it("check printer columns: an object with name, type, format and JSONPath", () => {
    const cols = (list: unknown) => problems((c) => (c.spec.versions[0].additionalPrinterColumns = list));
    expect(cols([{ name: "Age", type: "date", format: "date-time", jsonPath: ".metadata.creationTimestamp" }])).toEqual([]);
    expect(cols(["Age"])).toEqual(["spec.additionalPrinterColumns[0]: Invalid value: must be an object"]);
    expect(cols([{}])).toEqual([
      "spec.additionalPrinterColumns[0].name: Required value",
      "spec.additionalPrinterColumns[0].type: Required value: must be one of boolean,date,integer,number,string",
      "spec.additionalPrinterColumns[0].JSONPath: Required value",
    ]);
    expect(cols([{ name: "A", type: "string", format: "uuid", jsonPath: ".a" }])).toEqual([
      `spec.additionalPrinterColumns[0].format: Invalid value: "uuid": must be one of byte,date,date-time,double,float,int32,int64,password`,
    ]);
    expect(cols([{ name: "A", type: "string", jsonPath: ".a" }, { name: "B", type: "number", jsonPath: "" }])).toEqual(["spec.additionalPrinterColumns[1].JSONPath: Required value"]);
    expect(cols("Age")).toEqual([]);
  });

  it("refuse the host overlay's CRDs as committed before this check, as a real kube-apiserver 1.24 did", () => {
    let before: string;
    try {
      before = execFileSync("git", ["show", "0d00125:overlays/host/customresourcedefinition.apiextensions.k8s.io_services.monitoring.paodin.io.yaml"], { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    } catch {
      // A shallow clone without that commit: the same defect, rebuilt from today's rendering.
      const now = parse(readFileSync(path.join(REPO, "overlays/host/customresourcedefinition.apiextensions.k8s.io_services.monitoring.paodin.io.yaml"), "utf8")) as Obj;
      now.spec.versions[0].schema.openAPIV3Schema.properties.metadata.description = "Standard object metadata";
      before = JSON.stringify(now);
    }
    expect(crdProblems(parse(before))).toEqual([`${ROOT}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`]);
  });
});

describe.skipIf(!present)("CRDs real servers accept, and ours", () => {
  const rendered: Record<string, { out: string; cleanup: () => void }> = {};
  beforeAll(async () => {
    for (const name of Object.keys(VARIANTS)) rendered[name] = await renderVariant(name);
  });
  afterAll(() => Object.values(rendered).forEach((r) => r.cleanup()));

  it("every CRD published upstream (the operator's, its bundle's, Prometheus, ClusterConfiguration, ExternalSecret, ApplicationSet, Kustomization) passes", () => {
    const files = [
      ...readdirSync(path.join(REFERENCE, "paodin-v1alpha1-crds")).map((f) => path.join(REFERENCE, "paodin-v1alpha1-crds", f)),
      ...readdirSync(path.join(REFERENCE, "upstream-crds")).map((f) => path.join(REFERENCE, "upstream-crds", f)),
      path.join(REFERENCE, "paodin-operator-bundle.yaml"),
    ];
    let checked = 0;
    for (const f of files) {
      for (const doc of parseAllDocuments(readFileSync(f, "utf8"))) {
        const o = doc.toJS() as Obj | null;
        if (o?.kind !== "CustomResourceDefinition") continue;
        expect(crdProblems(o), `${path.basename(f)} ${o.metadata.name}`).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBe(12);
  });

  for (const name of Object.keys(VARIANTS)) {
    it(`${name}: every rendered CRD passes, after kubectl kustomize`, () => {
      const built = execFileSync("kubectl", ["kustomize", path.join(rendered[name]!.out, "host")], { encoding: "utf8" });
      const crds = parseAllDocuments(built).map((d) => d.toJS() as Obj).filter((o) => o.kind === "CustomResourceDefinition");
      expect(crds).toHaveLength(3);
      for (const o of crds) expect(crdProblems(o), o.metadata.name).toEqual([]);
    });
  }

  it("rendered CRDs are the published ones but for the listed differences (descriptions, our metadata)", () => {
    expect(CRD_DIFFERENCES).toHaveLength(2);
    const withoutDescriptions = (n: unknown): unknown => {
      if (Array.isArray(n)) return n.map(withoutDescriptions);
      if (typeof n !== "object" || n === null) return n;
      return Object.fromEntries(Object.entries(n).filter(([k]) => k !== "description").map(([k, v]) => [k, withoutDescriptions(v)]));
    };
    const dir = path.join(REFERENCE, "paodin-v1alpha1-crds");
    for (const f of readdirSync(dir)) {
      const published = parse(readFileSync(path.join(dir, f), "utf8")) as Obj;
      const ours = parse(readFileSync(path.join(REPO, "overlays/host", `customresourcedefinition.apiextensions.k8s.io_${published.metadata.name}.yaml`), "utf8")) as Obj;
      expect(withoutDescriptions(ours.spec), f).toEqual(withoutDescriptions(published.spec));
      expect(ours.metadata.name).toBe(published.metadata.name);
    }
  });
});

describe("values as the API server reads them under a CRD schema", () => {
  it("applies allOf/anyOf/oneOf/not as value validations, which prune nothing", async () => {
    const { valueProblems } = await import("../src/check/crd-values.js");
    const either = { type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, oneOf: [{ required: ["a"] }, { required: ["b"] }] };
    expect(valueProblems({ a: "x" }, either)).toEqual([]);
    expect(valueProblems({ a: "x", b: "y" }, either)).toEqual(["<root>: does not satisfy oneOf"]);
    expect(valueProblems({}, either)).toEqual(["<root>: does not satisfy oneOf"]);
    // On a partial object (server-side apply), the merged object is what gets checked.
    expect(valueProblems({}, either, "", { partial: true })).toEqual([]);
    const restated = { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { a: { type: "string" } }, anyOf: [{ properties: { a: { pattern: "^x" } } }], not: { properties: { a: { pattern: "^xx" } } } };
    expect(valueProblems({ a: "xy", other: 1 }, restated)).toEqual([]);
    expect(valueProblems({ a: "yy" }, restated)).toEqual(["<root>: does not satisfy anyOf"]);
    expect(valueProblems({ a: "xx" }, restated)).toEqual(["<root>: must not satisfy not"]);
  });

  it("prunes unknown fields, keeps what preserve-unknown-fields keeps, checks types, nullable and int-or-string", async () => {
    const { valueProblems } = await import("../src/check/crd-values.js");
    const s = {
      type: "object",
      properties: {
        spec: {
          type: "object",
          properties: {
            n: { type: "integer", minimum: 1 },
            port: { "x-kubernetes-int-or-string": true },
            note: { type: "string", nullable: true },
            free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
            tags: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "set" },
          },
        },
      },
    };
    expect(valueProblems({ apiVersion: "a/v1", kind: "K", metadata: { name: "x", whatever: 1 }, spec: { n: 2, port: "http", note: null, free: { any: { thing: 1 } }, tags: ["a", "b"] } }, s)).toEqual([]);
    expect(valueProblems({ spec: { n: 0, port: 1.5, note: 3, extra: 1, tags: ["a", "a"] }, top: 1 }, s)).toEqual([
      "spec.n: below the minimum 1",
      "spec.port: must be an integer or a string",
      "spec.note: must be of type string, got integer",
      "spec.extra: unknown field, pruned by the API server",
      "spec.tags: duplicate entry \"a\"",
      "top: unknown field, pruned by the API server",
    ]);
    expect(valueProblems({ spec: { n: null } }, s)).toEqual(["spec.n: null, dropped by the API server (not nullable, no default)"]);
  });
});
