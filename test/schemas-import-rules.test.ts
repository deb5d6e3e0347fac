// `paodin-fleet schemas import`, rule by rule: what a CRD must be for the API server to accept it
// (and so for the import to read it), what each OpenAPI keyword becomes, and the exact bytes
// written. The oracle is the API server (k8s.io/apiextensions-apiserver):
// pkg/apis/apiextensions/validation/validation.go (names, versions, refused keywords) and
// pkg/apiserver/schema/ (structural schemas, pruning, nullable, int-or-string, embedded resources).
import { describe, expect, it } from "vitest";
import { formatIssue } from "../src/diagnostics/format.js";
import { importCrds, schemaFileNamesOf } from "../src/schemas/import.js";
import { LIMITS } from "../src/load/limits.js";
import { crdObject, crdText, one, validatorFor, version, yamlOf } from "./helpers/crds.js";

type Obj = Record<string, unknown>;

const OBJ = { type: "object" };

/** Every issue as the user reads it: severity, code, then `file:line:col path: message` as the CLI prints it. */
const lines = (issues: readonly Parameters<typeof formatIssue>[0][]) => issues.map((i) => `${i.severity} ${i.code} ${formatIssue(i)}`);

function imported(text: string, file = "crd.yaml") {
  const { files, issues } = importCrds(one(text, file));
  return { paths: files.map((f) => f.path), lines: lines(issues), files };
}

/** The written schema of a one-version CRD whose openAPIV3Schema is `root`; no issue expected. */
function rootOf(root: unknown): Obj {
  const { files, issues } = importCrds(one(yamlOf(crdObject("Widget", [version("v1", root)]))));
  expect(lines(issues)).toEqual([]);
  expect(files.map((f) => f.path)).toEqual(["example.com/widget_v1.json"]);
  return JSON.parse(files[0]!.content) as Obj;
}

/** The written schema of `spec`, given as the schema of the root's `spec` property. */
const specOf = (spec: unknown): unknown => (rootOf({ type: "object", properties: { spec } }).properties as Obj).spec;

/** The issues of a one-version CRD whose openAPIV3Schema is given as YAML text (indented under it). */
function schemaIssues(schemaYaml: string): { paths: string[]; lines: string[] } {
  const r = imported(crdText(schemaYaml));
  return { paths: r.paths, lines: r.lines };
}

const checkerOf = (root: unknown) => {
  const { files, issues } = importCrds(one(yamlOf(crdObject("Widget", [version("v1", root)]))));
  expect(lines(issues)).toEqual([]);
  return validatorFor(files, "example.com/widget_v1.json");
};
const W = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } };

// ---------------------------------------------------------------------------------------------

