import path from "node:path";

/**
 * Self-contained schemas: every `$ref` of one of our schemas replaced by what it points
 * to, and that turned into a CustomResourceDefinition's `openAPIV3Schema`, which can
 * hold no `$ref`, no `additionalProperties: false` and only structural shapes.
 */

export type SchemaNode = { [key: string]: unknown };

/** Keywords whose value is one subschema, a map of subschemas, or a list of subschemas. */
const ONE_SCHEMA = new Set(["additionalProperties", "additionalItems", "contains", "propertyNames", "not", "if", "then", "else"]);
const SCHEMA_MAP = new Set(["properties", "patternProperties", "definitions", "dependencies"]);
const SCHEMA_LIST = new Set(["allOf", "anyOf", "oneOf"]);

/** May sit beside a `$ref` and override the target's: they do not change what validates. */
const ANNOTATIONS = new Set(["description", "title", "$comment", "default", "examples"]);

/** A file's own bookkeeping, meaningless once the file is inlined into another. */
const FILE_KEYWORDS = new Set(["$id", "$schema", "$comment", "definitions"]);

/** Applies `fn` to every direct subschema of `node` (not to data such as `enum` or `default`). */
function mapSubschemas(node: SchemaNode, fn: (child: unknown, key: string) => unknown): SchemaNode {
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (ONE_SCHEMA.has(key) && isNode(value)) out[key] = fn(value, key);
    else if (key === "items") out[key] = Array.isArray(value) ? value.map((v, i) => fn(v, `items/${i}`)) : isNode(value) ? fn(value, key) : value;
    else if (SCHEMA_LIST.has(key) && Array.isArray(value)) out[key] = value.map((v, i) => fn(v, `${key}/${i}`));
    else if (SCHEMA_MAP.has(key) && isNode(value)) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Array.isArray(v) ? v : fn(v, `${key}/${k}`)]));
    else out[key] = value;
  }
  return out;
}

/** `../kubernetes/X.json#/properties/a` seen from `monitoring.paodin.io/s.json` → the file id and the pointer's segments. */
export function resolveRef(fromId: string, ref: string): { id: string; pointer: string[] } {
  const hash = ref.indexOf("#");
  const file = hash < 0 ? ref : ref.slice(0, hash);
  const fragment = hash < 0 ? "" : ref.slice(hash + 1);
  if (/^[a-z][a-z0-9+.-]*:/i.test(file) || file.startsWith("/")) throw new Error(`${fromId}: $ref ${ref}: only relative file paths are supported`);
  if (fragment !== "" && !fragment.startsWith("/")) throw new Error(`${fromId}: $ref ${ref}: only JSON pointers are supported after #`);
  const id = file === "" ? fromId : path.posix.normalize(path.posix.join(path.posix.dirname(fromId), file));
  const pointer = fragment.split("/").slice(1).map((s) => decodeURIComponent(s).replace(/~1/g, "/").replace(/~0/g, "~"));
  return { id, pointer };
}

/**
 * Schema `id` from `schemas` (keyed by `$id`) with every `$ref` replaced by its target,
 * recursively, across files. `definitions` go (nothing refers to them any more); the
 * root keeps its `$id`. Annotations beside a `$ref` win over the target's; any other
 * sibling that contradicts the target is an error. Recursive schemas cannot be inlined.
 */
export function inlineRefs(id: string, schemas: ReadonlyMap<string, Readonly<SchemaNode>>): SchemaNode {
  const root = schemas.get(id);
  if (root === undefined) throw new Error(`no schema ${id}`);
  return inlineNode(root, id, schemas, []);
}

function inlineNode(node: SchemaNode, docId: string, schemas: ReadonlyMap<string, Readonly<SchemaNode>>, stack: readonly string[]): SchemaNode {
  const { $ref, definitions: _definitions, ...rest } = node;
  const siblings = mapSubschemas(rest, (child) => (isNode(child) ? inlineNode(child, docId, schemas, stack) : child));
  if ($ref === undefined) return siblings;
  if (typeof $ref !== "string") throw new Error(`${docId}: $ref must be a string`);
  const { id, pointer } = resolveRef(docId, $ref);
  const key = `${id}#/${pointer.join("/")}`;
  if (stack.includes(key)) throw new Error(`${docId}: $ref ${$ref} is recursive (${[...stack, key].join(" → ")}); a CRD schema cannot express it`);
  const doc = schemas.get(id);
  if (doc === undefined) throw new Error(`${docId}: $ref ${$ref} names no schema (${id})`);
  let target: unknown = doc;
  for (const seg of pointer) target = isNode(target) || Array.isArray(target) ? (target as Record<string, unknown>)[seg] : undefined;
  if (!isNode(target)) throw new Error(`${docId}: $ref ${$ref} points at nothing`);
  const own = pointer.length === 0 ? Object.fromEntries(Object.entries(target).filter(([k]) => !FILE_KEYWORDS.has(k))) : target;
  const inlined = inlineNode(own, id, schemas, [...stack, key]);
  for (const [k, v] of Object.entries(siblings)) {
    if (!ANNOTATIONS.has(k) && k in inlined && JSON.stringify(inlined[k]) !== JSON.stringify(v)) {
      throw new Error(`${docId}: ${k} beside $ref ${$ref} contradicts its target`);
    }
  }
  return { ...inlined, ...siblings };
}

