import { isScalar } from "yaml";
import type { DocPath, Issue } from "../diagnostics/issue.js";
import { nearest } from "../diagnostics/suggest.js";
import type { Cluster } from "../generated/paodin-fleet/cluster_v1alpha1.js";
import type { Fleet } from "../generated/paodin-fleet/fleet_v1alpha1.js";
import { issueAt, type SourceDoc } from "../load/source.js";
import { validatorFor } from "./validators.js";
import { ajvIssues, type Anchor, type WrittenScalar } from "./ajv-issues.js";

export const API_VERSION = "paodin-fleet/v1alpha1";

/** The kinds of fleet document and the schema of each. */
export const KINDS = {
  Fleet: "paodin-fleet/fleet_v1alpha1.json",
  Cluster: "paodin-fleet/cluster_v1alpha1.json",
} as const;

export type FleetDoc = { readonly kind: "Fleet"; readonly src: SourceDoc; readonly value: Fleet };
export type ClusterDoc = { readonly kind: "Cluster"; readonly src: SourceDoc; readonly value: Cluster };
export type TypedDoc = FleetDoc | ClusterDoc;

export function anchorIn(src: SourceDoc, base: readonly (string | number)[] = []): Anchor {
  return { base, issue: (path, code, message, key) => issueAt(src, path, code, message, { key }), written: (path) => writtenAt(src, path) };
}

/** The scalar at exactly this path as the file spells it (parses the file for positions: only for a message). */
export function writtenAt(src: SourceDoc, path: DocPath): WrittenScalar | undefined {
  // The value's own node: `key:` with nothing after it has none (nodeAt would answer with the key).
  const node = src.doc.getIn(path, true);
  if (!isScalar(node) || typeof node.source !== "string") return undefined;
  const quoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE";
  if (!quoted && node.type !== "PLAIN") return undefined;
  return { text: node.source, quoted };
}

/** Checks one document's apiVersion and kind, then its schema. Returns it typed when valid. */
export function validateDocument(src: SourceDoc): { doc?: TypedDoc; issues: Issue[] } {
  const v = src.value;
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    return { issues: [issueAt(src, [], "schema", `a fleet document must be a mapping with apiVersion and kind, not ${Array.isArray(v) ? "a list" : "a scalar"}`)] };
  }
  const obj = v as Record<string, unknown>;
  const issues: Issue[] = [];
  if (obj.apiVersion === undefined) issues.push(issueAt(src, [], "missing-field", `missing required field "apiVersion" (use ${JSON.stringify(API_VERSION)})`));
  else if (obj.apiVersion !== API_VERSION) {
    issues.push(issueAt(src, ["apiVersion"], "unknown-api-version", `unknown apiVersion ${JSON.stringify(obj.apiVersion)}; paodin-fleet reads ${JSON.stringify(API_VERSION)}`));
  }
  const kind = obj.kind;
  if (kind === undefined) {
    issues.push(issueAt(src, [], "missing-field", `missing required field "kind" (Fleet or Cluster)`));
    return { issues };
  }
  if (typeof kind !== "string" || !Object.hasOwn(KINDS, kind)) {
    const guess = typeof kind === "string" ? nearest(kind, Object.keys(KINDS)) : undefined;
    const hint = guess !== undefined ? `; did you mean "${guess}"?` : " (Fleet or Cluster)";
    issues.push(issueAt(src, ["kind"], "unknown-kind", `unknown kind ${JSON.stringify(kind)}${hint}`));
    return { issues };
  }
  const k = kind as keyof typeof KINDS;
  const validate = validatorFor(KINDS[k]);
  if (!validate(v)) {
    // The apiVersion was reported above in its own words; drop ajv's "must be" and "missing" for it.
    const errors = validate.errors?.filter((e) => !(e.keyword === "required" && e.instancePath === "" && (e.params as { missingProperty?: unknown }).missingProperty === "apiVersion"));
    const schemaIssues = ajvIssues(errors, v, anchorIn(src)).filter((i) => !(i.path?.length === 1 && i.path[0] === "apiVersion"));
    issues.push(...schemaIssues);
  }
  if (issues.length > 0) return { issues };
  return { doc: { kind: k, src, value: v } as TypedDoc, issues };
}
