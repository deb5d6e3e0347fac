import type { AnySchemaObject } from "ajv";
import { isPlainObject } from "./merge.js";

/**
 * Defaults come from the schema (the single source of truth, which the README shows):
 * `defaultsFromSchema` builds the settings a fleet gets without writing anything, and
 * `withDefaults` fills in what an object the user did write leaves out.
 *
 * Both run once per cluster over the whole settings tree, and most of that tree is shared
 * between clusters (merge and template rendering copy only what changes). So results are
 * remembered by the identity of the value and the schema node, and frozen: a shared result
 * that someone tried to change would throw rather than leak into another cluster. (`root` is
 * the schema file a node belongs to, so the node alone is the key.)
 */

/** The defaults a schema declares, as one value: `default` where there is one, else the defaults of its properties. */
export function defaultsFromSchema(node: AnySchemaObject, root: AnySchemaObject, nested = false): unknown {
  return remembered(nested ? nestedDefaults : topDefaults, node, () => computeDefaults(node, root, nested));
}

const topDefaults = new WeakMap<object, unknown>();
const nestedDefaults = new WeakMap<object, unknown>();

function computeDefaults(node: AnySchemaObject, root: AnySchemaObject, nested: boolean): unknown {
  if (node.default !== undefined) return deepFreeze(structuredClone(node.default));
  const target = typeof node.$ref === "string" ? deref(node.$ref, root) : node;
  if (target === undefined) return undefined;
  if (target !== node && target.default !== undefined) return deepFreeze(structuredClone(target.default));
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
  return Object.keys(out).length > 0 ? Object.freeze(out) : undefined;
}

/** `value` with the defaults of every field it leaves out, at every level the schema describes. */
export function withDefaults(value: unknown, node: AnySchemaObject, root: AnySchemaObject): unknown {
  if (value === undefined) return defaultsFromSchema(node, root, true);
  if (value === null || typeof value !== "object") return value;
  let byNode = filled.get(value);
  if (byNode === undefined) filled.set(value, (byNode = new WeakMap()));
  return remembered(byNode, node, () => fill(value, node, root));
}

/** value → schema node → the value with its defaults. */
const filled = new WeakMap<object, WeakMap<object, unknown>>();

function fill(value: object, node: AnySchemaObject, root: AnySchemaObject): unknown {
  const target = typeof node.$ref === "string" ? deref(node.$ref, root) : node;
  if (target === undefined) return value; // another file's schema (an operator spec): taken as written
  if (Array.isArray(value) && target.items !== undefined && !Array.isArray(target.items)) {
    return Object.freeze(value.map((v) => withDefaults(v, target.items as AnySchemaObject, root)));
  }
  const props = target.properties as Record<string, AnySchemaObject> | undefined;
  if (!isPlainObject(value) || props === undefined) return value;
  const out: Record<string, unknown> = { ...value };
  for (const key in props) {
    const v = withDefaults(value[key], props[key]!, root);
    if (v !== undefined) out[key] = v;
  }
  return Object.freeze(out);
}

function remembered(memo: WeakMap<object, unknown>, key: object, compute: () => unknown): unknown {
  if (memo.has(key)) return memo.get(key);
  const result = compute();
  memo.set(key, result);
  return result;
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

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
