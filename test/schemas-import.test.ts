import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import AjvModule from "ajv";
import { describe, expect, it } from "vitest";
import { importCrds, schemaFileName, schemaFileNamesOf } from "../src/schemas/import.js";
import { createAjv } from "../src/validate/ajv.js";
import { run, SHARED, testdir } from "./helpers/cli.js";
import { crdObject, crdText, one, validatorFor, version, yamlOf } from "./helpers/crds.js";

const Ajv = AjvModule.default;

const WIDGET_SCHEMA = {
  type: "object",
  description: "A widget.",
  properties: {
    spec: {
      type: "object",
      required: ["size"],
      properties: {
        size: { "x-kubernetes-int-or-string": true, pattern: "^[0-9]+(Mi|Gi)?$" },
        port: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }], nullable: true },
        note: { type: "string", nullable: true },
        mode: { type: "string", enum: ["a", "b"], nullable: true },
        count: { type: "integer", format: "int32", minimum: 0, maximum: 10, exclusiveMaximum: true, example: 3 },
        extra: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { known: { type: "object", properties: { a: { type: "string" } } } } },
        empty: { type: "object" },
        labels: { type: "object", additionalProperties: { type: "string" } },
        tags: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "set" },
        template: { type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true },
        ref: { type: "object", "x-kubernetes-embedded-resource": true, properties: { spec: { type: "object", properties: { x: { type: "string" } } } } },
        either: { type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, oneOf: [{ required: ["a"] }, { required: ["b"] }] },
        items: { type: "array", items: { type: "object", properties: { name: { type: "string" } } } },
        // nullable beside an anyOf, with no type of its own
        choice: { nullable: true, anyOf: [{ type: "string", maxLength: 3 }, { type: "integer" }] },
        strict: { anyOf: [{ type: "string", maxLength: 3 }, { type: "integer" }] },
        // a junctor restating fields of an object that keeps unknown fields: never closed
        open: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { a: { type: "string" } }, anyOf: [{ properties: { a: { pattern: "^x" } } }], allOf: [{ properties: { a: { maxLength: 5 } } }], oneOf: [{ required: ["a"] }], not: { properties: { a: { pattern: "^xx" } } } },
      },
    },
  },
};


function widget() {
  const { files, issues } = importCrds(one(yamlOf(crdObject("Widget", [version("v1", WIDGET_SCHEMA)]))));
  expect(issues).toEqual([]);
  return validatorFor(files, "example.com/widget_v1.json");
}

const W = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", labels: { a: "b" }, annotations: { "x/y": "z" } } };
const withSpec = (spec: Record<string, unknown>) => ({ ...W, spec: { size: 1, ...spec } });

const issueLines = (issues: readonly { severity: string; file?: string; line?: number; col?: number; code: string; message: string }[]) =>
  issues.map((i) => `${i.severity} ${i.code} ${i.file}:${i.line}:${i.col} ${i.message}`);

