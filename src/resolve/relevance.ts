import type { Issue } from "../diagnostics/issue.js";
import type { Cluster } from "../generated/paodin-fleet/cluster_v1alpha1.js";
import type { ClusterOverrides, FleetSpec } from "../generated/paodin-fleet/fleet_v1alpha1.js";
import { issueAt, type SourceDoc } from "../load/source.js";

/** The part of a settings tree that a cluster of this role uses in this mode. */
export function relevant(mode: FleetSpec["mode"], role: Cluster["spec"]["role"], s: ClusterOverrides): ClusterOverrides {
  const host = role === "host";
  const out: ClusterOverrides = {};
  if (host && s.operator !== undefined) out.operator = s.operator;
  if (s.prometheus !== undefined) out.prometheus = s.prometheus;
  if (s.exposure !== undefined && (mode === "central" ? host : !host)) out.exposure = s.exposure;
  if (mode === "central") {
    if (s.kubesphere !== undefined) out.kubesphere = s.kubesphere;
    if (s.central !== undefined) out.central = host ? s.central : pick(s.central, ["gatewayURL"]);
  } else if (s.scattered !== undefined) {
    out.scattered = host ? pick(s.scattered, ["service"]) : pick(s.scattered, ["sidecarAddress"]);
  }
  return out;
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Overrides a cluster sets that its role does not use in this mode: a warning, since they look like they do something. */
export function unusedOverrides(src: SourceDoc, all: ClusterOverrides, used: ClusterOverrides, mode: FleetSpec["mode"], role: string): Issue[] {
  const out: Issue[] = [];
  for (const [section, value] of Object.entries(all) as [keyof ClusterOverrides, Record<string, unknown>][]) {
    const kept = used[section] as Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      if (kept !== undefined && Object.hasOwn(kept, key)) continue;
      out.push(issueAt(src, ["spec", "overrides", section, key], "unused-setting", `has no effect on a ${role} in ${mode} mode`, { severity: "warning", key: true }));
    }
  }
  return out;
}