/** What a CRD's JSONSchemaProps can hold (apiextensions.k8s.io/v1), besides `x-kubernetes-*`. */
const CRD_KEYWORDS = new Set([
  "description", "type", "format", "default", "example", "externalDocs", "nullable", "enum", "required",
  "maximum", "minimum", "maxLength", "minLength", "pattern", "maxItems", "minItems", "multipleOf", "maxProperties", "minProperties",
  "items", "properties", "additionalProperties", "allOf", "anyOf", "oneOf", "not",
]);
/** Dropped: file bookkeeping, and annotations that only name our generated TypeScript types. */
const CRD_DROPPED = new Set(["$id", "$schema", "$comment", "title", "examples", "definitions"]);

/**
 * A self-contained schema (see `inlineRefs`) as a structural CRD `openAPIV3Schema`:
 * `additionalProperties: false` dropped (forbidden beside `properties`; the API server
 * prunes unknown fields instead), `const` as a one-value `enum`, value checks of an
 * int-or-string's branches lifted beside its `anyOf` (the API server insists on the bare
 * `[{type: integer}, {type: string}]`), `x-kubernetes-*` kept. Throws on what a CRD
 * cannot express, such as a `$ref` or `if`, and on a node without a type.
 */
export function toCrdSchema(schema: Readonly<SchemaNode>): SchemaNode {
  return crdNode(schema, "", false);
}

function crdNode(node: Readonly<SchemaNode>, where: string, inJunctor: boolean): SchemaNode {
  let out: SchemaNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (CRD_DROPPED.has(key)) continue;
    if (key === "const") out.enum = [value];
    else if (key === "additionalProperties" && value === false) continue;
    else if (key.startsWith("x-kubernetes-") || CRD_KEYWORDS.has(key)) out[key] = value;
    else throw new Error(`${where || "/"}: ${key} cannot be expressed in a CRD schema`);
  }
  if (out["x-kubernetes-int-or-string"] === true) out = liftIntOrString(out, where);
  out = mapSubschemas(out, (child, key) => {
    if (!isNode(child)) throw new Error(`${where}/${key}: not a schema`);
    return crdNode(child, `${where}/${key}`, inJunctor || /^(allOf|anyOf|oneOf|not)(\/|$)/.test(key));
  });
  checkStructural(out, where, inJunctor);
  return out;
}

function liftIntOrString(node: SchemaNode, where: string): SchemaNode {
  const branches = node.anyOf;
  if (!Array.isArray(branches)) return node;
  const [int, str] = branches as unknown[];
  if (branches.length !== 2 || !isNode(int) || !isNode(str) || int.type !== "integer" || str.type !== "string") {
    throw new Error(`${where}: int-or-string must be anyOf [{type: integer}, {type: string}]`);
  }
  const lifted: SchemaNode = { ...node, anyOf: [{ type: "integer" }, { type: "string" }] };
  for (const branch of [int, str]) {
    for (const [k, v] of Object.entries(branch)) {
      if (k === "type") continue;
      if (k in lifted && JSON.stringify(lifted[k]) !== JSON.stringify(v)) throw new Error(`${where}: ${k} differs between the int-or-string branches`);
      lifted[k] = v;
    }
  }
  return lifted;
}

/** The structural rules we can break: a type on every node, none inside a junctor (but int-or-string's). */
function checkStructural(node: SchemaNode, where: string, inJunctor: boolean): void {
  const at = where || "/";
  if (inJunctor) {
    const intOrStringBranch = Object.keys(node).length === 1 && (node.type === "integer" || node.type === "string");
    for (const k of ["type", "properties", "items", "additionalProperties", "default", "nullable", "description"]) {
      if (k in node && !intOrStringBranch) throw new Error(`${at}: ${k} inside allOf/anyOf/oneOf/not is not structural`);
    }
    return;
  }
  const free = node["x-kubernetes-int-or-string"] === true || node["x-kubernetes-preserve-unknown-fields"] === true;
  if (typeof node.type !== "string" && !free) throw new Error(`${at}: a CRD schema needs a type here`);
}

function isNode(value: unknown): value is SchemaNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