describe("schemas import: files and names", () => {
  it("writes one schema per served version that has a schema, named and identified by group, kind and version", () => {
    const crd = crdObject("Widget", [version("v1", WIDGET_SCHEMA), version("v2beta1", { type: "object" }), version("v0", { type: "object" }, false)]);
    const { files, issues } = importCrds(one(yamlOf(crd)));
    expect(issues).toEqual([]);
    expect(files.map((f) => f.path)).toEqual(["example.com/widget_v1.json", "example.com/widget_v2beta1.json"]);
    expect(schemaFileNamesOf(crd)).toEqual(files.map((f) => f.path));
    const v2 = JSON.parse(files[1]!.content) as Record<string, unknown>;
    expect(v2).toMatchObject({ $schema: "http://json-schema.org/draft-07/schema#", $id: "example.com/widget_v2beta1.json", title: "Widget (example.com/v2beta1)" });
    expect(schemaFileName("monitoring.paodin.io", "ThanosReceiveIngestor", "v1alpha1")).toBe("monitoring.paodin.io/thanosreceiveingestor_v1alpha1.json");
    expect(schemaFileNamesOf({ apiVersion: "apps/v1", kind: "Deployment" })).toEqual([]);
  });

  it("reads every document of a multi-document file, and the items of a List", () => {
    const text = `# CRDs\n---\n${yamlOf(crdObject("Widget", [version("v1", WIDGET_SCHEMA)]), crdObject("Gadget", [version("v1", { type: "object" })]))}---\n`;
    expect(importCrds(one(text)).files.map((f) => f.path)).toEqual(["example.com/gadget_v1.json", "example.com/widget_v1.json"]);
    const list = yamlOf({ apiVersion: "v1", kind: "List", items: [crdObject("Widget", [version("v1", WIDGET_SCHEMA)]), crdObject("Gadget", [version("v1", { type: "object" })])] });
    const { files, issues } = importCrds(one(list));
    expect(issues).toEqual([]);
    expect(files.map((f) => f.path)).toEqual(["example.com/gadget_v1.json", "example.com/widget_v1.json"]);
  });

  it("is deterministic: the same bytes whatever the order of files and documents, JSON with 2 spaces, sorted keys and a final newline", () => {
    const a = { file: "a.yaml", text: yamlOf(crdObject("Widget", [version("v1", WIDGET_SCHEMA)])) };
    const b = { file: "b.yaml", text: yamlOf(crdObject("Gadget", [version("v1", { type: "object" }), version("v2", WIDGET_SCHEMA)])) };
    const ab = importCrds([a, b]);
    expect(importCrds([b, a])).toEqual(ab);
    expect(importCrds([{ file: "ab.yaml", text: `${b.text}---\n${a.text}` }]).files).toEqual(ab.files);
    // Key order in the CRD does not matter either.
    const reordered = { ...crdObject("Widget", [version("v1", { properties: WIDGET_SCHEMA.properties, description: WIDGET_SCHEMA.description, type: "object" })]) };
    expect(importCrds([{ file: "a.yaml", text: yamlOf(reordered) }]).files).toEqual(importCrds([a]).files);
    const content = ab.files.find((f) => f.path === "example.com/widget_v1.json")!.content;
    expect(content.endsWith("}\n")).toBe(true);
    expect(content.split("\n").slice(0, 7)).toEqual([
      "{",
      '  "$schema": "http://json-schema.org/draft-07/schema#",',
      '  "$id": "example.com/widget_v1.json",',
      '  "title": "Widget (example.com/v1)",',
      '  "description": "A widget.",',
      '  "type": "object",',
      '  "additionalProperties": false,',
    ]);
    const keys = Object.keys((JSON.parse(content) as { properties: Record<string, unknown> }).properties);
    expect(keys).toEqual(["apiVersion", "kind", "metadata", "spec"]);
  });

  it("accepts the same CRD twice, and refuses two different schemas for the same file", () => {
    const a = yamlOf(crdObject("Widget", [version("v1", WIDGET_SCHEMA)]));
    expect(importCrds([{ file: "a.yaml", text: a }, { file: "b.yaml", text: a }]).issues).toEqual([]);
    const { issues } = importCrds([{ file: "b.yaml", text: yamlOf(crdObject("Widget", [version("v1", { type: "object" })])) }, { file: "a.yaml", text: a }]);
    expect(issueLines(issues)).toEqual(["error duplicate-schema b.yaml:12:7 defines example.com/widget_v1.json differently from a.yaml:12:7, which defines it too"]);
  });
});

