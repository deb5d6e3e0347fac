import type { Issue } from "../diagnostics/issue.js";
import { issueAt } from "../load/source.js";
import type { ValidFleet } from "../validate/fleet.js";
import type { ResolvedCluster } from "./model.js";

/**
 * Who reaches a cluster's exposed port from another cluster: every cluster's Prometheus writes
 * to the host gateway (central, the host's own too, through the gateway URL), the host's Thanos
 * Query reads each member's sidecar (scattered). None for a cluster that exposes nothing.
 */
export function clientsOf(mode: "central" | "scattered", owner: ResolvedCluster, clusters: readonly ResolvedCluster[]): readonly ResolvedCluster[] {
  if (mode === "central") return owner.role === "host" ? clusters : [];
  return owner.role === "member" ? clusters.filter((c) => c.role === "host") : [];
}

/** With `restrictToFleet`, every client of the port must say where its traffic comes from. */
export function restrictToFleetProblems(valid: ValidFleet, mode: "central" | "scattered", clusters: readonly ResolvedCluster[]): Issue[] {
  const needed = new Map<string, string>();
  for (const owner of clusters) {
    if (owner.exposure.type === "None" || !owner.exposure.restrictToFleet) continue;
    for (const c of clientsOf(mode, owner, clusters)) if (c.nodeAddresses.length === 0 && !needed.has(c.name)) needed.set(c.name, owner.name);
  }
  return valid.clusters.flatMap((doc) => {
    const owner = needed.get(doc.value.metadata.name);
    if (owner === undefined) return [];
    const what = mode === "central" ? "the host gateway" : `the Thanos sidecar of ${owner}`;
    return [issueAt(doc.src, ["spec"], "required-setting", `nodeAddresses is required: exposure.restrictToFleet admits to ${what} only the networks its clients' traffic comes from, and this cluster declares none (its nodes' addresses, or its NAT gateway's, such as 10.0.1.0/24)`, { key: true })];
  });
}
