import type { ResolvedCluster, ResolvedFleet } from "../resolve/model.js";
import { centralObjects } from "./central.js";
import { crdObjects } from "./crds.js";
import { gatewayExposure, sidecarExposure } from "./exposure.js";
import { applicationSet, fluxKustomization } from "./gitops.js";
import { clusterConfigurationPatch, kubesphereConfigMap, monitoringEndpoint } from "./kubesphere.js";
import type { ClusterPlan, K8sObject, Plan, PlannedObject } from "./objects.js";
import { operatorObjects } from "./operator.js";
import { prometheusPatch } from "./prometheus.js";
import { scatteredService } from "./scattered.js";
import { externalSecret } from "./secrets.js";
import { secretNamespaces, type Assets } from "../resolve/assets.js";
import { byCodeUnits } from "../order.js";

/**
 * The Kubernetes objects of every overlay, as data. Pure, and cheap enough to plan the
 * whole fleet even when only some overlays are written (`--cluster`).
 */
export function planFleet(fleet: ResolvedFleet, assets: Assets): Plan {
  const all = [fleet.host, ...fleet.members].sort((a, b) => byCodeUnits(a.name, b.name));
  const everyFile = [fleet.fleetFile, ...all.map((c) => c.file)];
  const usesSops = fleet.mode === "central" && fleet.host.central.objectStorage.source.kind === "sops";

  const clusters: ClusterPlan[] = all.map((c) => ({
    cluster: c.name,
    objects: c.role === "host" ? hostObjects(fleet, assets, everyFile) : memberObjects(fleet, c, assets),
  }));
  const argo = applicationSet(fleet, all, (name) => `${fleet.argocd?.path ?? "overlays"}/${name}`);
  return {
    clusters,
    argocd: argo === null ? null : { object: argo, sources: everyFile },
    flux: all.flatMap((c) => {
      const k = fluxKustomization(fleet, c, `${fleet.flux?.path ?? "./overlays"}/${c.name}`, usesSops && c.role === "host");
      return k === null ? [] : [{ cluster: c.name, object: { object: k, sources: inputsOf(fleet, c) } }];
    }),
  };
}

function planned(objects: readonly K8sObject[], sources: readonly string[]): PlannedObject[] {
  return objects.map((object) => ({ object, sources }));
}

/**
 * The files a cluster's own objects are rendered from: the fleet, the cluster, and for a
 * member the host too, since every template can read `host` (the gateway URL usually does).
 */
function inputsOf(fleet: ResolvedFleet, c: ResolvedCluster): string[] {
  return c.role === "host" ? [fleet.fleetFile, c.file] : [fleet.fleetFile, fleet.host.file, c.file];
}

/** What every cluster gets: the Prometheus patch, and in central mode the ks-apiserver endpoint. */
function commonObjects(fleet: ResolvedFleet, c: ResolvedCluster, assets: Assets): PlannedObject[] {
  const own = inputsOf(fleet, c);
  const out = planned([prometheusPatch(fleet.mode, c)], own);
  if (fleet.mode === "central") {
    const base = c.kubesphere.base;
    if (base === undefined) out.push(...planned([clusterConfigurationPatch(c)], own));
    else out.push(...planned([kubesphereConfigMap(assets.kubesphereBase(base), monitoringEndpoint(c))], [...own, base.display]));
  }
  return out;
}

function memberObjects(fleet: ResolvedFleet, c: ResolvedCluster, assets: Assets): PlannedObject[] {
  const out = commonObjects(fleet, c, assets);
  if (fleet.mode === "scattered") out.push(...planned(sidecarExposure(fleet, c), inputsOf(fleet, c)));
  return out;
}

function hostObjects(fleet: ResolvedFleet, assets: Assets, everyFile: readonly string[]): PlannedObject[] {
  const host = fleet.host;
  const own = [fleet.fleetFile, host.file];
  const out: PlannedObject[] = [];
  if (host.operator.install) out.push(...planned([...crdObjects(), ...operatorObjects(host.operator)], own));
  out.push(...commonObjects(fleet, host, assets));
  if (fleet.mode === "scattered") {
    // The store list names every member's sidecar: its provenance is the whole fleet.
    out.push(...planned([scatteredService(fleet)], everyFile));
    return out;
  }
  out.push(...planned(centralObjects(fleet), own));
  // With restrictToFleet the gateway admits every cluster's nodes: its provenance is the whole fleet.
  out.push(...planned(gatewayExposure(fleet), host.exposure.restrictToFleet ? everyFile : own));
  const storage = host.central.objectStorage;
  const source = storage.source;
  for (const ns of secretNamespaces(fleet)) {
    if (source.kind === "externalSecret") out.push(...planned([externalSecret(storage, source.externalSecret, ns)], own));
    else if (source.kind === "sealedSecret" || source.kind === "sops") {
      const doc = assets.secretFor(source.file, ns);
      out.push({ object: doc.object, sources: [...own, source.file.display], verbatim: doc.text });
    }
  }
  return out;
}