describe("schemas import: conversion", () => {
  it("rejects unknown fields at every level including the root, and in an object without properties", () => {
    const check = widget();
    expect(check(withSpec({ items: [{ name: "x" }], either: { a: "1" }, empty: {} }))).toBe("ok");
    expect(check({ ...withSpec({}), status: {} })).toContain("must NOT have additional properties"); // unknown at the root
    expect(check(withSpec({ sise: 2 }))).toContain("/spec must NOT have additional properties");
    expect(check(withSpec({ items: [{ nmae: "x" }] }))).toContain("/spec/items/0 must NOT have additional properties");
    expect(check(withSpec({ empty: { a: 1 } }))).toContain("/spec/empty must NOT have additional properties");
    // oneOf branches restate fields; they must not close the object to the other field.
    expect(check(withSpec({ either: { b: "1" } }))).toBe("ok");
    expect(check(withSpec({ either: { a: "1", b: "1" } }))).not.toBe("ok");
  });

  it("keeps objects open where x-kubernetes-preserve-unknown-fields says so, at that level only", () => {
    const check = widget();
    expect(check(withSpec({ extra: { any: { thing: [1, null] }, known: { a: "x" } } }))).toBe("ok");
    expect(check(withSpec({ extra: { known: { b: "x" } } }))).toContain("/spec/extra/known must NOT have additional properties");
    const root = { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { spec: { type: "object", properties: { a: { type: "string" } } } } };
    const { files } = importCrds(one(yamlOf(crdObject("Widget", [version("v1", root)]))));
    const schema = JSON.parse(files[0]!.content) as Record<string, unknown>;
    expect(schema.additionalProperties).toBeUndefined();
    const open = validatorFor(files, "example.com/widget_v1.json");
    expect(open({ ...W, spec: { a: "x" }, anything: 1 })).toBe("ok");
    expect(open({ ...W, spec: { b: "x" } })).toContain("/spec must NOT have additional properties");
    expect(open({ ...W, kind: "Gadget" })).not.toBe("ok");
  });

  it("pins apiVersion and kind at the root, requires them, and leaves metadata to the API server", () => {
    const check = widget();
    expect(check(withSpec({}))).toBe("ok");
    expect(check({ ...withSpec({}), kind: "Gadget" })).toContain("/kind must be equal to constant");
    expect(check({ ...withSpec({}), apiVersion: "example.com/v2" })).toContain("/apiVersion must be equal to constant");
    const { apiVersion: _a, ...noApiVersion } = withSpec({});
    expect(check(noApiVersion)).toContain("must have required property 'apiVersion'");
    expect(check({ ...withSpec({}), metadata: { name: "w", finalizers: ["a"], ownerReferences: [] } })).toBe("ok");
    expect(check({ ...withSpec({}), spec: {} })).toContain("must have required property 'size'");
  });

  it("takes an integer or a string for x-kubernetes-int-or-string, with or without controller-gen's anyOf", () => {
    const check = widget();
    expect(check(withSpec({ size: 3 }))).toBe("ok");
    expect(check(withSpec({ size: "10Gi" }))).toBe("ok");
    expect(check(withSpec({ size: "ten" }))).toContain("/spec/size must match pattern"); // the pattern applies to strings
    expect(check(withSpec({ size: 1.5 }))).not.toBe("ok");
    expect(check(withSpec({ size: true }))).not.toBe("ok");
    expect(check(withSpec({ size: null }))).not.toBe("ok");
    expect(check(withSpec({ port: 80 }))).toBe("ok");
    expect(check(withSpec({ port: "http" }))).toBe("ok");
    expect(check(withSpec({ port: null }))).toBe("ok"); // nullable
    const { files } = importCrds(one(yamlOf(crdObject("Widget", [version("v1", WIDGET_SCHEMA)]))));
    const size = (JSON.parse(files[0]!.content) as { properties: { spec: { properties: Record<string, Record<string, unknown>> } } }).properties.spec.properties.size!;
    expect(size).toEqual({ anyOf: [{ type: "integer" }, { type: "string" }], pattern: "^[0-9]+(Mi|Gi)?$", "x-kubernetes-int-or-string": true });
  });

  it("admits null only where nullable says so, and still checks an enum", () => {
    const check = widget();
    expect(check(withSpec({ note: null }))).toBe("ok");
    expect(check(withSpec({ note: "x" }))).toBe("ok");
    expect(check(withSpec({ count: null }))).toContain("/spec/count must be integer");
    expect(check(withSpec({ mode: "a" }))).toBe("ok");
    expect(check(withSpec({ mode: "c" }))).not.toBe("ok");
    // The API server runs the enum check on null too; so does the schema.
    expect(check(withSpec({ mode: null }))).toContain("/spec/mode must be equal to one of the allowed values");
  });

  it("admits null beside an anyOf only where nullable says so", () => {
    const check = widget();
    expect(check(withSpec({ choice: null }))).toBe("ok");
    expect(check(withSpec({ choice: "abc" }))).toBe("ok");
    expect(check(withSpec({ choice: 7 }))).toBe("ok");
    expect(check(withSpec({ choice: "abcd" }))).not.toBe("ok");
    expect(check(withSpec({ strict: null }))).not.toBe("ok");
    expect(check(withSpec({ strict: 7 }))).toBe("ok");
  });

  it("never closes an object inside allOf, anyOf, oneOf or not: those only restate fields", () => {
    const check = widget();
    expect(check(withSpec({ open: { a: "xy", other: 1 } }))).toBe("ok");
    expect(check(withSpec({ open: { a: "yy", other: 1 } }))).not.toBe("ok");
    expect(check(withSpec({ open: { a: "xyzzy1" } }))).not.toBe("ok");
    expect(check(withSpec({ open: { a: "xx" } }))).not.toBe("ok");
    expect(check(withSpec({ open: { other: 1 } }))).not.toBe("ok");
    // And the object the junctors restate still refuses what it does not know where it is closed.
    expect(check(withSpec({ either: { a: "1", c: "2" } }))).toContain("/spec/either must NOT have additional properties");
  });

  it("requires apiVersion and kind in an embedded resource, as the API server does, and not metadata", () => {
    const check = widget();
    expect(check(withSpec({ template: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [] } } }))).toBe("ok");
    expect(check(withSpec({ template: { apiVersion: "apps/v1", kind: "Deployment" } }))).toBe("ok");
    expect(check(withSpec({ template: { kind: "Pod" } }))).toContain("/spec/template must have required property 'apiVersion'");
    expect(check(withSpec({ template: { apiVersion: "v1" } }))).toContain("/spec/template must have required property 'kind'");
    expect(check(withSpec({ template: { apiVersion: "a/b/c", kind: "Pod" } }))).toContain("/spec/template/apiVersion must match pattern");
    expect(check(withSpec({ template: { apiVersion: "v1", kind: "" } }))).not.toBe("ok");
    // Without preserve-unknown-fields: its own fields plus the implicit apiVersion, kind and metadata.
    expect(check(withSpec({ ref: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, spec: { x: "1" } } }))).toBe("ok");
    expect(check(withSpec({ ref: { apiVersion: "v1", kind: "ConfigMap", data: {} } }))).toContain("/spec/ref must NOT have additional properties");
  });

  it("turns OpenAPI 3.0 keywords into draft-07 ones and keeps Kubernetes' extensions", () => {
    const check = widget();
    expect(check(withSpec({ count: 9 }))).toBe("ok");
    expect(check(withSpec({ count: 10 }))).toContain("/spec/count must be < 10");
    expect(check(withSpec({ tags: ["a", "b"] }))).toBe("ok");
    expect(check(withSpec({ tags: ["a", "a"] }))).toContain("must NOT have duplicate items"); // list-type set
    expect(check(withSpec({ labels: { any: "x" } }))).toBe("ok");
    expect(check(withSpec({ labels: { any: 1 } }))).not.toBe("ok");
    const { files } = importCrds(one(yamlOf(crdObject("Widget", [version("v1", WIDGET_SCHEMA)]))));
    const spec = (JSON.parse(files[0]!.content) as { properties: { spec: { properties: Record<string, Record<string, unknown>> } } }).properties.spec.properties;
    expect(spec.count).toEqual({ type: "integer", examples: [3], exclusiveMaximum: 10, format: "int32", minimum: 0 });
    expect(spec.tags).toEqual({ type: "array", items: { type: "string" }, uniqueItems: true, "x-kubernetes-list-type": "set" });
    expect(spec.template).toMatchObject({ "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true });
    expect(spec.note).toEqual({ type: ["string", "null"] });
  });

  it("refuses what the API server refuses in a CRD schema, and drops keys that are no keyword, with a warning", () => {
    const text = crdText(`type: object
properties:
  spec:
    $ref: '#/definitions/Spec'
    typo: 1
`);
    const { files, issues } = importCrds(one(text));
    expect(files).toEqual([]);
    expect(issueLines(issues)).toEqual([
      "error crd-unsupported crd.yaml:18:13 $ref is not allowed in a CustomResourceDefinition schema (the API server refuses it)",
      'warning unknown-field crd.yaml:19:13 "typo" is not a keyword of a CustomResourceDefinition schema: the API server drops it, and so does this import',
    ]);
  });
});

