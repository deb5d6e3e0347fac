import { isMap, LineCounter, parseAllDocuments, type Document } from "yaml";
import type { DocPath, Issue } from "../diagnostics/issue.js";
import type { OutputFile } from "../emit/emit.js";
import { duplicateKeys } from "../load/parse.js";
import { issueAt, type SourceDoc } from "../load/source.js";

/**
 * `paodin-fleet schemas import`: CustomResourceDefinition manifests to JSON Schemas (draft-07),
 * one per kind and served version, following schemas/README.md. Pure: the CLI reads and writes.
 *
 * What other converters get wrong, and this one does not: unknown fields are rejected at
 * every level including the root (the API server prunes them silently, which hides typos),
 * `x-kubernetes-preserve-unknown-fields` keeps an object open, `x-kubernetes-int-or-string`
 * accepts both an integer and a string, and `nullable` admits null.
 */

export interface ImportInput {
  /** As the user typed it. */
  readonly file: string;
  readonly text: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** `<group>/<kind in lower case>_<version>.json`, as every schema in schemas/ is named. */
export function schemaFileName(group: string, kind: string, version: string): string {
  return `${group}/${kind.toLowerCase()}_${version}.json`;
}

export function importCrds(inputs: readonly ImportInput[]): { files: OutputFile[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const files = new Map<string, { content: string; from: string }>();
  for (const input of [...inputs].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    const docs = parse(input, issues);
    let found = 0;
    for (const { src, value, path } of docs) {
      const crd = crdOf(src, value, path, issues);
      if (crd === undefined) continue;
      for (const out of convertCrd(src, crd, issues)) {
        found++;
        const prev = files.get(out.path);
        if (prev !== undefined) {
          issues.push(issueAt(src, path, "invalid-value", `defines ${out.path} again (first from ${prev.from})`));
          continue;
        }
        files.set(out.path, { content: out.content, from: src.file });
      }
    }
    if (found === 0 && !issues.some((i) => i.file === input.file && i.severity === "error")) {
      issues.push({ code: "not-a-crd", severity: "error", file: input.file, line: 1, col: 1, message: "holds no CustomResourceDefinition with a schema to import" });
    }
  }
  const out = [...files].map(([path, f]) => ({ path, content: f.content })).sort((a, b) => (a.path < b.path ? -1 : 1));
  return { files: out, issues };
}

interface Located {
  readonly src: SourceDoc;
  readonly value: unknown;
  /** Where the object sits in its document (`["items", 2]` inside a List). */
  readonly path: DocPath;
}

function parse(input: ImportInput, issues: Issue[]): Located[] {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(input.text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  if (parsed.length === 0 || (parsed as Document.Parsed[]).every((d) => d.contents === null && d.errors.length === 0)) {
    issues.push({ code: "file-empty", severity: "error", file: input.file, line: 1, col: 1, message: "has no YAML documents" });
    return [];
  }
  const out: Located[] = [];
  for (const doc of parsed as Document.Parsed[]) {
    const err = doc.errors[0];
    if (err !== undefined) {
      const pos = lineCounter.linePos(err.pos[0]);
      issues.push({ code: "yaml-syntax", severity: "error", file: input.file, line: pos.line, col: pos.col, message: `YAML: ${err.message.split("\n")[0]}` });
      continue;
    }
    const dup = duplicateKeys(doc)[0];
    if (dup !== undefined) {
      const pos = lineCounter.linePos(dup.offset);
      issues.push({ code: "yaml-syntax", severity: "error", file: input.file, line: pos.line, col: pos.col, message: `YAML: the key "${dup.key}" appears twice in the same mapping` });
      continue;
    }
    if (doc.contents === null) continue;
    let value: unknown;
    const src0 = { file: input.file, absPath: input.file, doc, lineCounter };
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch {
      issues.push(issueAt({ ...src0, value: undefined }, [], "yaml-aliases", "YAML aliases expand to too much data"));
      continue;
    }
    const src: SourceDoc = { ...src0, value };
    const v = value as { kind?: unknown; items?: unknown } | null;
    if (isMap(doc.contents) && v?.kind === "List" && Array.isArray(v.items)) v.items.forEach((item, i) => out.push({ src, value: item, path: ["items", i] }));
    else out.push({ src, value, path: [] });
  }
  return out;
}

interface Crd {
  readonly group: string;
  readonly kind: string;
  readonly versions: readonly { name: string; schema: JsonObject | undefined; at: DocPath }[];
}

/** The document as a CRD, or an issue saying what it is instead. */
function crdOf(src: SourceDoc, value: unknown, at: DocPath, issues: Issue[]): Crd | undefined {
  const o = value as JsonObject | null;
  if (o === null || typeof o !== "object" || Array.isArray(o)) {
    issues.push(issueAt(src, at, "not-a-crd", "is not a Kubernetes object"));
    return undefined;
  }
  const apiVersion = o.apiVersion;
  const kind = o.kind;
  if (kind !== "CustomResourceDefinition" || (apiVersion !== "apiextensions.k8s.io/v1" && apiVersion !== "apiextensions.k8s.io/v1beta1")) {
    // An operator's bundle holds its CRDs among other objects: those are skipped, and said so.
    const what = typeof kind === "string" ? `a ${kind}${typeof apiVersion === "string" ? ` (${apiVersion})` : ""}` : "an object without a kind";
    issues.push(issueAt(src, [...at, ...(typeof kind === "string" ? ["kind"] : [])], "not-a-crd", `skipped: ${what}, not a CustomResourceDefinition`, { severity: "warning" }));
    return undefined;
  }
  const spec = (o.spec ?? {}) as JsonObject;
  const names = (spec.names ?? {}) as JsonObject;
  if (typeof spec.group !== "string" || typeof names.kind !== "string") {
    issues.push(issueAt(src, [...at, "spec"], "not-a-crd", "has no spec.group or spec.names.kind"));
    return undefined;
  }
  // v1 keeps a schema per version; v1beta1 may keep one for all in spec.validation.
  const shared = ((spec.validation ?? {}) as JsonObject).openAPIV3Schema as JsonObject | undefined;
  const listed = Array.isArray(spec.versions) ? (spec.versions as JsonObject[]) : typeof spec.version === "string" ? [{ name: spec.version, served: true }] : [];
  const versions = listed
    .map((v, i) => ({ v, i }))
    .filter(({ v }) => v.served !== false && typeof v.name === "string")
    .map(({ v, i }) => ({
      name: v.name as string,
      schema: (((v.schema ?? {}) as JsonObject).openAPIV3Schema as JsonObject | undefined) ?? shared,
      at: [...at, "spec", ...(Array.isArray(spec.versions) ? ["versions", i] : ["version"])] as DocPath,
    }));
  if (versions.length === 0) {
    issues.push(issueAt(src, [...at, "spec"], "not-a-crd", "serves no version"));
    return undefined;
  }
  return { group: spec.group, kind: names.kind, versions };
}

function convertCrd(src: SourceDoc, crd: Crd, issues: Issue[]): OutputFile[] {
  const out: OutputFile[] = [];
  for (const v of crd.versions) {
    if (v.schema === undefined) {
      issues.push(issueAt(src, v.at, "not-a-crd", `version ${v.name} has no schema.openAPIV3Schema to import`));
      continue;
    }
    const path = schemaFileName(crd.group, crd.kind, v.name);
    const body = convertRoot(v.schema, `${crd.group}/${v.name}`, crd.kind);
    const schema: JsonObject = {
      $schema: "http://json-schema.org/draft-07/schema#",
      $id: path,
      title: `${crd.kind} (${crd.group}/${v.name})`,
      ...body,
    };
    out.push({ path, content: `${JSON.stringify(ordered(schema), null, 2)}\n` });
  }
  return out;
}

/** The root: apiVersion and kind pinned so a document of another kind is rejected, metadata left to the API server. */
function convertRoot(schema: JsonObject, apiVersion: string, kind: string): JsonObject {
  const root = convert({ ...schema, type: "object" }, true);
  const props = { ...((root.properties ?? {}) as JsonObject) };
  props.apiVersion = { ...(typeof props.apiVersion === "object" && props.apiVersion !== null ? props.apiVersion : {}), type: "string", const: apiVersion };
  props.kind = { ...(typeof props.kind === "object" && props.kind !== null ? props.kind : {}), type: "string", const: kind };
  props.metadata = { type: "object" };
  const required = [...new Set([...((root.required as string[] | undefined) ?? []), "apiVersion", "kind"])];
  return { ...root, properties: props, required, additionalProperties: root["x-kubernetes-preserve-unknown-fields"] === true ? root.additionalProperties ?? true : false };
}

const SUBSCHEMA_LISTS = ["allOf", "anyOf", "oneOf"];

/** One schema node, OpenAPI v3 as the API server reads it, to JSON Schema as ajv validates it. */
function convert(node: JsonObject, root = false): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "nullable") continue;
    if (k === "properties" && isObject(v)) out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, isObject(s) ? convert(s) : s]));
    else if (k === "items" && isObject(v)) out[k] = convert(v);
    else if (k === "additionalProperties" && isObject(v)) out[k] = convert(v);
    else if (k === "not" && isObject(v)) out[k] = convert(v);
    else if (SUBSCHEMA_LISTS.includes(k) && Array.isArray(v)) out[k] = v.map((s) => (isObject(s) ? convert(s) : s));
    else out[k] = v;
  }
  if (node["x-kubernetes-int-or-string"] === true) intOrString(out);
  if (node["x-kubernetes-embedded-resource"] === true) embedded(out);
  if (out.type === "object" && node["x-kubernetes-preserve-unknown-fields"] !== true && out.additionalProperties === undefined && !root) {
    // A structural schema prunes every field it does not list; rejecting them says so at once.
    out.additionalProperties = false;
  }
  if (node.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (Array.isArray(out.anyOf)) out.anyOf = [...out.anyOf, { type: "null" }];
  }
  return out;
}

