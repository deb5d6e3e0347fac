/**
 * What the API server makes of a value under a CustomResourceDefinition's structural
 * schema: which fields it prunes, and which values its validator refuses. Written from
 * apiextensions-apiserver 1.24: pruning (pkg/apiserver/schema/pruning/algorithm.go: a field
 * neither in `properties` nor under `additionalProperties` is dropped unless
 * `x-kubernetes-preserve-unknown-fields`; the root's and an embedded resource's
 * `apiVersion`, `kind` and `metadata` are kept and ObjectMeta is checked by the server's own
 * code), and validation (pkg/apiserver/validation: OpenAPI v3 value validations through
 * kube-openapi, `nullable`, `x-kubernetes-int-or-string`, list sets and maps unique).
 *
 * No schema of ours is involved: tests read the upstream CRDs with it, and crd-rules.ts
 * checks a CRD's defaults with it as the server does (defaulting/validation.go).
 *
 * Not modelled: `format` (the server checks the 24 of formats.go through go-openapi's strfmt;
 * the CRDs we render under name only int32, int64, which it does not check, and date-time,
 * on status fields only), and the order of pruning and validation: the server judges allOf/anyOf/oneOf/not
 * and min/maxProperties on the pruned object, we on the object as given, which only matters
 * when a field is pruned, and that is reported already.
 */

import { re2, type Re2 } from "./re2.js";

export type CrdSchema = { readonly [key: string]: unknown };

export interface ValueOptions {
  /**
   * Skip `required`: for partial objects sent with server-side apply, the server checks
   * `required` on the merged object, not on the request.
   */
  readonly partial?: boolean;
  /** Inside allOf/anyOf/oneOf/not: value validations only; nothing is pruned there. */
  readonly junctor?: boolean;
}

/** Every field the server would prune from `value`, and every value it would refuse, as `path: problem`. */
export function valueProblems(value: unknown, schema: CrdSchema, at = "", options: ValueOptions = {}): string[] {
  const out: string[] = [];
  visit(value, schema, at, true, options, out);
  return out;
}

const META_FIELDS = new Set(["apiVersion", "kind", "metadata"]);

/** The end of the message for a field the server prunes. */
export const PRUNED = "unknown field, pruned by the API server";

function visit(value: unknown, schema: CrdSchema, at: string, resourceRoot: boolean, options: ValueOptions, out: string[], item = false): void {
  const where = at === "" ? "<root>" : at;
  if (value === null) {
    // Decoding drops a non-nullable null field without a default, and defaulting fills in one
    // with (PruneNonNullableNullsWithoutDefaults, customresource_handler.go); a list item stays,
    // and the validator refuses it.
    if (schema.nullable === true || (!item && schema.default !== undefined)) return;
    out.push(item || at === "" ? `${where}: null, but the schema is not nullable` : `${where}: null, dropped by the API server (not nullable, no default)`);
    return;
  }
  if (schema["x-kubernetes-int-or-string"] === true) {
    if (!Number.isInteger(value) && typeof value !== "string") out.push(`${where}: must be an integer or a string`);
  } else if (!typeMatches(value, schema.type)) {
    out.push(`${where}: must be of type ${String(schema.type)}, got ${kindOf(value)}`);
    return;
  }
  valueValidations(value, schema, where, out);
  // A partial object cannot be judged by value validations that may name absent fields.
  if (options.partial !== true) {
    const branch = { junctor: true };
    for (const junctor of ["allOf", "anyOf", "oneOf"] as const) {
      const branches = schema[junctor];
      if (!Array.isArray(branches)) continue;
      const passing = branches.filter((b) => valueProblems(value, b as CrdSchema, at, branch).length === 0).length;
      const ok = junctor === "allOf" ? passing === branches.length : junctor === "anyOf" ? passing > 0 : passing === 1;
      if (!ok) out.push(`${where}: does not satisfy ${junctor}`);
    }
    if (isObject(schema.not) && valueProblems(value, schema.not, at, branch).length === 0) out.push(`${where}: must not satisfy not`);
  }

  if (Array.isArray(value)) {
    const items = schema.items as CrdSchema | undefined;
    value.forEach((v, i) => items !== undefined && visit(v, items, `${at}[${i}]`, items["x-kubernetes-embedded-resource"] === true, options, out, true));
    listUniqueness(value, schema, where, out);
    return;
  }
  if (!isObject(value)) return;
  const properties = (schema.properties ?? {}) as Record<string, CrdSchema>;
  const additional = isObject(schema.additionalProperties) ? (schema.additionalProperties as CrdSchema) : undefined;
  const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
  for (const [key, v] of Object.entries(value)) {
    const child = at === "" ? key : `${at}.${key}`;
    const sub = Object.hasOwn(properties, key) ? properties[key] : additional;
    // The root's and an embedded object's ObjectMeta is the server's own: never pruned, but
    // validated against what the schema says of it (at the root: name and generateName).
    if (resourceRoot && key === "metadata") {
      if (sub !== undefined) visit(v, { ...sub, "x-kubernetes-preserve-unknown-fields": true }, child, false, options, out);
      continue;
    }
    if (sub !== undefined) visit(v, sub, child, sub["x-kubernetes-embedded-resource"] === true, options, out);
    else if (!preserve && options.junctor !== true && !(resourceRoot && META_FIELDS.has(key))) out.push(`${child}: ${PRUNED}`);
  }
  if (options.partial !== true) {
    for (const r of (schema.required ?? []) as string[]) if (!Object.hasOwn(value, r)) out.push(`${at === "" ? r : `${at}.${r}`}: required`);
  }
}