describe("schemas import: what is not a CRD", () => {
  it("says what a document is instead, where, and that the file holds no CRD", () => {
    const { files, issues } = importCrds([{ file: "deploy.yaml", text: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n" }]);
    expect(files).toEqual([]);
    expect(issueLines(issues)).toEqual([
      "error not-a-crd deploy.yaml:1:1 holds no CustomResourceDefinition, so there is nothing to import from it",
      "error not-a-crd deploy.yaml:2:7 is a Deployment (apps/v1), not a CustomResourceDefinition",
    ]);
    expect(issues[1]!.path).toEqual([]);
  });

  it("reports every problem of every file at once, CRDs among other objects included", () => {
    const small = yamlOf(crdObject("Widget", [version("v1", { type: "object" })]));
    const proto = `${yamlOf(crdObject("Gadget", [version("v1", { type: "object" })]))}          properties:\n            __proto__: { type: string }\n`;
    const { files, issues } = importCrds([
      { file: "bundle.yaml", text: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n---\n${small}---\n- just\n- a list\n---\nkind: Thing\n---\nnull\n` },
      { file: "list.yaml", text: "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n" },
      { file: "noschema.yaml", text: yamlOf(crdObject("Widget", [{ name: "v1", served: true, storage: true }])) },
      { file: "unserved.yaml", text: yamlOf(crdObject("Gadget", [version("v1", { type: "object" }, false)])) },
      { file: "empty.yaml", text: "# nothing here\n---\n" },
      { file: "blank.yaml", text: "" },
      { file: "broken.yaml", text: "kind: [\n" },
      { file: "beta.yaml", text: "apiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\nspec:\n  group: example.com\n" },
      { file: "proto.yaml", text: proto },
    ]);
    expect(files.map((f) => f.path)).toEqual(["example.com/widget_v1.json"]);
    expect(issueLines(issues)).toEqual([
      "error unknown-api-version beta.yaml:1:13 is an apiextensions.k8s.io/v1beta1 CustomResourceDefinition, which is not imported: Kubernetes 1.22 removed that API and its schemas need not be structural. A cluster that has the CRD serves it as apiextensions.k8s.io/v1: import the output of `kubectl get crd <name> -o yaml`",
      "error file-empty blank.yaml:1:1 has no YAML documents, so no CustomResourceDefinition to import",
      "error yaml-syntax broken.yaml:2:1 YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
      "error not-a-crd bundle.yaml:2:7 is a Namespace (v1), not a CustomResourceDefinition",
      "error not-a-crd bundle.yaml:24:1 is a list, not a Kubernetes object",
      "error not-a-crd bundle.yaml:27:7 is a Thing, not a CustomResourceDefinition",
      "error file-empty empty.yaml:1:1 has no YAML documents, so no CustomResourceDefinition to import",
      "error not-a-crd list.yaml:1:1 holds no CustomResourceDefinition, so there is nothing to import from it",
      "error not-a-crd list.yaml:5:9 is a ConfigMap (v1), not a CustomResourceDefinition",
      "error crd-no-schema noschema.yaml:12:7 version v1 is served but has no schema.openAPIV3Schema to import",
      'error forbidden-key proto.yaml:19:13 the key "__proto__" is refused: it could reach into an object\'s prototype',
      "error crd-no-schema unserved.yaml:12:5 serves no version (no spec.versions[*].served: true), so there is nothing to import",
    ]);
  });

  it("refuses names that are not what Kubernetes allows, so that no path leaves the output directory", () => {
    const bad = crdObject("Widget", [version("v1", { type: "object" }), version("../../x", { type: "object" })]);
    (bad.spec as Record<string, unknown>).group = "../../etc";
    const { files, issues } = importCrds(one(yamlOf(bad)));
    expect(files).toEqual([]);
    expect(issues.map((i) => `${i.code} ${i.message}`)).toEqual([
      'invalid-name spec.group "../../etc" is not a DNS subdomain with at least one dot, as Kubernetes requires',
      'invalid-name version name "../../x" is not a DNS-1035 label, as Kubernetes requires',
    ]);
    expect(schemaFileNamesOf(bad)).toEqual([]);
  });

  it("never throws on hostile or odd input", () => {
    const odd = ["null", "42", "[]", "kind: CustomResourceDefinition\napiVersion: apiextensions.k8s.io/v1\n", "kind: CustomResourceDefinition\napiVersion: apiextensions.k8s.io/v1\nspec: {group: a.b, names: {kind: A}, versions: [null, {name: v1, served: true, schema: {openAPIV3Schema: {properties: [], items: [1], allOf: 3, not: 1, exclusiveMaximum: 2}}}]}\n", "a: &a [*a]\n", `${"[".repeat(300)}${"]".repeat(300)}\n`];
    for (const text of odd) {
      const { issues } = importCrds(one(text));
      expect(issues.filter((i) => i.severity === "error").length).toBeGreaterThan(0);
    }
  });
});

const crdDir = path.join(SHARED, "reference", "paodin-v1alpha1-crds");
describe.skipIf(!existsSync(crdDir))("schemas import: the operator's published CRDs", () => {
  const inputs = existsSync(crdDir) ? readdirSync(crdDir).map((f) => ({ file: f, text: readFileSync(path.join(crdDir, f), "utf8") })) : [];
  const { files, issues } = importCrds(inputs);
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const f of ["int32", "int64"]) ajv.addFormat(f, { type: "number", validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat("byte", /^[A-Za-z0-9+/]*={0,2}$/);
  ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i);
  for (const f of files) ajv.addSchema(JSON.parse(f.content) as object, f.path);
  const object = (kind: string, spec: unknown, extra: Record<string, unknown> = {}) => ({ apiVersion: "monitoring.paodin.io/v1alpha1", kind, metadata: { name: "x", namespace: "kubesphere-monitoring-system" }, spec, ...extra });
  const check = (id: string, o: unknown) => {
    const validate = ajv.getSchema(id)!;
    return validate(o) ? "ok" : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join("; ");
  };
  const SERVICE = "monitoring.paodin.io/service_v1alpha1.json";

  it("imports all three without a problem, and the result compiles in the project's strict ajv", () => {
    expect(issues).toEqual([]);
    expect(files.map((f) => f.path)).toEqual([SERVICE, "monitoring.paodin.io/store_v1alpha1.json", "monitoring.paodin.io/thanosreceiveingestor_v1alpha1.json"]);
    const strict = createAjv(new Map(files.map((f) => [f.path, JSON.parse(f.content) as Record<string, unknown>])));
    for (const f of files) expect(strict.getSchema(f.path)).toBeDefined();
  });

  it("accepts the manual's Central Service and refuses its Scattered mistake and unknown fields", () => {
    const central = { tenantHeader: "cluster", defaultTenantId: "unknown", tenantLabelName: "cluster", gateway: {}, thanos: { query: { replicaLabelNames: ["prometheus_replica", "receive_replica", "thanos_ruler_replica"] }, receiveRouter: { replicationFactor: 2 } } };
    expect(check(SERVICE, object("Service", central))).toBe("ok");
    expect(check(SERVICE, object("Service", { stores: [{ addresses: ["prometheus-operated:10901"] }] }))).toContain("/spec must NOT have additional properties");
    expect(check(SERVICE, object("Service", { thanos: { query: { stores: [{ addresses: ["prometheus-operated:10901"] }] } } }))).toBe("ok");
    expect(check(SERVICE, object("Service", central, { extra: 1 }))).toContain("must NOT have additional properties");
    expect(check(SERVICE, object("Service", { gateway: { tolerations: [{ key: "a", effect: "NoSchedule" }] } }))).toBe("ok");
    expect(check(SERVICE, object("Service", { gateway: { tolerations: [{ efect: "NoSchedule" }] } }))).toContain("/spec/gateway/tolerations/0 must NOT have additional properties");
    expect(check(SERVICE, { ...object("Service", central), kind: "Store" })).not.toBe("ok");
  });
});

describe("schemas import: the command", () => {
  it("writes the schemas and refuses a file that holds no CRD", async () => {
    const { dir, cleanup } = testdir({ "crds.yaml": yamlOf(crdObject("Widget", [version("v1", WIDGET_SCHEMA)])), "other.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n" });
    try {
      const ok = await run(["schemas", "import", "crds.yaml", "--out", "out"], dir);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain("out/example.com/widget_v1.json");
      expect(existsSync(path.join(dir, "out/example.com/widget_v1.json"))).toBe(true);
      const bad = await run(["schemas", "import", "other.yaml"], dir);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("other.yaml:2:7 is a ConfigMap (v1), not a CustomResourceDefinition");
    } finally {
      cleanup();
    }
  });
});
