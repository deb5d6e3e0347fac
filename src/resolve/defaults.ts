import type { AnySchemaObject } from "ajv";
import { isPlainObject } from "./merge.js";

/**
 * Defaults come from the schema (the single source of truth, which the README shows):
 * `defaultsFromSchema` builds the settings a fleet gets without writing anything, and
 * `withDefaults` fills in what an object the user did write leaves out.
 */

/** The defaults a schema declares, as one value: `default` where there is one, else the defaults of its properties. */
export function defaultsFromSchema(node: AnySchemaObject, root: AnySchemaObject, nested = false): unknown {
  if (node.default !== undefined) return structuredClone(node.default);
  const target = typeof node.$ref === "string" ? deref(node.$ref, root) : node;
  if (target === undefined) return undefined;
  if (target !== node && target.default !== undefined) return structuredClone(target.default);
  const props = target.properties as Record<string, AnySchemaObject> | undefined;
  if (props === undefined) return undefined;
  // An object that needs fields of its own (an ExternalSecret source) or a choice between
  // alternatives (`minProperties`) exists only when the user writes it: defaults never conjure it.
  if (nested && ((Array.isArray(target.required) && target.required.length > 0) || (typeof target.minProperties === "number" && target.minProperties > 0))) {
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(props)) {
    const d = defaultsFromSchema(prop, root, true);
    if (d !== undefined) out[key] = d;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `value` with the defaults of every field it leaves out, at every level the schema describes. */
export function withDefaults(value: unknown, node: AnySchemaObject, root: AnySchemaObject): unknown {
  if (value === undefined) return defaultsFromSchema(node, root, true);
  const target = typeof node.$ref === "string" ? deref(node.$ref, root) : node;
  if (target === undefined) return value; // another file's schema (an operator spec): taken as written
  if (Array.isArray(value) && target.items !== undefined && !Array.isArray(target.items)) {
    return value.map((v) => withDefaults(v, target.items as AnySchemaObject, root));
  }
  const props = target.properties as Record<string, AnySchemaObject> | undefined;
  if (!isPlainObject(value) || props === undefined) return value;
  const out: Record<string, unknown> = { ...value };
  for (const [key, prop] of Object.entries(props)) {
    const v = withDefaults(value[key], prop, root);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** Local references only (`#/definitions/X`): defaults never come from another file. */
function deref(ref: string, root: AnySchemaObject): AnySchemaObject | undefined {
  if (!ref.startsWith("#/")) return undefined;
  let cur: unknown = root;
  for (const seg of ref.slice(2).split("/")) {
    cur = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[seg] : undefined;
  }
  return cur as AnySchemaObject | undefined;
}