/** An integer or a string; a string's pattern or format applies to the string only. */
function intOrString(out: JsonObject): void {
  delete out.type;
  const stringBranch: JsonObject = { type: "string" };
  for (const k of ["pattern", "format", "minLength", "maxLength"]) {
    if (out[k] !== undefined) {
      stringBranch[k] = out[k]!;
      delete out[k];
    }
  }
  out.anyOf = [{ type: "integer" }, stringBranch];
}

/** An embedded object (a PVC template, say): the API server requires its apiVersion and kind and checks its metadata. */
function embedded(out: JsonObject): void {
  const props = { ...((out.properties ?? {}) as JsonObject) };
  props.apiVersion ??= { type: "string" };
  props.kind ??= { type: "string" };
  props.metadata ??= { type: "object" };
  out.properties = props;
  out.required = [...new Set([...((out.required as string[] | undefined) ?? []), "apiVersion", "kind"])];
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const FIRST = ["$schema", "$id", "title", "description", "type"];

/** Keys in a stable order, the same for every run: the well-known ones first, then the rest sorted. */
function ordered(v: Json): Json {
  if (Array.isArray(v)) return v.map(ordered);
  if (!isObject(v)) return v;
  const keys = Object.keys(v).sort((a, b) => {
    const ia = FIRST.indexOf(a);
    const ib = FIRST.indexOf(b);
    return (ia < 0 ? FIRST.length : ia) - (ib < 0 ? FIRST.length : ib) || (a < b ? -1 : a > b ? 1 : 0);
  });
  return Object.fromEntries(keys.map((k) => [k, ordered(v[k]!)]));
}
