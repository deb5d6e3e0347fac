import type { DocPath, Issue } from "../diagnostics/issue.js";
import type { Cluster } from "../generated/paodin-fleet/cluster_v1alpha1.js";
import type { ClusterOverrides, FleetSpec } from "../generated/paodin-fleet/fleet_v1alpha1.js";
import { issueAt, type SourceDoc } from "../load/source.js";
import type { Settings } from "./cluster.js";
import { isPlainObject } from "./merge.js";

/**
 * Which settings a cluster uses. Every field of a Cluster's `spec.overrides` either takes effect
 * or is reported with the reason it cannot: nothing written there is ignored in silence.
 *
 * Two kinds of reason: the cluster's role and the fleet's mode (known before anything is
 * rendered, so such settings are not rendered either: a template meant for members never fails
 * on the host), and the merged settings themselves (a node port with `exposure.type:
 * LoadBalancer`, the operator's image with `operator.install: false`), known after merging.
 */

type Mode = FleetSpec["mode"];
type Role = Cluster["spec"]["role"];

interface Rule {
  /** Why a cluster of this role in this mode does not use the field; nothing when it does. */
  readonly unused?: (mode: Mode, role: Role) => string | undefined;
  readonly fields?: Readonly<Record<string, Rule>>;
}

const onHost = (what: string) => (_mode: Mode, role: Role) => (role === "host" ? undefined : `${what} on the host only`);

/** By role and mode, field by field; a field without a rule is used wherever its parent is. */
const RULES: Readonly<Record<keyof ClusterOverrides, Rule>> = {
  operator: { unused: onHost("the operator is installed") },
  prometheus: {
    fields: {
      externalLabel: { unused: (mode) => (mode === "central" ? "the external label is set in scattered mode only (central mode tells clusters apart by the gateway's tenant)" : undefined) },
      thanos: { unused: (mode) => (mode === "central" ? "the Thanos sidecar runs in scattered mode only" : undefined) },
    },
  },
  exposure: {
    unused: (mode, role) =>
      mode === "central" && role !== "host"
        ? "in central mode only the host's gateway is exposed"
        : mode === "scattered" && role === "host"
          ? "in scattered mode only the members' Thanos sidecars are exposed"
          : undefined,
    fields: {
      gatewayNodePort: { unused: (mode) => (mode === "central" ? undefined : "the gateway is exposed in central mode only") },
      sidecarNodePort: { unused: (mode) => (mode === "scattered" ? undefined : "the Thanos sidecars are exposed in scattered mode only") },
    },
  },
  scattered: {
    unused: (mode) => (mode === "scattered" ? undefined : "the scattered settings are used in scattered mode only"),
    fields: {
      service: { unused: onHost("the query Service runs") },
      sidecarAddress: { unused: (_mode, role) => (role === "host" ? "the host reaches its own sidecar through prometheus-operated:10901" : undefined) },
    },
  },
  central: {
    unused: (mode) => (mode === "central" ? undefined : "the central settings are used in central mode only"),
    fields: {
      service: { unused: onHost("the gateway Service runs") },
      store: { unused: onHost("the Store runs") },
      ingestors: { unused: onHost("the ingestors run") },
      objectStorage: { unused: onHost("object storage is used") },
    },
  },
  kubesphere: { unused: (mode) => (mode === "central" ? undefined : "the ks-apiserver monitoring endpoint is set in central mode only") },
};

/** A setting that cannot take effect, and why; its path is relative to `spec.overrides`. */
export interface Ineffective {
  readonly path: DocPath;
  /** What follows "has no effect". */
  readonly why: string;
}

/** The part of a settings tree that a cluster of this role uses in this mode, and what it leaves out. */
export function usedPart(mode: Mode, role: Role, s: ClusterOverrides): { used: ClusterOverrides; unused: Ineffective[] } {
  const unused: Ineffective[] = [];
  const used = prune(s as Record<string, unknown>, RULES as Readonly<Record<string, Rule>>, [], mode, role, unused) as ClusterOverrides;
  return { used, unused };
}

/** The part of a settings tree that a cluster of this role uses in this mode. */
export function relevant(mode: Mode, role: Role, s: ClusterOverrides): ClusterOverrides {
  return usedPart(mode, role, s).used;
}

