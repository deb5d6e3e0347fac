import { resultOf, type Issue, type Result } from "../diagnostics/issue.js";
import { issueAt, positionOf, type SourceDoc } from "../load/source.js";
import { validateDocument, type ClusterDoc, type FleetDoc } from "./documents.js";
import { plainTextSecrets } from "./plain-secrets.js";
import { byCodeUnits } from "../order.js";

/** A fleet whose documents each match their schema and which hangs together: one Fleet, one host, unique names. */
export interface ValidFleet {
  readonly fleet: FleetDoc;
  /** Sorted by name: the order of files on disk never matters. */
  readonly clusters: readonly ClusterDoc[];
  /** Where the fleet was read from, for messages about what is missing. */
  readonly clustersDir: string;
}

/**
 * `complete` is false when some file could not be parsed: then a missing Fleet or host may
 * well be in that file, and is not reported on top of its syntax error.
 */
export function validateFleet(docs: readonly SourceDoc[], clustersDir: string, complete = true): Result<ValidFleet> {
  const issues: Issue[] = [];
  const fleets: FleetDoc[] = [];
  const clusters: ClusterDoc[] = [];
  for (const src of docs) {
    const { doc, issues: docIssues } = validateDocument(src);
    // Credentials are refused even in a document that is otherwise invalid: the advice matters most.
    const secrets = plainTextSecrets(src);
    const secretPaths = new Set(secrets.map((i) => i.path?.join("\0")));
    issues.push(...secrets, ...docIssues.filter((i) => !(i.code === "unknown-field" && secretPaths.has(i.path?.join("\0")))));
    if (doc?.kind === "Fleet") fleets.push(doc);
    else if (doc?.kind === "Cluster") clusters.push(doc);
  }
  const kinds = docs.map((d) => (d.value as { kind?: unknown } | null)?.kind);

  // Exactly one Fleet. Counted over documents that say `kind: Fleet`, valid or not, so
  // that an invalid Fleet is not also reported as missing.
  const fleetDocs = docs.filter((_, i) => kinds[i] === "Fleet");
  if (fleetDocs.length === 0 && complete) {
    issues.push({ code: "missing-fleet", severity: "error", file: `${clustersDir}/`, message: "has no document of kind Fleet; add one (apiVersion: paodin-fleet/v1alpha1, kind: Fleet)" });
  }
  const first = fleetDocs[0];
  for (const extra of fleetDocs.slice(1)) {
    issues.push(issueAt(extra, ["kind"], "duplicate-fleet", `a second Fleet; a fleet has exactly one (the first is at ${where(first!, ["kind"])})`));
  }

  // Unique cluster names, across files.
  const byName = new Map<string, ClusterDoc>();
  for (const c of [...clusters].sort(byLocation)) {
    const prev = byName.get(c.value.metadata.name);
    if (prev !== undefined) {
      issues.push(issueAt(c.src, ["metadata", "name"], "duplicate-cluster", `cluster "${c.value.metadata.name}" is already defined at ${where(prev.src, ["metadata", "name"])}`));
    } else byName.set(c.value.metadata.name, c);
  }

  // Exactly one host, when every Cluster document could be read.
  const clusterDocCount = kinds.filter((k) => k === "Cluster").length;
  const hosts = [...byName.values()].filter((c) => c.value.spec.role === "host").sort(byLocation);
  if (hosts.length === 0 && complete && clusterDocCount === clusters.length) {
    issues.push({
      code: "missing-host",
      severity: "error",
      file: `${clustersDir}/`,
      message: clusters.length === 0 ? "has no document of kind Cluster; add the host (spec.role: host) and its members" : "has no cluster with spec.role: host; exactly one cluster must be the host",
    });
  }
  for (const extra of hosts.slice(1)) {
    issues.push(issueAt(extra.src, ["spec", "role"], "duplicate-host", `a second host ("${extra.value.metadata.name}"); exactly one cluster is the host (the first is "${hosts[0]!.value.metadata.name}" at ${where(hosts[0]!.src, ["spec", "role"])})`));
  }

  const sorted = [...byName.values()].sort((a, b) => byCodeUnits(a.value.metadata.name, b.value.metadata.name));
  return resultOf({ fleet: fleets[0]!, clusters: sorted, clustersDir }, issues);
}

function where(src: SourceDoc, path: readonly (string | number)[]): string {
  const { line, col } = positionOf(src, path);
  return `${src.file}:${line}:${col}`;
}

function byLocation(a: { src: SourceDoc } | SourceDoc, b: { src: SourceDoc } | SourceDoc): number {
  const sa = "src" in a ? a.src : a;
  const sb = "src" in b ? b.src : b;
  return byCodeUnits(sa.file, sb.file) || sa.index - sb.index;
}
