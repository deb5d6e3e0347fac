import type { DocPath } from "../diagnostics/issue.js";

/**
 * Overrides over defaults: mappings merge key by key, everything else (lists, scalars)
 * replaces. Inputs are never mutated; untouched branches are shared, not copied.
 */
export function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = merge(base[key], value);
  return out;
}

/**
 * `merge`, except at the mappings that hold exactly one of several alternatives (`exclusive`,
 * such as `central.objectStorage.source`): there an override that names another alternative
 * replaces the base's, since merging the two would hold both and one of them would be ignored.
 * The same alternative merges key by key as usual.
 */
export function mergeExclusive(base: unknown, over: unknown, exclusive: readonly DocPath[], at: DocPath = []): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const here = exclusive.filter((p) => startsWith(p, at));
  if (here.length === 0) return merge(base, over);
  if (here.some((p) => p.length === at.length) && !sameKeys(base, over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = mergeExclusive(base[key], value, here, [...at, key]);
  return out;
}

function startsWith(p: DocPath, prefix: DocPath): boolean {
  return prefix.length <= p.length && prefix.every((seg, i) => p[i] === seg);
}

function sameKeys(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => kb.includes(k));
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
