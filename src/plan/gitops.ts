import type { ResolvedCluster, ResolvedFleet } from "../resolve/model.js";
import { MANAGED_BY, type K8sObject } from "./objects.js";

/**
 * One ApplicationSet with an Application per cluster. Application names depend on the
 * cluster name only, so adding or removing clusters never renames (and so never deletes and
 * recreates) another cluster's Application.
 */
export function applicationSet(fleet: ResolvedFleet, clusters: readonly ResolvedCluster[], overlaysPath: (cluster: string) => string): K8sObject | null {
  const argo = fleet.argocd;
  if (argo === null) return null;
  const elements = clusters.map((c) => ({
    cluster: c.name,
    path: overlaysPath(c.name),
    // Both keys on every element: with missingkey=error the template may not name an absent key.
    server: "server" in c.destination ? c.destination.server : "",
    destinationName: "name" in c.destination ? c.destination.name : "",
  }));
  const syncPolicy: Record<string, unknown> = {
    // ClientSideApplyMigration=false: Argo CD 3.1 and later would otherwise move the fields
    // ks-installer's `kubectl apply` owns to itself before applying the partial objects (3.1 to
    // 3.3.1 by a client-side apply of the partial manifest), and so delete them. Only read at
    // the Application level (argo-cd controller/sync.go); older versions ignore it.
    syncOptions: ["ClientSideApplyMigration=false", "CreateNamespace=false", ...(argo.serverSideApply ? ["ServerSideApply=true"] : [])],
    ...(argo.automated ? { automated: { prune: argo.prune, selfHeal: argo.selfHeal } } : {}),
  };
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "ApplicationSet",
    metadata: { name: fleet.name, namespace: argo.namespace, labels: { ...MANAGED_BY } },
    spec: {
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      generators: [{ list: { elements } }],
      syncPolicy: { preserveResourcesOnDeletion: argo.preserveResourcesOnDeletion },
      template: {
        metadata: {
          name: `${fleet.name}-{{.cluster}}`,
          labels: { ...MANAGED_BY, "paodin-fleet/fleet": fleet.name, "paodin-fleet/cluster": "{{.cluster}}" },
        },
        spec: {
          project: argo.project,
          source: { repoURL: argo.repoURL, targetRevision: argo.targetRevision, path: "{{.path}}" },
          destination: { server: "{{.server}}", name: "{{.destinationName}}" },
          syncPolicy,
        },
      },
    },
  };
}

/** A Flux Kustomization for one cluster's overlay; remote clusters are reached through their kubeconfig Secret. */
export function fluxKustomization(fleet: ResolvedFleet, cluster: ResolvedCluster, overlayPath: string, decryptSops: boolean): K8sObject | null {
  const flux = fleet.flux;
  if (flux === null) return null;
  const sourceRef: Record<string, string> = { kind: flux.sourceRef.kind, name: flux.sourceRef.name };
  if (flux.sourceRef.namespace !== undefined) sourceRef.namespace = flux.sourceRef.namespace;
  const spec: Record<string, unknown> = {
    interval: flux.interval,
    path: overlayPath,
    prune: flux.prune,
    sourceRef,
    timeout: flux.timeout,
    wait: flux.wait,
  };
  if (cluster.kubeConfig !== null) {
    spec.kubeConfig = { secretRef: { name: cluster.kubeConfig.secretName, ...(cluster.kubeConfig.key !== undefined ? { key: cluster.kubeConfig.key } : {}) } };
  }
  if (decryptSops) spec.decryption = { provider: "sops" };
  return {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata: { name: `${fleet.name}-${cluster.name}`, namespace: flux.namespace, labels: { ...MANAGED_BY, "paodin-fleet/fleet": fleet.name, "paodin-fleet/cluster": cluster.name } },
    spec,
  };
}