describe("schemas import rules: files that are not CRD manifests", () => {
  it("refuses a file over the size limit without reading it, and reads one of exactly the limit", () => {
    const big = `#${"x".repeat(LIMITS.fileBytes)}`;
    expect(imported(big, "big.yaml").lines).toEqual([`error file-too-large big.yaml:1:1 is ${LIMITS.fileBytes + 1} characters, more than the limit of ${LIMITS.fileBytes}`]);
    const crd = yamlOf(crdObject("Widget", [version("v1", OBJ)]));
    const exact = `${crd}#${"x".repeat(LIMITS.fileBytes - crd.length - 2)}\n`;
    expect(exact.length).toBe(LIMITS.fileBytes);
    const r = imported(exact);
    expect(r.lines).toEqual([]);
    expect(r.paths).toEqual(["example.com/widget_v1.json"]);
  });

  it("refuses a file with more YAML documents than the limit, and only that", () => {
    const n = LIMITS.documentsPerFile + 1;
    expect(imported("---\n".repeat(n), "many.yaml").lines).toEqual([`error yaml-too-many-documents many.yaml:1:1 has ${n} YAML documents, more than the limit of ${LIMITS.documentsPerFile}`]);
  });

  it("refuses a document whose aliases expand past the limit, and does not add that the file holds no CRD", () => {
    const aliases = `a: &a [x, y]\nb: [${Array.from({ length: LIMITS.aliasesPerDocument + 1 }, () => "*a").join(", ")}]\n`;
    const r = imported(`${aliases}---\n${yamlOf(crdObject("Widget", [version("v1", OBJ)]))}`, "alias.yaml");
    expect(r.lines).toEqual(["error yaml-aliases alias.yaml:1:1 YAML aliases expand to too much data (limit 100 expansions per document): Excessive alias count indicates a resource exhaustion attack"]);
    expect(r.paths).toEqual(["example.com/widget_v1.json"]);
    expect(imported(aliases, "alias.yaml").lines).toEqual(r.lines);
    // Beside another object: that one is not a CRD, but the file may hold one the aliases hide.
    expect(imported(`${aliases}---\nkind: Thing\n`, "alias.yaml").lines).toEqual([...r.lines, "error not-a-crd alias.yaml:4:7 is a Thing, not a CustomResourceDefinition"]);
  });

  it("skips empty documents (`---`, comments, `null`) and still reads the rest", () => {
    const crd = yamlOf(crdObject("Widget", [version("v1", OBJ)]));
    const r = imported(`---\n# a comment\n---\n${crd}---\nnull\n---\n`);
    expect(r.lines).toEqual([]);
    expect(r.paths).toEqual(["example.com/widget_v1.json"]);
    expect(imported("---\n---\nnull\n", "e.yaml").lines).toEqual(["error file-empty e.yaml:1:1 has no YAML documents, so no CustomResourceDefinition to import"]);
  });

  it("says what a document is when it is no object, no kind, or another kind, and that the file holds no CRD", () => {
    const cases: [string, string[]][] = [
      ["42\n", ["error not-a-crd f.yaml:1:1 holds no CustomResourceDefinition, so there is nothing to import from it", "error not-a-crd f.yaml:1:1 is a number, not a Kubernetes object"]],
      ["hello\n", ["error not-a-crd f.yaml:1:1 holds no CustomResourceDefinition, so there is nothing to import from it", "error not-a-crd f.yaml:1:1 is a string, not a Kubernetes object"]],
      ["true\n", ["error not-a-crd f.yaml:1:1 holds no CustomResourceDefinition, so there is nothing to import from it", "error not-a-crd f.yaml:1:1 is a boolean, not a Kubernetes object"]],
      ["- a\n", ["error not-a-crd f.yaml:1:1 holds no CustomResourceDefinition, so there is nothing to import from it", "error not-a-crd f.yaml:1:1 is a list, not a Kubernetes object"]],
      ["apiVersion: v1\nmetadata: {}\n", ["error not-a-crd f.yaml:1:1 has no kind, so it is not a CustomResourceDefinition", "error not-a-crd f.yaml:1:1 holds no CustomResourceDefinition, so there is nothing to import from it"]],
      ["kind: 7\n", ["error not-a-crd f.yaml:1:1 has no kind, so it is not a CustomResourceDefinition", "error not-a-crd f.yaml:1:1 holds no CustomResourceDefinition, so there is nothing to import from it"]],
      ["apiVersion: 1\nkind: Thing\n", ["error not-a-crd f.yaml:1:1 holds no CustomResourceDefinition, so there is nothing to import from it", "error not-a-crd f.yaml:2:7 is a Thing, not a CustomResourceDefinition"]],
      // A list kind other than List and CustomResourceDefinitionList is not opened.
      ["apiVersion: v1\nkind: PodList\nitems:\n- kind: CustomResourceDefinition\n", ["error not-a-crd f.yaml:1:1 holds no CustomResourceDefinition, so there is nothing to import from it", "error not-a-crd f.yaml:2:7 is a PodList (v1), not a CustomResourceDefinition"]],
      // A List without a list of items is an object like another.
      ["apiVersion: v1\nkind: List\nitems: {}\n", ["error not-a-crd f.yaml:1:1 holds no CustomResourceDefinition, so there is nothing to import from it", "error not-a-crd f.yaml:2:7 is a List (v1), not a CustomResourceDefinition"]],
      ["apiVersion: v1\nkind: List\n", ["error not-a-crd f.yaml:1:1 holds no CustomResourceDefinition, so there is nothing to import from it", "error not-a-crd f.yaml:2:7 is a List (v1), not a CustomResourceDefinition"]],
      // Inside a List: the position is the item's kind, or the item itself; the path is the item's.
      [
        "apiVersion: v1\nkind: List\nitems:\n- null\n- 3\n- [x]\n- {kind: ConfigMap, apiVersion: v1}\n- {a: 1}\n",
        [
          "error not-a-crd f.yaml:1:1 holds no CustomResourceDefinition, so there is nothing to import from it",
          "error not-a-crd f.yaml:4:3 items[0]: is null, not a Kubernetes object",
          "error not-a-crd f.yaml:5:3 items[1]: is a number, not a Kubernetes object",
          "error not-a-crd f.yaml:6:3 items[2]: is a list, not a Kubernetes object",
          "error not-a-crd f.yaml:7:10 items[3]: is a ConfigMap (v1), not a CustomResourceDefinition",
          "error not-a-crd f.yaml:8:3 items[4]: has no kind, so it is not a CustomResourceDefinition",
        ],
      ],
      // An empty List holds nothing: no object, so nothing to say but that.
      ["apiVersion: v1\nkind: List\nitems: []\n", []],
    ];
    for (const [text, expected] of cases) expect(imported(text, "f.yaml").lines, text).toEqual(expected);
  });

  it("reads the items of a List and of a CustomResourceDefinitionList, the API's own list kind", () => {
    for (const kind of ["List", "CustomResourceDefinitionList"]) {
      const list = { apiVersion: "apiextensions.k8s.io/v1", kind, items: [crdObject("Widget", [version("v1", OBJ)]), crdObject("Gadget", [version("v1", OBJ)])] };
      const r = imported(yamlOf(list));
      expect(r.lines).toEqual([]);
      expect(r.paths).toEqual(["example.com/gadget_v1.json", "example.com/widget_v1.json"]);
    }
  });

  it("says that a file holds no CRD only when no object of it is one", () => {
    const crd = yamlOf(crdObject("Widget", [version("v1", OBJ)]));
    expect(imported(`${crd}---\nkind: Thing\n`).lines).toEqual(["error not-a-crd crd.yaml:19:7 is a Thing, not a CustomResourceDefinition"]);
    expect(imported(`kind: Thing\n---\n${crd}`).lines).toEqual(["error not-a-crd crd.yaml:1:7 is a Thing, not a CustomResourceDefinition"]);
    // Two CRDs, one refused: the file does hold CRDs.
    const bad = yamlOf(crdObject("Gadget", [version("v1", OBJ)], {}, "nodot"));
    expect(imported(`${crd}---\n${bad}`).lines).toEqual(['error invalid-name crd.yaml:24:10 spec.group: spec.group "nodot" is not a DNS subdomain with at least one dot, as Kubernetes requires']);
    // A syntax error: that is what is wrong, not that there is no CRD.
    expect(imported("kind: Thing\n---\nkind: [\n").lines).toEqual([
      "error not-a-crd crd.yaml:1:7 is a Thing, not a CustomResourceDefinition",
      "error yaml-syntax crd.yaml:4:1 YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ]);
  });
});

describe("schemas import rules: what a CustomResourceDefinition must hold", () => {
  it("imports apiextensions.k8s.io/v1 only, and says which apiVersion it found", () => {
    const other = { ...crdObject("Widget", [version("v1", OBJ)]), apiVersion: "apiextensions.k8s.io/v2" };
    expect(imported(yamlOf(other)).lines).toEqual(["error unknown-api-version crd.yaml:1:13 apiVersion: is a CustomResourceDefinition of apiextensions.k8s.io/v2; only apiextensions.k8s.io/v1 is imported"]);
    const { apiVersion: _a, ...none } = crdObject("Widget", [version("v1", OBJ)]);
    expect(imported(yamlOf(none)).lines).toEqual(["error unknown-api-version crd.yaml:1:1 apiVersion: is a CustomResourceDefinition of no apiVersion; only apiextensions.k8s.io/v1 is imported"]);
    expect(imported(yamlOf({ ...none, apiVersion: 1 })).lines).toEqual(["error unknown-api-version crd.yaml:17:13 apiVersion: is a CustomResourceDefinition of no apiVersion; only apiextensions.k8s.io/v1 is imported"]);
    expect(schemaFileNamesOf(other)).toEqual([]);
  });

  it("names the files of a CRD only when the API server would accept its names, sorted", () => {
    const crd = crdObject("Widget", [version("v2", OBJ), version("v1", OBJ), version("v3", OBJ, false), { name: "v4", served: true }, version("Bad_1", OBJ)]);
    expect(schemaFileNamesOf(crd)).toEqual(["example.com/widget_v1.json", "example.com/widget_v2.json"]);
    expect(schemaFileNamesOf({ ...crd, kind: "CustomResourceDefinitionList" })).toEqual([]);
    expect(schemaFileNamesOf({ ...crd, apiVersion: "apiextensions.k8s.io/v1beta1" })).toEqual([]);
    for (const odd of [null, undefined, 3, "crd", [crd]]) expect(schemaFileNamesOf(odd)).toEqual([]);
    expect(schemaFileNamesOf(crdObject("Widget", [version("v1", OBJ)], {}, "nodot"))).toEqual([]);
    expect(schemaFileNamesOf(crdObject("Wid_get", [version("v1", OBJ)]))).toEqual([]);
    const spec = crd.spec as Obj;
    expect(schemaFileNamesOf({ ...crd, spec: { ...spec, group: undefined } })).toEqual([]);
    expect(schemaFileNamesOf({ ...crd, spec: { ...spec, names: {} } })).toEqual([]);
    expect(schemaFileNamesOf({ ...crd, spec: { ...spec, group: 7, names: { kind: 7 } } })).toEqual([]);
    expect(schemaFileNamesOf(crdObject("Widget", [version("v1", "not a schema")]))).toEqual([]);
  });

  it("accepts every group, kind and version the API server accepts, at the length limits", () => {
    // validation.go: spec.group is a DNS-1123 subdomain (<= 253) with at least one dot;
    // names.kind lowercased and every version name are DNS-1035 labels (<= 63).
    const g253 = `${"a".repeat(249)}.com`;
    const cases: [string, string, string, string][] = [
      ["a.b.io.x", "Widget", "v1", "a.b.io.x/widget_v1.json"],
      ["x-1.io", "Widget", "v1", "x-1.io/widget_v1.json"],
      ["0.example.com", "Widget", "v1", "0.example.com/widget_v1.json"],
      [g253, "Widget", "v1", `${g253}/widget_v1.json`],
      ["example.com", "X", "v", "example.com/x_v.json"],
      ["example.com", `W${"a".repeat(62)}`, "v1", `example.com/w${"a".repeat(62)}_v1.json`],
      ["example.com", "Wid-9get", `v${"1".repeat(62)}`, `example.com/wid-9get_v${"1".repeat(62)}.json`],
      ["example.com", "WIDGET", "v1-alpha", "example.com/widget_v1-alpha.json"],
    ];
    for (const [group, kind, v, path] of cases) {
      const crd = crdObject(kind, [version(v, OBJ)], {}, group);
      const r = imported(yamlOf(crd));
      expect(r.lines, `${group} ${kind} ${v}`).toEqual([]);
      expect(r.paths).toEqual([path]);
      expect(schemaFileNamesOf(crd)).toEqual([path]);
    }
  });

  it("refuses every group, kind and version the API server refuses, where it is written", () => {
    const groupMsg = (g: string) => `error invalid-name crd.yaml:6:10 spec.group: spec.group "${g}" is not a DNS subdomain with at least one dot, as Kubernetes requires`;
    const kindMsg = (k: string) => `error invalid-name crd.yaml:8:11 spec.names.kind: spec.names.kind "${k}" is not a DNS-1035 label in any case (a letter, then letters, digits or '-'), as Kubernetes requires`;
    const versionMsg = (v: string) => `error invalid-name crd.yaml:12:13 spec.versions[0].name: version name "${v}" is not a DNS-1035 label, as Kubernetes requires`;
    const g254 = `${"a".repeat(250)}.com`;
    const cases: [Obj, string][] = [
      [crdObject("Widget", [version("v1", OBJ)], {}, "example"), groupMsg("example")],
      [crdObject("Widget", [version("v1", OBJ)], {}, "example.com-"), groupMsg("example.com-")],
      [crdObject("Widget", [version("v1", OBJ)], {}, "Example.com"), groupMsg("Example.com")],
      [crdObject("Widget", [version("v1", OBJ)], {}, "example..com"), groupMsg("example..com")],
      [crdObject("Widget", [version("v1", OBJ)], {}, g254), groupMsg(g254)],
      [crdObject("Wid_get", [version("v1", OBJ)]), kindMsg("Wid_get")],
      [crdObject("Widget-", [version("v1", OBJ)]), kindMsg("Widget-")],
      [crdObject("1Widget", [version("v1", OBJ)]), kindMsg("1Widget")],
      [crdObject(`W${"a".repeat(63)}`, [version("v1", OBJ)]), kindMsg(`W${"a".repeat(63)}`)],
      [crdObject("Widget", [version("V1", OBJ)]), versionMsg("V1")],
      [crdObject("Widget", [version("v1-", OBJ)]), versionMsg("v1-")],
      [crdObject("Widget", [version("v1.0", OBJ)]), versionMsg("v1.0")],
      [crdObject("Widget", [version("1v", OBJ)]), versionMsg("1v")],
      [crdObject("Widget", [version(`v${"1".repeat(63)}`, OBJ)]), versionMsg(`v${"1".repeat(63)}`)],
    ];
    for (const [crd, line] of cases) {
      const r = imported(yamlOf(crd));
      expect(r.lines, line).toEqual([line]);
      expect(r.paths).toEqual([]);
      expect(schemaFileNamesOf(crd)).toEqual([]);
    }
  });

  it("says what is missing: group, kind, versions; and a version name that is not a string", () => {
    const text = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: x\nspec:\n  scope: Namespaced\n  names: { plural: xs }\n";
    expect(imported(text).lines).toEqual([
      "error missing-field crd.yaml:6:3 spec.group: has no spec.group (a string)",
      "error missing-field crd.yaml:6:3 spec: has no spec.versions list",
      "error missing-field crd.yaml:7:10 spec.names: has no spec.names.kind (a string)",
    ]);
    expect(imported("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n").lines).toEqual([
      "error missing-field crd.yaml:1:1 spec.group: has no spec.group (a string)",
      "error missing-field crd.yaml:1:1 spec.names: has no spec.names.kind (a string)",
      "error missing-field crd.yaml:1:1 spec: has no spec.versions list",
    ]);
    const nameless = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec:\n  group: example.com\n  names: {kind: Widget}\n  versions:\n  - served: true\n    schema: {openAPIV3Schema: {type: object}}\n  - name: 2\n    served: true\n";
    expect(imported(nameless).lines).toEqual([
      "error invalid-name crd.yaml:7:5 spec.versions[0].name: version name null is not a DNS-1035 label, as Kubernetes requires",
      "error invalid-name crd.yaml:9:11 spec.versions[1].name: version name 2 is not a DNS-1035 label, as Kubernetes requires",
    ]);
  });

  it("reads served versions only, and needs a schema mapping for each", () => {
    // An unserved version is not imported, whatever its name or schema.
    const r = imported(yamlOf(crdObject("Widget", [version("v1", OBJ), { name: "Bad_Name", served: false }, { name: "v0" }])));
    expect(r.lines).toEqual([]);
    expect(r.paths).toEqual(["example.com/widget_v1.json"]);
    expect(imported(yamlOf(crdObject("Widget", [version("v1", OBJ, false), { name: "v2", served: "true", schema: { openAPIV3Schema: OBJ } }]))).lines).toEqual([
      "error crd-no-schema crd.yaml:12:5 spec.versions: serves no version (no spec.versions[*].served: true), so there is nothing to import",
    ]);
    expect(imported(yamlOf(crdObject("Widget", []))).lines).toEqual(["error crd-no-schema crd.yaml:11:13 spec.versions: serves no version (no spec.versions[*].served: true), so there is nothing to import"]);
    const notMapping = imported(yamlOf(crdObject("Widget", [version("v1", OBJ), version("v2", "text"), version("v3", [OBJ]), version("v4", null)])));
    expect(notMapping.lines).toEqual([
      "error crd-no-schema crd.yaml:22:26 spec.versions[1].schema.openAPIV3Schema: version v2: schema.openAPIV3Schema is not a mapping",
      "error crd-no-schema crd.yaml:28:11 spec.versions[2].schema.openAPIV3Schema: version v3: schema.openAPIV3Schema is not a mapping",
      "error crd-no-schema crd.yaml:33:26 spec.versions[3].schema.openAPIV3Schema: version v4: schema.openAPIV3Schema is not a mapping",
    ]);
    expect(notMapping.paths).toEqual([]);
    expect(imported(yamlOf(crdObject("Widget", [version("v1", OBJ), { name: "v2", served: true, schema: "x" }]))).lines).toEqual([
      "error crd-no-schema crd.yaml:18:7 spec.versions[1]: version v2 is served but has no schema.openAPIV3Schema to import",
    ]);
  });

  it("warns that spec.preserveUnknownFields: true keeps unknown fields in the cluster, and still imports", () => {
    const r = imported(yamlOf(crdObject("Widget", [version("v1", OBJ)], { preserveUnknownFields: true })));
    expect(r.lines).toEqual([
      "warning unknown-field crd.yaml:18:26 spec.preserveUnknownFields: warning is true: the API server keeps unknown fields of this kind (legacy behaviour); the imported schemas reject them anyway, since the operator ignores them",
    ]);
    expect(r.paths).toEqual(["example.com/widget_v1.json"]);
    expect(imported(yamlOf(crdObject("Widget", [version("v1", OBJ)], { preserveUnknownFields: false }))).lines).toEqual([]);
  });

  it("writes no schema for a version with an error, whatever warnings come before it, and one for a version with warnings only", () => {
    const warnOnly = { type: "object", typo: 1 };
    const broken = { type: "object", $ref: "#/x" };
    const r = imported(yamlOf(crdObject("Widget", [version("v1", warnOnly), version("v2", broken)], { preserveUnknownFields: true })));
    expect(r.lines).toEqual([
      'warning unknown-field crd.yaml:18:11 spec.versions[0].schema.openAPIV3Schema.typo: warning "typo" is not a keyword of a CustomResourceDefinition schema: the API server drops it, and so does this import',
      "error crd-unsupported crd.yaml:25:11 spec.versions[1].schema.openAPIV3Schema.$ref: $ref is not allowed in a CustomResourceDefinition schema (the API server refuses it)",
      "warning unknown-field crd.yaml:26:26 spec.preserveUnknownFields: warning is true: the API server keeps unknown fields of this kind (legacy behaviour); the imported schemas reject them anyway, since the operator ignores them",
    ]);
    expect(r.paths).toEqual(["example.com/widget_v1.json"]);
    const warned = imported(yamlOf(crdObject("Widget", [version("v1", warnOnly)])));
    expect(warned.paths).toEqual(["example.com/widget_v1.json"]);
    expect(JSON.parse(warned.files[0]!.content)).not.toHaveProperty("typo");
  });
});

describe("schemas import rules: schema keywords", () => {
  it("keeps every JSONSchemaProps keyword the API server keeps, as written", () => {
    const kept = {
      type: "array",
      title: "Things",
      description: "Some things.",
      default: ["a"],
      maxItems: 5,
      minItems: 1,
      uniqueItems: false,
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
      "x-kubernetes-validations": [{ rule: "self.size() > 0", message: "empty" }],
      items: {
        type: "object",
        required: ["name"],
        maxProperties: 4,
        minProperties: 1,
        "x-kubernetes-map-type": "atomic",
        properties: {
          name: { type: "string", format: "hostname", minLength: 1, maxLength: 9, pattern: "^[a-z]+$", enum: ["a", "b"] },
          n: { type: "number", multipleOf: 0.5, minimum: 1, maximum: 9 },
        },
      },
    };
    expect(specOf(kept)).toEqual({ ...kept, items: { ...kept.items, additionalProperties: false } });
  });

  it("refuses each keyword the API server refuses in a CRD schema, where it is written", () => {
    // validation.go (ValidateCustomResourceDefinitionOpenAPISchema) and NewStructural: no $ref,
    // id, $schema, definitions, patternProperties, dependencies, additionalItems, items as a list,
    // and no uniqueItems: true ("the runtime complexity becomes quadratic").
    const refused = ["id", "$schema", "$ref", "patternProperties", "dependencies", "additionalItems", "definitions"];
    for (const key of refused) {
      expect(schemaIssues(`type: object\nproperties:\n  spec:\n    type: object\n    '${key}': {}\n`)).toEqual({
        paths: [],
        lines: [`error crd-unsupported crd.yaml:19:13 spec.versions[0].schema.openAPIV3Schema.properties.spec.${key}: ${key} is not allowed in a CustomResourceDefinition schema (the API server refuses it)`],
      });
    }
    expect(schemaIssues("type: object\nproperties:\n  spec:\n    type: array\n    items: {type: string}\n    uniqueItems: true\n")).toEqual({
      paths: [],
      lines: [
        "error crd-unsupported crd.yaml:20:13 spec.versions[0].schema.openAPIV3Schema.properties.spec.uniqueItems: uniqueItems: true is not allowed in a CustomResourceDefinition schema (the API server refuses it: the runtime complexity becomes quadratic); x-kubernetes-list-type: set refuses duplicates instead",
      ],
    });
  });

  it("refuses schemas where a mapping or a list of schemas belongs", () => {
    const at = "spec.versions[0].schema.openAPIV3Schema";
    const cases: [string, string][] = [
      ["properties: []\n", `error crd-unsupported crd.yaml:16:9 ${at}.properties: properties must be a mapping of field names to schemas`],
      ["properties:\n  a: 1\n", `error crd-unsupported crd.yaml:16:9 ${at}.properties: properties.a must be a schema (a mapping)`],
      ["items: [{type: string}]\n", `error crd-unsupported crd.yaml:16:9 ${at}.items: items is a list of schemas; the API server accepts one schema only`],
      ["items: 1\n", `error crd-unsupported crd.yaml:16:9 ${at}.items: items must be a schema (a mapping)`],
      ["allOf: {}\n", `error crd-unsupported crd.yaml:16:9 ${at}.allOf: allOf must be a list of schemas`],
      ["anyOf: 1\n", `error crd-unsupported crd.yaml:16:9 ${at}.anyOf: anyOf must be a list of schemas`],
      ["oneOf: x\n", `error crd-unsupported crd.yaml:16:9 ${at}.oneOf: oneOf must be a list of schemas`],
      ["not: 1\n", `error crd-unsupported crd.yaml:16:9 ${at}.not: not must be a schema (a mapping)`],
      ["not: []\n", `error crd-unsupported crd.yaml:16:9 ${at}.not: not must be a schema (a mapping)`],
      ["maximum: 1\nexclusiveMaximum: 1\n", `error crd-unsupported crd.yaml:17:9 ${at}.exclusiveMaximum: exclusiveMaximum must be true or false (OpenAPI 3.0), beside maximum`],
      ["minimum: 1\nexclusiveMinimum: x\n", `error crd-unsupported crd.yaml:17:9 ${at}.exclusiveMinimum: exclusiveMinimum must be true or false (OpenAPI 3.0), beside minimum`],
      // Inside a junctor branch: the position of the branch's own key.
      ["anyOf:\n- {type: object}\n- {$ref: x}\n", `error crd-unsupported crd.yaml:18:12 ${at}.anyOf[1].$ref: $ref is not allowed in a CustomResourceDefinition schema (the API server refuses it)`],
    ];
    for (const [schema, line] of cases) expect(schemaIssues(`type: object\n${schema}`), schema).toEqual({ paths: [], lines: [line] });
  });

  it("turns OpenAPI 3.0's boolean exclusiveMaximum/exclusiveMinimum into draft-07 bounds, drops externalDocs, lists example as examples", () => {
    expect(specOf({ type: "integer", minimum: 0, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: false, externalDocs: { url: "https://x" }, example: 4 })).toEqual({
      type: "integer",
      exclusiveMinimum: 0,
      maximum: 9,
      examples: [4],
    });
    expect(specOf({ type: "number", exclusiveMaximum: true, exclusiveMinimum: true })).toEqual({ type: "number" });
    // A bound that is no number is left as written.
    expect(specOf({ type: "number", maximum: "9", exclusiveMaximum: true })).toEqual({ type: "number", maximum: "9" });
    const check = checkerOf({ type: "object", properties: { n: { type: "integer", minimum: 0, exclusiveMinimum: true } } });
    expect(check({ ...W, n: 1 })).toBe("ok");
    expect(check({ ...W, n: 0 })).toBe("/n must be > 0");
  });

  it("makes x-kubernetes-list-type: set refuse duplicates, as the API server does", () => {
    expect(specOf({ type: "array", items: { type: "string" }, "x-kubernetes-list-type": "set", uniqueItems: false })).toEqual({
      type: "array",
      items: { type: "string" },
      uniqueItems: true,
      "x-kubernetes-list-type": "set",
    });
    expect(specOf({ type: "array", items: { type: "string" }, "x-kubernetes-list-type": "atomic" })).toEqual({ type: "array", items: { type: "string" }, "x-kubernetes-list-type": "atomic" });
  });

  it("admits null where nullable says so: beside a type, an anyOf, or nothing at all", () => {
    expect(specOf({ type: "object", nullable: true, properties: { a: { type: "string" } } })).toEqual({ type: ["object", "null"], additionalProperties: false, properties: { a: { type: "string" } } });
    expect(specOf({ nullable: true, description: "anything" })).toEqual({ description: "anything" });
    expect(specOf({ nullable: true, anyOf: [{ type: "string" }] })).toEqual({ anyOf: [{ type: "string" }, { type: "null" }] });
    expect(specOf({ nullable: false, type: "string" })).toEqual({ type: "string" });
    const check = checkerOf({ type: "object", properties: { o: { type: "object", nullable: true, properties: { a: { type: "string" } } } } });
    expect(check({ ...W, o: null })).toBe("ok");
    expect(check({ ...W, o: { a: "x" } })).toBe("ok");
    expect(check({ ...W, o: { b: "x" } })).toBe("/o must NOT have additional properties");
  });

  it("writes x-kubernetes-int-or-string as anyOf integer/string, nullable or not, and keeps another anyOf apart in allOf", () => {
    const ios = { "x-kubernetes-int-or-string": true };
    const IOS = [{ type: "integer" }, { type: "string" }];
    expect(specOf({ ...ios, type: "string" })).toEqual({ ...ios, anyOf: IOS });
    expect(specOf({ ...ios, nullable: true })).toEqual({ ...ios, anyOf: [...IOS, { type: "null" }] });
    // controller-gen's own anyOf, in either order, is the same thing.
    expect(specOf({ ...ios, anyOf: IOS })).toEqual({ ...ios, anyOf: IOS });
    expect(specOf({ ...ios, anyOf: [{ type: "string" }, { type: "integer" }] })).toEqual({ ...ios, anyOf: IOS });
    // Any other anyOf is a validation of its own: kept, with the type's anyOf beside it in allOf.
    const other = [{ type: "integer", minimum: 1 }, { type: "string", pattern: "^[0-9]+%$" }];
    expect(specOf({ ...ios, anyOf: other })).toEqual({ ...ios, anyOf: other, allOf: [{ anyOf: IOS }] });
    expect(specOf({ ...ios, nullable: true, anyOf: [{ type: "string" }], allOf: [{ maxLength: 4 }] })).toEqual({
      ...ios,
      anyOf: [{ type: "string" }],
      allOf: [{ maxLength: 4 }, { anyOf: [...IOS, { type: "null" }] }],
    });
    const check = checkerOf({ type: "object", properties: { p: { ...ios, anyOf: other } } });
    expect(check({ ...W, p: 3 })).toBe("ok");
    expect(check({ ...W, p: "50%" })).toBe("ok");
    expect(check({ ...W, p: 0 })).not.toBe("ok");
    expect(check({ ...W, p: "x" })).not.toBe("ok");
    expect(check({ ...W, p: 1.5 })).not.toBe("ok");
  });

  it("closes every object schema outside junctors, with or without type, and never one a junctor restates", () => {
    expect(specOf({ properties: { a: { type: "string" } } })).toEqual({ additionalProperties: false, properties: { a: { type: "string" } } });
    // A map's values are closed objects too.
    expect(specOf({ type: "object", additionalProperties: { type: "object", properties: { a: { type: "string" } } } })).toEqual({
      type: "object",
      additionalProperties: { type: "object", additionalProperties: false, properties: { a: { type: "string" } } },
    });
    expect(specOf({ type: "object", additionalProperties: true })).toEqual({ type: "object", additionalProperties: true });
    // Not an object schema: nothing added.
    expect(specOf({ type: "string", properties: { a: { type: "string" } } })).toEqual({ type: "string", properties: { a: { type: "string" } } });
    // Junctors restate fields, down through properties, items and maps.
    const inner = { type: "object", properties: { b: { type: "string" } } };
    const restated = {
      type: "object",
      "x-kubernetes-preserve-unknown-fields": true,
      allOf: [{ properties: { a: inner, l: { type: "array", items: inner }, m: { type: "object", additionalProperties: inner } } }],
      not: { properties: { a: inner } },
      oneOf: [{ properties: { a: inner } }, { required: ["a"] }],
    };
    expect(specOf(restated)).toEqual(restated);
  });

  it("requires apiVersion and kind of an embedded resource, leaves its metadata open, and keeps what the CRD lists", () => {
    const embedded = { type: "object", "x-kubernetes-embedded-resource": true, properties: { data: { type: "string" } } };
    expect(specOf(embedded)).toEqual({
      type: "object",
      "x-kubernetes-embedded-resource": true,
      additionalProperties: false,
      required: ["apiVersion", "kind"],
      properties: {
        apiVersion: { type: "string", minLength: 1, pattern: "^[^/]*(/[^/]*)?$" },
        data: { type: "string" },
        kind: { type: "string", minLength: 1, maxLength: 63, pattern: "^[A-Za-z]([-A-Za-z0-9]*[A-Za-z0-9])?$" },
        metadata: { type: "object" },
      },
    });
    const own = { ...embedded, required: ["kind", "data"], properties: { kind: { type: "string", enum: ["Pod"] } } };
    expect(specOf(own)).toEqual({
      ...embedded,
      additionalProperties: false,
      required: ["kind", "data", "apiVersion"],
      properties: {
        apiVersion: { type: "string", minLength: 1, pattern: "^[^/]*(/[^/]*)?$" },
        kind: { type: "string", enum: ["Pod"] },
        metadata: { type: "object" },
      },
    });
    const check = checkerOf({ type: "object", properties: { t: embedded } });
    expect(check({ ...W, t: { apiVersion: "v1", kind: "Pod", metadata: { name: "p", labels: { a: "b" } } } })).toBe("ok");
    expect(check({ ...W, t: { apiVersion: "v1", kind: "1Pod" } })).toContain("/t/kind must match pattern");
    expect(check({ ...W, t: { apiVersion: "v1", kind: `P${"o".repeat(63)}` } })).toBe("/t/kind must NOT have more than 63 characters");
  });
});

describe("schemas import rules: the root", () => {
  it("is an object with apiVersion and kind pinned and required, metadata open, and nothing else", () => {
    expect(rootOf({})).toEqual({
      $schema: "http://json-schema.org/draft-07/schema#",
      $id: "example.com/widget_v1.json",
      title: "Widget (example.com/v1)",
      type: "object",
      additionalProperties: false,
      required: ["apiVersion", "kind"],
      properties: {
        apiVersion: { type: "string", const: "example.com/v1" },
        kind: { type: "string", const: "Widget" },
        metadata: { type: "object" },
      },
    });
  });

  it("keeps what the CRD says of the root: its required fields, a map, preserve-unknown-fields, and metadata's name rules", () => {
    const root = rootOf({ type: "object", required: ["spec", "kind"], properties: { spec: OBJ } });
    expect(root.required).toEqual(["spec", "kind", "apiVersion"]);
    expect(rootOf({ type: "object", additionalProperties: { type: "string" } }).additionalProperties).toEqual({ type: "string" });
    expect(rootOf({ type: "object", "x-kubernetes-preserve-unknown-fields": true })).not.toHaveProperty("additionalProperties");
    const meta = rootOf({ type: "object", properties: { metadata: { type: "object", properties: { name: { type: "string", maxLength: 20 } } } } });
    expect((meta.properties as Obj).metadata).toEqual({ type: "object", properties: { name: { type: "string", maxLength: 20 } } });
    const check = checkerOf({ type: "object", properties: { metadata: { type: "object", properties: { name: { type: "string", maxLength: 5 } } } } });
    expect(check({ ...W, metadata: { name: "w", labels: { a: "b" }, namespace: "n" } })).toBe("ok");
    expect(check({ ...W, metadata: { name: "toolong" } })).toBe("/metadata/name must NOT have more than 5 characters");
    // Only the root's metadata is ObjectMeta: a nested one is an object like another.
    expect(specOf({ type: "object", properties: { metadata: { type: "object", properties: { name: { type: "string" } } } } })).toEqual({
      type: "object",
      additionalProperties: false,
      properties: { metadata: { type: "object", additionalProperties: false, properties: { name: { type: "string" } } } },
    });
  });

  it("pins a root apiVersion or kind the CRD leaves a plain string, and leaves one it restricts as written", () => {
    const props = (p: Obj) => rootOf({ type: "object", properties: p }).properties as Obj;
    expect(props({ apiVersion: { type: "string", description: "The version." }, kind: { description: "The kind." } })).toEqual({
      metadata: { type: "object" },
      apiVersion: { type: "string", description: "The version.", const: "example.com/v1" },
      kind: { type: "string", description: "The kind.", const: "Widget" },
    });
    expect(props({ apiVersion: { enum: ["example.com/v1"] }, kind: { enum: ["Widget"] } })).toEqual({ apiVersion: { enum: ["example.com/v1"] }, kind: { enum: ["Widget"] }, metadata: { type: "object" } });
    // `const` is no keyword of a CRD schema (OpenAPI 3.0 has none): dropped with a warning, and pinned as ever.
    const { files, issues } = importCrds(one(yamlOf(crdObject("Widget", [version("v1", { type: "object", properties: { kind: { const: "Gadget" } } })]))));
    expect(lines(issues)).toEqual([
      'warning unknown-field crd.yaml:20:15 spec.versions[0].schema.openAPIV3Schema.properties.kind.const: warning "const" is not a keyword of a CustomResourceDefinition schema: the API server drops it, and so does this import',
    ]);
    expect((JSON.parse(files[0]!.content) as { properties: Obj }).properties.kind).toEqual({ type: "string", const: "Widget" });
    expect(props({ apiVersion: { type: "string", enum: ["example.com/v1"] }, kind: { type: "integer" } })).toEqual({
      apiVersion: { type: "string", enum: ["example.com/v1"] },
      kind: { type: "integer" },
      metadata: { type: "object" },
    });
  });
});

describe("schemas import rules: the bytes written", () => {
  it("orders keys the same way at every depth: $schema, $id, title, description, type, then sorted; data sorted; lists as written", () => {
    const schema = {
      required: ["spec"],
      properties: {
        spec: {
          properties: {
            z: { pattern: "^z", type: "string", description: "Z." },
            a: {
              items: { type: "string", maxLength: 2 },
              type: "array",
              default: [{ y: 1, b: { type: "t", a: 2 } }],
              example: { type: "x", b: [3, 1], a: null },
            },
            m: { additionalProperties: { type: "integer", format: "int32" }, type: "object" },
            e: { type: "string", enum: ["b", "a"], "x-kubernetes-validations": [{ rule: "r", message: "m" }] },
            j: { not: { type: "string", maxLength: 1 }, oneOf: [{ type: "string", format: "date" }], allOf: [{ type: "string", minLength: 1 }], anyOf: [{ type: "string", pattern: "x" }] },
          },
          type: "object",
          description: "The spec.",
        },
      },
      description: "A widget.",
      type: "object",
    };
    const { files, issues } = importCrds(one(yamlOf(crdObject("Widget", [version("v1", schema)]))));
    expect(issues).toEqual([]);
    expect(files.map((f) => f.path)).toEqual(["example.com/widget_v1.json"]);
    expect(files[0]!.content).toBe(`{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$id": "example.com/widget_v1.json",
  "title": "Widget (example.com/v1)",
  "description": "A widget.",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "apiVersion": {
      "type": "string",
      "const": "example.com/v1"
    },
    "kind": {
      "type": "string",
      "const": "Widget"
    },
    "metadata": {
      "type": "object"
    },
    "spec": {
      "description": "The spec.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "a": {
          "type": "array",
          "default": [
            {
              "b": {
                "a": 2,
                "type": "t"
              },
              "y": 1
            }
          ],
          "examples": [
            {
              "a": null,
              "b": [
                3,
                1
              ],
              "type": "x"
            }
          ],
          "items": {
            "type": "string",
            "maxLength": 2
          }
        },
        "e": {
          "type": "string",
          "enum": [
            "b",
            "a"
          ],
          "x-kubernetes-validations": [
            {
              "message": "m",
              "rule": "r"
            }
          ]
        },
        "j": {
          "allOf": [
            {
              "type": "string",
              "minLength": 1
            }
          ],
          "anyOf": [
            {
              "type": "string",
              "pattern": "x"
            }
          ],
          "not": {
            "type": "string",
            "maxLength": 1
          },
          "oneOf": [
            {
              "type": "string",
              "format": "date"
            }
          ]
        },
        "m": {
          "type": "object",
          "additionalProperties": {
            "type": "integer",
            "format": "int32"
          }
        },
        "z": {
          "description": "Z.",
          "type": "string",
          "pattern": "^z"
        }
      }
    }
  },
  "required": [
    "spec",
    "apiVersion",
    "kind"
  ]
}
`);
  });
});