/** Patterns read as Go reads them (re2.ts), each parsed once: a CRD names a few, a fleet has many values. */
const patterns = new Map<string, Re2>();
function compiled(pattern: string): Re2 {
  let r = patterns.get(pattern);
  if (r === undefined) patterns.set(pattern, (r = re2(pattern)));
  return r;
}

function valueValidations(value: unknown, s: CrdSchema, where: string, out: string[]): void {
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) out.push(`${where}: must be one of ${JSON.stringify(s.enum)}`);
  if (typeof value === "string") {
    const length = [...value].length;
    if (typeof s.maxLength === "number" && length > s.maxLength) out.push(`${where}: longer than ${s.maxLength}`);
    if (typeof s.minLength === "number" && length < s.minLength) out.push(`${where}: shorter than ${s.minLength}`);
    if (typeof s.pattern === "string") {
      const r = compiled(s.pattern);
      if (!r.ok) out.push(`${where}: the pattern ${s.pattern} does not compile in Go (${r.error})`);
      else if (!r.regexp.test(value)) out.push(`${where}: does not match ${s.pattern}`);
    }
  }
  if (typeof value === "number") {
    if (typeof s.maximum === "number" && (s.exclusiveMaximum === true ? value >= s.maximum : value > s.maximum)) out.push(`${where}: above the maximum ${s.maximum}`);
    if (typeof s.minimum === "number" && (s.exclusiveMinimum === true ? value <= s.minimum : value < s.minimum)) out.push(`${where}: below the minimum ${s.minimum}`);
    // go-openapi validate.MultipleOf: the quotient must be an integer (for a factor below 1, computed as 1/factor * data).
    if (typeof s.multipleOf === "number" && s.multipleOf > 0 && !isJsonInteger(s.multipleOf < 1 ? (1 / s.multipleOf) * value : value / s.multipleOf)) out.push(`${where}: not a multiple of ${s.multipleOf}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.maxItems === "number" && value.length > s.maxItems) out.push(`${where}: more than ${s.maxItems} items`);
    if (typeof s.minItems === "number" && value.length < s.minItems) out.push(`${where}: fewer than ${s.minItems} items`);
  }
  if (isObject(value)) {
    const n = Object.keys(value).length;
    if (typeof s.maxProperties === "number" && n > s.maxProperties) out.push(`${where}: more than ${s.maxProperties} properties`);
    if (typeof s.minProperties === "number" && n < s.minProperties) out.push(`${where}: fewer than ${s.minProperties} properties`);
  }
}

/** `x-kubernetes-list-type: set` items and `map` keys are unique (apiserver/validation listtype). */
function listUniqueness(value: unknown[], s: CrdSchema, where: string, out: string[]): void {
  const type = s["x-kubernetes-list-type"];
  if (type !== "set" && type !== "map") return;
  const keys = (s["x-kubernetes-list-map-keys"] ?? []) as string[];
  const seen = new Set<string>();
  for (const item of value) {
    const id = type === "set" ? JSON.stringify(item) : JSON.stringify(keys.map((k) => (isObject(item) ? item[k] : undefined)));
    if (seen.has(id)) out.push(`${where}: duplicate ${type === "set" ? "entry" : "key"} ${id}`);
    seen.add(id);
  }
}

function typeMatches(value: unknown, type: unknown): boolean {
  switch (type) {
    case undefined:
      return true;
    case "object":
      return isObject(value);
    case "array":
      return Array.isArray(value);
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    default:
      return false;
  }
}

/** swag.IsFloat64AJSONInteger: finite, and whole or within a relative 1e-9 of the number truncated toward zero. */
function isJsonInteger(f: number): boolean {
  const g = Math.trunc(f);
  return Number.isFinite(f) && (f === g || Math.abs(f - g) / (Math.abs(f) + Math.abs(g)) < 1e-9);
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (Number.isInteger(value)) return "integer";
  return typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