function prune(value: Record<string, unknown>, rules: Readonly<Record<string, Rule>>, at: DocPath, mode: Mode, role: Role, unused: Ineffective[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const rule = rules[key];
    const reason = rule?.unused?.(mode, role);
    if (reason !== undefined) {
      unused.push({ path: [...at, key], why: ` on a ${role} in ${mode} mode: ${reason}` });
      continue;
    }
    if (rule?.fields === undefined || !isPlainObject(v)) {
      out[key] = v;
      continue;
    }
    const kept = prune(v, rule.fields, [...at, key], mode, role, unused);
    // Everything in it was left out (and reported): nothing is left to merge.
    if (Object.keys(kept).length > 0 || Object.keys(v).length === 0) out[key] = kept;
  }
  return out;
}

/**
 * Overrides this cluster uses by role and mode that still cannot take effect, given the merged
 * settings (`s`) and what they were merged over (`base`: the defaults and the Fleet).
 */
export function ineffectiveOverrides(used: ClusterOverrides, s: Settings, base: Partial<Settings>, mode: Mode): Ineffective[] {
  const out: Ineffective[] = [];
  const has = (...p: string[]) => hasPath(used, p);
  const flag = (p: DocPath, why: string) => out.push({ path: p, why: ` ${why}` });

  if (s.operator.install === false) {
    const why = "while operator.install is false: the operator is not rendered";
    for (const f of ["image", "imagePullPolicy", "namespace", "replicas"]) if (has("operator", f)) flag(["operator", f], why);
    // In central mode it also allows an unpinned gateway image, which is rendered either way.
    if (mode === "scattered" && has("operator", "allowUnpinnedImage")) flag(["operator", "allowUnpinnedImage"], why);
  }
  const type = s.exposure.type;
  if (type !== "NodePort") {
    for (const f of ["gatewayNodePort", "sidecarNodePort"]) if (has("exposure", f)) flag(["exposure", f], `with exposure.type ${type}: node ports are used with NodePort only`);
  }
  if (type === "None") {
    for (const f of ["annotations", "sourceRanges", "restrictToFleet"]) if (has("exposure", f)) flag(["exposure", f], "with exposure.type None: no exposing Service is rendered");
  }
  if (s.kubesphere.strategy !== "configMap" && has("kubesphere", "base")) {
    flag(["kubesphere", "base"], `with kubesphere.strategy ${s.kubesphere.strategy ?? "clusterConfiguration"}: a base is read with configMap only`);
  }
  const storage = s.central.objectStorage;
  if (storage?.source?.existingSecret !== undefined && s.central.store?.spec?.objectStorageConfig !== undefined) {
    const why = "with source existingSecret and central.store.spec.objectStorageConfig set: the Secret exists already and the Store names it, so nothing reads this";
    for (const f of ["secretName", "key"]) if (has("central", "objectStorage", f)) flag(["central", "objectStorage", f], why);
  }
  for (const [k, v] of Object.entries(used)) emptyMappings(v, (base as Record<string, unknown>)[k], [k], out);
  return out;
}

/**
 * `{}` over a mapping that has fields merges nothing: an override cannot remove what the
 * Fleet or a default sets, only set fields of its own. (Lists replace, so inside a list `{}` is a value.)
 */
function emptyMappings(over: unknown, base: unknown, at: DocPath, out: Ineffective[]): void {
  if (!isPlainObject(over)) return;
  if (Object.keys(over).length === 0) {
    if (isPlainObject(base) && Object.keys(base).length > 0) {
      out.push({ path: at, why: `: an empty mapping merges nothing (mappings merge key by key), so it cannot remove what the Fleet or a default sets here (${describeKeys(base)}); set the fields to change instead` });
    }
    return;
  }
  for (const [k, v] of Object.entries(over)) emptyMappings(v, isPlainObject(base) ? base[k] : undefined, [...at, k], out);
}

function describeKeys(obj: Record<string, unknown>): string {
  const keys = Object.keys(obj).sort();
  return keys.length <= 5 ? keys.join(", ") : `${keys.slice(0, 5).join(", ")}, …`;
}

function hasPath(value: unknown, p: readonly string[]): boolean {
  let cur = value;
  for (const seg of p) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, seg) || cur[seg] === undefined) return false;
    cur = cur[seg];
  }
  return true;
}

/** Overrides a cluster sets that cannot take effect: a warning each, at its key, since they look like they do something. */
export function overrideWarnings(src: SourceDoc, found: readonly Ineffective[]): Issue[] {
  return found.map(({ path, why }) => issueAt(src, ["spec", "overrides", ...path], "unused-setting", `has no effect${why}`, { severity: "warning", key: true }));
}
