import { isScalar } from "yaml";
import { sortIssues, type DocPath, type Issue, type IssueCode } from "../diagnostics/issue.js";
import type { OutputFile } from "../emit/emit.js";
import { toJsonText } from "../emit/yaml.js";
import { CRD_FILE, documentData, documentProblems, LIMITS, parseYamlDocuments } from "../load/limits.js";
import { issueAt, positionOf, type SourceDoc } from "../load/source.js";
import { byCodeUnits, byPath } from "../order.js";

export type { OutputFile } from "../emit/emit.js";

/**
 * `paodin-fleet schemas import`: CustomResourceDefinition manifests to JSON Schemas (draft-07),
 * one per kind and served version, following schemas/README.md. Pure: the CLI reads and writes.
 *
 * The output validates what the API server accepts *and keeps*. Where the server would silently
 * drop a value (pruning an unknown field, or a null in a field that is not nullable), the schema
 * rejects it instead, because a dropped value is a typo nobody finds until the cluster misbehaves.
 * Rule by rule, with what kube-apiserver (apiextensions-apiserver) does:
 *
 * - Unknown fields: a structural schema prunes every field it does not list, at every level.
 *   So every object schema gets `additionalProperties: false`, the root included, and also an
 *   object with no `properties` at all (after pruning it can only be `{}`). Not added where the
 *   server keeps unknown fields: `x-kubernetes-preserve-unknown-fields: true` (that level only:
 *   the server still prunes inside listed properties that are objects without the flag), a map
 *   (`additionalProperties: {schema}`), and inside allOf/anyOf/oneOf/not, whose `properties`
 *   only restate fields of the enclosing schema.
 * - Root: apiVersion and kind are implicit and required (the server validates every object as
 *   an embedded resource); they get `const` `<group>/<version>` and `<Kind>` so that an object of
 *   another kind is rejected. `metadata` is ObjectMeta, checked by the server itself: the schema
 *   keeps it an open `type: object`, plus whatever name/generateName limits the CRD states.
 * - `x-kubernetes-int-or-string: true`: `anyOf: [{type: integer}, {type: string}]`, no `type`.
 *   `pattern`, `maxLength` and the like stay beside it: JSON Schema applies them to strings only,
 *   as the server does.
 * - `nullable: true`: `type: [T, "null"]` (or `{type: "null"}` added to int-or-string's anyOf).
 *   Without it null is rejected; the server drops it from an object (or fills in the default).
 *   An `enum` is left as written: the server checks null against the enum too and refuses it
 *   unless the enum lists null.
 * - `x-kubernetes-embedded-resource: true`: apiVersion and kind are required, metadata is not
 *   (apiextensions-apiserver objectmeta.validateEmbeddedResource): apiVersion a non-empty
 *   `[group/]version`, kind a non-empty DNS-1035 label in any case; all three are implicit
 *   fields, kept even when the schema lists others.
 * - `x-kubernetes-list-type: set`: `uniqueItems: true` (the server refuses duplicates), even beside
 *   `uniqueItems: false`.
 * - OpenAPI 3.0 `exclusiveMaximum: true` / `exclusiveMinimum: true` are booleans beside
 *   `maximum` / `minimum`; draft-07 wants the bound itself: `exclusiveMaximum: <maximum>`.
 * - `example` becomes draft-07 `examples: [it]`; `externalDocs` is dropped (no draft-07 keyword);
 *   descriptions, titles, defaults, formats and every `x-kubernetes-*` keyword are kept as written
 *   (ajv treats the extensions as annotations; CEL rules in `x-kubernetes-validations` are not
 *   evaluated).
 * - Keywords the server refuses in a CRD schema (`$ref`, `id`, `$schema`, `definitions`,
 *   `patternProperties`, `dependencies`, `additionalItems`, a list under `items`, `uniqueItems: true`) are errors;
 *   keys that are no schema keyword at all are dropped, as the server drops them, with a warning.
 * - `apiextensions.k8s.io/v1beta1` CRDs are refused: that API is gone since Kubernetes 1.22, its
 *   schemas need not be structural and it keeps unknown fields by default, so there is no faithful
 *   translation; a cluster serves an installed v1beta1 CRD as v1, which imports.
 * - `spec.preserveUnknownFields: true` (legacy, v1 keeps it only for CRDs converted from v1beta1)
 *   makes the server keep unknown fields everywhere; the schemas reject them anyway, with a warning.
 */

