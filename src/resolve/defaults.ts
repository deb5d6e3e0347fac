import type { AnySchemaObject } from "ajv";

/**
 * The defaults a schema declares, as one object: `default` where a property has one,
 * else the defaults of its own properties. The schema is the single source of truth for
 * defaults; the README shows the same values.
 */
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

/** Local references only (`#/definitions/X`): defaults never come from another file. */
function deref(ref: string, root: AnySchemaObject): AnySchemaObject | undefined {
  if (!ref.startsWith("#/")) return undefined;
  let cur: unknown = root;
  for (const seg of ref.slice(2).split("/")) {
    cur = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[seg] : undefined;
  }
  return cur as AnySchemaObject | undefined;
}
