import { stringify } from "yaml";

/**
 * The one place that turns data into YAML text, so that every rendered byte follows the
 * same rules: keys sorted (apiVersion, kind, metadata first at the top), no line folding,
 * and strings that YAML 1.1 readers (go-yaml v2 behind kubectl) would take for booleans,
 * numbers or null quoted.
 */
const TOP_KEYS = ["apiVersion", "kind", "metadata"];

export function toYaml(value: unknown): string {
  return stringify(sortKeys(value, true), {
    version: "1.1",
    lineWidth: 0,
    minContentWidth: 0,
    indentSeq: false,
    aliasDuplicateObjects: false,
  });
}

/** Several documents in one file, separated by `---`. */
export function toYamlStream(values: readonly unknown[]): string {
  return values.map(toYaml).join("---\n");
}

function sortKeys(value: unknown, top: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v, false));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => rank(a, top) - rank(b, top) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v, false)]));
}

function rank(key: string, top: boolean): number {
  if (!top) return 0;
  const i = TOP_KEYS.indexOf(key);
  return i < 0 ? TOP_KEYS.length : i;
}