export interface ImportInput {
  /** The path as the user typed it. */
  readonly file: string;
  readonly text: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

// Kubernetes' own rules for the names that become path segments here, so that a name can never
// climb out of the output directory (apiextensions validation of spec.group, names.kind, versions).
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** `<group>/<kind in lower case>_<version>.json`, as every schema in schemas/ is named; also its `$id`. */
export function schemaFileName(group: string, kind: string, version: string): string {
  return `${group}/${kind.toLowerCase()}_${version}.json`;
}

/**
 * The files `importCrds` writes for one CustomResourceDefinition (as plain data, parsed YAML or
 * JSON): one per served version that has a schema. Empty for anything that is not an importable
 * apiextensions.k8s.io/v1 CRD; `importCrds` says why.
 */
export function schemaFileNamesOf(crd: unknown): string[] {
  const parts = crdParts(crd);
  if (parts === undefined) return [];
  const { group, kind } = parts;
  if (!validGroup(group) || !validKind(kind)) return [];
  return parts.versions
    .filter((v) => v.served && isObject(v.schema))
    .flatMap((v) => (validVersion(v.name) ? [schemaFileName(group, kind, v.name)] : []))
    .sort(byCodeUnits);
}

export function importCrds(inputs: readonly ImportInput[]): { files: OutputFile[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const written = new Map<string, { content: string; from: string }>();
  // Sorted so that which of two conflicting CRDs is "first" never depends on the command line.
  const sorted = [...inputs].sort((a, b) => byCodeUnits(a.file, b.file) || byCodeUnits(a.text, b.text));
  for (const input of sorted) {
    const { objects, syntaxErrors } = parseInput(input, issues);
    let crds = 0;
    for (const obj of objects) {
      if (!isCrdKind(obj.value)) {
        issues.push(notACrd(obj));
        continue;
      }
      crds++;
      for (const out of importCrd(obj, issues)) {
        const prev = written.get(out.file.path);
        if (prev === undefined) written.set(out.file.path, { content: out.file.content, from: out.where });
        // The same CRD twice (a bundle and the CRD file from the same release) is harmless.
        else if (prev.content !== out.file.content) {
          issues.push(issueAt(obj.src, out.at, "duplicate-schema", `defines ${out.file.path} differently from ${prev.from}, which defines it too`));
        }
      }
    }
    if (crds === 0 && objects.length > 0 && !syntaxErrors) {
      issues.push({ code: "not-a-crd", severity: "error", file: input.file, line: 1, col: 1, path: [], message: "holds no CustomResourceDefinition, so there is nothing to import from it" });
    }
  }
  const files = [...written].map(([path, f]) => ({ path, content: f.content })).sort(byPath);
  return { files, issues: sortIssues(issues) };
}

// ---------------------------------------------------------------------------------------------
// Reading

/** One object of a file: a document, or an item of a `List` document. */
interface Located {
  readonly src: SourceDoc;
  readonly value: unknown;
  /** Where the object sits in its document: `[]`, or `["items", 2]` inside a List. */
  readonly at: DocPath;
}

function parseInput(input: ImportInput, issues: Issue[]): { objects: Located[]; syntaxErrors: boolean } {
  const fileIssue = (code: IssueCode, message: string): Issue => ({ code, severity: "error", file: input.file, line: 1, col: 1, path: [], message });
  if (input.text.length > LIMITS.fileBytes) {
    issues.push(fileIssue("file-too-large", `is ${input.text.length} characters, more than the limit of ${LIMITS.fileBytes}`));
    return { objects: [], syntaxErrors: true };
  }
  const { docs, lineCounter, tooMany } = parseYamlDocuments(input.text);
  if (tooMany !== undefined) {
    issues.push(fileIssue("yaml-too-many-documents", tooMany));
    return { objects: [], syntaxErrors: true };
  }
  const objects: Located[] = [];
  let syntaxErrors = false;
  let nonEmpty = 0;
  for (const [index, doc] of docs.entries()) {
    // The hostile-input checks, with the limits of CRD manifests (load/limits.ts).
    const problems = documentProblems(input.file, doc, lineCounter, CRD_FILE);
    if (problems.length > 0) {
      issues.push(...problems);
      syntaxErrors = true;
      continue;
    }
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) continue; // `---` with nothing after it
    nonEmpty++;
    const src0: SourceDoc = { file: input.file, absPath: input.file, index, doc, lineCounter, value: undefined };
    const data = documentData(doc);
    if ("problem" in data) {
      issues.push(issueAt(src0, [], "yaml-aliases", data.problem));
      syntaxErrors = true;
      continue;
    }
    const value = data.value;
    const src: SourceDoc = { ...src0, value };
    const list = isObject(value as Json) ? (value as JsonObject) : undefined;
    // `kubectl get crd -o yaml` with several names prints a List; the API's own list kind is accepted too.
    if ((list?.kind === "List" || list?.kind === "CustomResourceDefinitionList") && Array.isArray(list.items)) {
      list.items.forEach((item: unknown, i) => objects.push({ src, value: item, at: ["items", i] }));
    } else {
      objects.push({ src, value, at: [] });
    }
  }
  if (nonEmpty === 0 && !syntaxErrors) {
    issues.push(fileIssue("file-empty", "has no YAML documents, so no CustomResourceDefinition to import"));
  }
  return { objects, syntaxErrors };
}

// ---------------------------------------------------------------------------------------------
// Recognising CRDs

function isCrdKind(value: unknown): boolean {
  return isObject(value as Json) && (value as JsonObject).kind === "CustomResourceDefinition";
}

/** `is a Deployment (apps/v1), not a CustomResourceDefinition`, pointing at its kind. */
function notACrd(obj: Located): Issue {
  const o = obj.value as Json;
  let what: string;
  let pointAt: DocPath = obj.at;
  if (!isObject(o)) what = `is ${describeValue(o)}, not a Kubernetes object`;
  else if (typeof o.kind !== "string") what = "has no kind, so it is not a CustomResourceDefinition";
  else {
    what = `is a ${o.kind}${typeof o.apiVersion === "string" ? ` (${o.apiVersion})` : ""}, not a CustomResourceDefinition`;
    pointAt = [...obj.at, "kind"];
  }
  // The position is the kind's; the path is the object's, so the message reads as a sentence.
  return { ...issueAt(obj.src, pointAt, "not-a-crd", what), path: obj.at };
}

interface CrdVersion {
  readonly name: unknown;
  readonly served: boolean;
  readonly schema: Json | undefined;
  readonly index: number;
}

interface CrdParts {
  readonly apiVersion: unknown;
  readonly group: unknown;
  readonly kind: unknown;
  readonly preserveUnknownFields: boolean;
  readonly versions: readonly CrdVersion[];
}

/** The parts of an apiextensions.k8s.io/v1 CRD this import reads, unchecked; undefined for anything else. */
function crdParts(value: unknown): CrdParts | undefined {
  const o = value as Json;
  if (!isObject(o) || o.kind !== "CustomResourceDefinition" || o.apiVersion !== "apiextensions.k8s.io/v1") return undefined;
  const spec = isObject(o.spec) ? o.spec : {};
  const names = isObject(spec.names) ? spec.names : {};
  const versions = (Array.isArray(spec.versions) ? spec.versions : []).map((v, index) => {
    const version = isObject(v) ? v : {};
    const schema = isObject(version.schema) ? version.schema.openAPIV3Schema : undefined;
    // `served` is required in v1; a missing one decodes as false, as the server reads it.
    return { name: version.name, served: version.served === true, schema, index };
  });
  return { apiVersion: o.apiVersion, group: spec.group, kind: names.kind, preserveUnknownFields: spec.preserveUnknownFields === true, versions };
}

function validGroup(group: unknown): group is string {
  return typeof group === "string" && group.length <= 253 && group.includes(".") && DNS1123_SUBDOMAIN.test(group);
}

function validKind(kind: unknown): kind is string {
  return typeof kind === "string" && kind.length <= 63 && DNS1035_LABEL.test(kind.toLowerCase());
}

function validVersion(name: unknown): name is string {
  return typeof name === "string" && name.length <= 63 && DNS1035_LABEL.test(name);
}

interface Imported {
  readonly file: OutputFile;
  /** The version entry in the document, for pointing at a conflict. */
  readonly at: DocPath;
  /** `file:line:col` of that entry. */
  readonly where: string;
}

function importCrd(obj: Located, issues: Issue[]): Imported[] {
  const { src, at } = obj;
  const o = obj.value as JsonObject;
  if (o.apiVersion === "apiextensions.k8s.io/v1beta1") {
    issues.push(
      issueAt(src, [...at, "apiVersion"], "unknown-api-version", "is an apiextensions.k8s.io/v1beta1 CustomResourceDefinition, which is not imported: Kubernetes 1.22 removed that API and its schemas need not be structural. A cluster that has the CRD serves it as apiextensions.k8s.io/v1: import the output of `kubectl get crd <name> -o yaml`"),
    );
    return [];
  }
  const parts = crdParts(o);
  if (parts === undefined) {
    const shown = typeof o.apiVersion === "string" ? o.apiVersion : "no apiVersion";
    issues.push(issueAt(src, [...at, "apiVersion"], "unknown-api-version", `is a CustomResourceDefinition of ${shown}; only apiextensions.k8s.io/v1 is imported`));
    return [];
  }
  const before = issues.length;
  if (typeof parts.group !== "string") issues.push(issueAt(src, [...at, "spec", "group"], "missing-field", "has no spec.group (a string)"));
  else if (!validGroup(parts.group)) issues.push(issueAt(src, [...at, "spec", "group"], "invalid-name", `spec.group "${parts.group}" is not a DNS subdomain with at least one dot, as Kubernetes requires`));
  if (typeof parts.kind !== "string") issues.push(issueAt(src, [...at, "spec", "names"], "missing-field", "has no spec.names.kind (a string)"));
  else if (!validKind(parts.kind)) issues.push(issueAt(src, [...at, "spec", "names", "kind"], "invalid-name", `spec.names.kind "${parts.kind}" is not a DNS-1035 label in any case (a letter, then letters, digits or '-'), as Kubernetes requires`));
  if (!Array.isArray((o.spec as JsonObject | undefined)?.versions)) {
    issues.push(issueAt(src, [...at, "spec"], "missing-field", "has no spec.versions list"));
  } else if (!parts.versions.some((v) => v.served)) {
    issues.push(issueAt(src, [...at, "spec", "versions"], "crd-no-schema", "serves no version (no spec.versions[*].served: true), so there is nothing to import"));
  }
  for (const v of parts.versions) {
    if (!v.served) continue;
    const vAt: DocPath = [...at, "spec", "versions", v.index];
    if (!validVersion(v.name)) issues.push(issueAt(src, [...vAt, "name"], "invalid-name", `version name ${JSON.stringify(v.name ?? null)} is not a DNS-1035 label, as Kubernetes requires`));
    else if (v.schema === undefined) issues.push(issueAt(src, vAt, "crd-no-schema", `version ${v.name} is served but has no schema.openAPIV3Schema to import`));
    else if (!isObject(v.schema)) issues.push(issueAt(src, [...vAt, "schema", "openAPIV3Schema"], "crd-no-schema", `version ${v.name}: schema.openAPIV3Schema is not a mapping`));
  }
  const { group, kind } = parts;
  if (issues.length > before || !validGroup(group) || !validKind(kind)) return [];
  if (parts.preserveUnknownFields) {
    issues.push(
      issueAt(src, [...at, "spec", "preserveUnknownFields"], "unknown-field", "is true: the API server keeps unknown fields of this kind (legacy behaviour); the imported schemas reject them anyway, since the operator ignores them", { severity: "warning" }),
    );
  }
  const out: Imported[] = [];
  for (const v of parts.versions) {
    if (!v.served) continue;
    const name = v.name;
    if (!validVersion(name)) continue;
    const vAt: DocPath = [...at, "spec", "versions", v.index];
    const schemaAt: DocPath = [...vAt, "schema", "openAPIV3Schema"];
    const ctx: Context = { src, issues };
    const errorsBefore = issues.filter((i) => i.severity === "error").length;
    const body = convertRoot(v.schema as JsonObject, schemaAt, ctx, `${group}/${name}`, kind);
    if (issues.filter((i) => i.severity === "error").length > errorsBefore) continue;
    const path = schemaFileName(group, kind, name);
    const schema: JsonObject = { ...body, $schema: DRAFT_07, $id: path, title: `${kind} (${group}/${name})` };
    const pos = positionOf(src, vAt);
    out.push({ file: { path, content: toJsonText(orderSchema(schema)) }, at: vAt, where: `${src.file}:${pos.line}:${pos.col}` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Converting one schema

interface Context {
  readonly src: SourceDoc;
  readonly issues: Issue[];
}

/** How a node is reached, which decides what may be added to it. */
interface Where {
  /** Inside allOf/anyOf/oneOf/not: a value validation that restates fields, never closes an object. */
  readonly junctor: boolean;
  /** The root's `metadata`: ObjectMeta, checked by the server, never closed. */
  readonly open: boolean;
}

/** Keywords of the API server's JSONSchemaProps that carry over as they are. */
const KEPT = new Set([
  "description",
  "type",
  "format",
  "title",
  "default",
  "maximum",
  "minimum",
  "maxLength",
  "minLength",
  "pattern",
  "maxItems",
  "minItems",
  "uniqueItems",
  "multipleOf",
  "enum",
  "maxProperties",
  "minProperties",
  "required",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-int-or-string",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-list-type",
  "x-kubernetes-map-type",
  "x-kubernetes-validations",
]);

/** JSONSchemaProps fields the API server refuses in a CRD (apiextensions NewStructural and CRD validation). */
const REFUSED = new Set(["id", "$schema", "$ref", "patternProperties", "dependencies", "additionalItems", "definitions"]);

const JUNCTORS = ["allOf", "anyOf", "oneOf"] as const;

const INT_OR_STRING: Json[] = [{ type: "integer" }, { type: "string" }];

function convertRoot(schema: JsonObject, at: DocPath, ctx: Context, apiVersion: string, kind: string): JsonObject {
  const root = convert(schema, at, ctx, { junctor: false, open: false }, true);
  root.type ??= "object";
  const props: JsonObject = isObject(root.properties) ? { ...root.properties } : {};
  // Every listed property is a converted schema (anything else was refused): a mapping.
  props.apiVersion = pinned(props.apiVersion as JsonObject | undefined, apiVersion);
  props.kind = pinned(props.kind as JsonObject | undefined, kind);
  props.metadata = isObject(props.metadata) ? { ...props.metadata, type: "object" } : { type: "object" };
  root.properties = props;
  root.required = union(root.required, ["apiVersion", "kind"]);
  if (root["x-kubernetes-preserve-unknown-fields"] !== true && root.additionalProperties === undefined) root.additionalProperties = false;
  return root;
}

/**
 * A root apiVersion or kind: `const` added when the CRD leaves it a plain string, as controller-gen
 * does. (A CRD schema has no `const`: the conversion drops it, so only an `enum` restricts it.)
 */
function pinned(prop: JsonObject | undefined, value: string): Json {
  if (prop === undefined) return { type: "string", const: value };
  if (prop.enum !== undefined) return prop;
  if (prop.type !== undefined && prop.type !== "string") return prop;
  return { ...prop, type: "string", const: value };
}

function convert(node: JsonObject, at: DocPath, ctx: Context, where: Where, isRoot = false): JsonObject {
  const out: JsonObject = {};
  const refuse = (key: string, why: string): void => void ctx.issues.push(issueAt(ctx.src, [...at, key], "crd-unsupported", why, { key: true }));
  for (const key of Object.keys(node).sort(byCodeUnits)) {
    const value = node[key]!;
    const here: DocPath = [...at, key];
    // validation.go refuses the whole CRD: "uniqueItems cannot be set to true since the runtime complexity becomes quadratic".
    if (key === "uniqueItems" && value === true) refuse(key, "uniqueItems: true is not allowed in a CustomResourceDefinition schema (the API server refuses it: the runtime complexity becomes quadratic); x-kubernetes-list-type: set refuses duplicates instead");
    else if (KEPT.has(key)) out[key] = value;
    else if (key === "nullable") continue; // applied below
    else if (key === "properties") {
      if (!isObject(value)) refuse(key, "properties must be a mapping of field names to schemas");
      else {
        const props: JsonObject = {};
        for (const name of Object.keys(value)) {
          const child = value[name]!;
          if (!isObject(child)) refuse(key, `properties.${name} must be a schema (a mapping)`);
          // The root's metadata is ObjectMeta: only name and generateName may be restricted, nothing closed.
          else props[name] = convert(child, [...here, name], ctx, { junctor: where.junctor, open: isRoot && name === "metadata" });
        }
        out.properties = props;
      }
    } else if (key === "items") {
      if (Array.isArray(value)) refuse(key, "items is a list of schemas; the API server accepts one schema only");
      else if (!isObject(value)) refuse(key, "items must be a schema (a mapping)");
      else out.items = convert(value, here, ctx, { junctor: where.junctor, open: false });
    } else if (key === "additionalProperties") {
      out.additionalProperties = isObject(value) ? convert(value, here, ctx, { junctor: where.junctor, open: false }) : value;
    } else if ((JUNCTORS as readonly string[]).includes(key)) {
      if (!Array.isArray(value)) refuse(key, `${key} must be a list of schemas`);
      else out[key] = value.map((s, i) => (isObject(s) ? convert(s, [...here, i], ctx, { junctor: true, open: false }) : s));
    } else if (key === "not") {
      if (isObject(value)) out.not = convert(value, here, ctx, { junctor: true, open: false });
      else refuse(key, "not must be a schema (a mapping)");
    } else if (key === "exclusiveMaximum" || key === "exclusiveMinimum") {
      // OpenAPI 3.0: a flag on maximum/minimum. Draft-07: the bound itself. Applied below.
      if (typeof value !== "boolean") refuse(key, `${key} must be true or false (OpenAPI 3.0), beside ${key === "exclusiveMaximum" ? "maximum" : "minimum"}`);
    } else if (key === "example") out.examples = [value];
    else if (key === "externalDocs") continue; // no draft-07 keyword for it; ajv in strict mode refuses unknown keywords
    else if (REFUSED.has(key)) refuse(key, `${key} is not allowed in a CustomResourceDefinition schema (the API server refuses it)`);
    else {
      ctx.issues.push(
        issueAt(ctx.src, here, "unknown-field", `"${key}" is not a keyword of a CustomResourceDefinition schema: the API server drops it, and so does this import`, { severity: "warning", key: true }),
      );
    }
  }
  exclusive(node, out, "exclusiveMaximum", "maximum");
  exclusive(node, out, "exclusiveMinimum", "minimum");
  const nullable = node.nullable === true;
  if (node["x-kubernetes-int-or-string"] === true) intOrString(out, nullable);
  else if (nullable) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (Array.isArray(out.anyOf)) out.anyOf = [...out.anyOf, { type: "null" }];
    // No type and no anyOf: any value, null included, already.
  }
  if (where.junctor) return out;
  if (node["x-kubernetes-embedded-resource"] === true) embeddedResource(out);
  if (node["x-kubernetes-list-type"] === "set") out.uniqueItems = true;
  const isObjectSchema = out.type === "object" || (Array.isArray(out.type) && out.type.includes("object")) || (out.type === undefined && out.properties !== undefined);
  if (isObjectSchema && !where.open && !isRoot && node["x-kubernetes-preserve-unknown-fields"] !== true && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

function exclusive(node: JsonObject, out: JsonObject, flag: "exclusiveMaximum" | "exclusiveMinimum", bound: "maximum" | "minimum"): void {
  if (node[flag] !== true || typeof node[bound] !== "number") return;
  out[flag] = node[bound];
  delete out[bound];
}

/** An integer or a string, and null when nullable; a pattern or length beside it applies to strings only, as in the API server. */
function intOrString(out: JsonObject, nullable: boolean): void {
  delete out.type;
  const branches: Json[] = nullable ? [...INT_OR_STRING, { type: "null" }] : INT_OR_STRING;
  const existing = out.anyOf;
  // controller-gen writes the anyOf itself; anything else in it is a value validation to keep.
  if (existing === undefined || sameJson(existing, INT_OR_STRING) || sameJson(existing, [...INT_OR_STRING].reverse())) out.anyOf = branches;
  else out.allOf = [...(Array.isArray(out.allOf) ? out.allOf : []), { anyOf: branches }];
}

/** An embedded object (a pod template, say): apiVersion and kind required and well formed, metadata optional. */
function embeddedResource(out: JsonObject): void {
  const props: JsonObject = isObject(out.properties) ? { ...out.properties } : {};
  props.apiVersion ??= { type: "string", minLength: 1, pattern: "^[^/]*(/[^/]*)?$" };
  props.kind ??= { type: "string", minLength: 1, maxLength: 63, pattern: "^[A-Za-z]([-A-Za-z0-9]*[A-Za-z0-9])?$" };
  props.metadata ??= { type: "object" };
  out.properties = props;
  out.required = union(out.required, ["apiVersion", "kind"]);
}

// ---------------------------------------------------------------------------------------------
// Output order

const FIRST = ["$schema", "$id", "title", "description", "type"];
/** Keywords whose value is a mapping of names to schemas. */
const SCHEMA_MAPS = new Set(["properties"]);
/** Keywords whose value is one schema, or a list of them. */
const SCHEMA_VALUES = new Set(["items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"]);

/** `$schema`, `$id`, `title`, `description`, `type`, then the rest sorted, at every level. */
function orderSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(orderSchema);
  if (!isObject(node)) return node;
  const keys = Object.keys(node).sort((a, b) => rank(a) - rank(b) || byCodeUnits(a, b));
  return Object.fromEntries(
    keys.map((k) => {
      const v = node[k]!;
      if (SCHEMA_MAPS.has(k) && isObject(v)) return [k, Object.fromEntries(Object.keys(v).sort(byCodeUnits).map((name) => [name, orderSchema(v[name]!)]))];
      if (SCHEMA_VALUES.has(k)) return [k, orderSchema(v)];
      return [k, orderData(v)];
    }),
  );
}

/** Data (defaults, enums, examples): keys sorted, lists as written. */
function orderData(v: Json): Json {
  if (Array.isArray(v)) return v.map(orderData);
  if (!isObject(v)) return v;
  return Object.fromEntries(Object.keys(v).sort(byCodeUnits).map((k) => [k, orderData(v[k]!)]));
}

function rank(key: string): number {
  const i = FIRST.indexOf(key);
  return i < 0 ? FIRST.length : i;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function union(existing: Json | undefined, add: readonly string[]): Json[] {
  const list: Json[] = Array.isArray(existing) ? [...existing] : [];
  for (const a of add) if (!list.includes(a)) list.push(a);
  return list;
}

function sameJson(a: Json, b: Json): boolean {
  return JSON.stringify(orderData(a)) === JSON.stringify(orderData(b));
}

function describeValue(v: Json): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return `a ${typeof v}`;
}
