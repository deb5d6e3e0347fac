import type { Issue } from "../diagnostics/issue.js";
import { issueAt } from "../load/source.js";
import type { ValidFleet } from "../validate/fleet.js";
import type { ResolvedCluster } from "./model.js";

/**
 * Who reaches an exposed port from another cluster: every cluster's Prometheus writes to the
 * host gateway (central, the host's own too, through the gateway URL), the host's Thanos Query
 * reads each member's sidecar (scattered).
 */
export function exposedPorts(mode: "central" | "scattered", clusters: readonly ResolvedCluster[]): { owner: ResolvedCluster; clients: readonly ResolvedCluster[] }[] {
  const host = clusters.find((c) => c.role === "host");
  if (host === undefined) return [];
  if (mode === "central") return [{ owner: host, clients: clusters }];
  return clusters.filter((c) => c.role === "member").map((owner) => ({ owner, clients: [host] }));
}

/** With `restrictToFleet`, every client of the port must say where its traffic comes from. */
export function restrictToFleetProblems(valid: ValidFleet, mode: "central" | "scattered", clusters: readonly ResolvedCluster[]): Issue[] {
  const needed = new Map<string, string>();
  for (const { owner, clients } of exposedPorts(mode, clusters)) {
    if (owner.exposure.type === "None" || !owner.exposure.restrictToFleet) continue;
    for (const c of clients) if (c.nodeAddresses.length === 0 && !needed.has(c.name)) needed.set(c.name, owner.name);
  }
  return valid.clusters.flatMap((doc) => {
    const owner = needed.get(doc.value.metadata.name);
    if (owner === undefined) return [];
    const what = mode === "central" ? "the host gateway" : `the Thanos sidecar of ${owner}`;
    return [issueAt(doc.src, ["spec"], "required-setting", `nodeAddresses is required: exposure.restrictToFleet admits to ${what} only the networks its clients' traffic comes from, and this cluster declares none (its nodes' addresses, or its NAT gateway's, such as 10.0.1.0/24)`, { key: true })];
  });
}
