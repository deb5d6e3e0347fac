/** Kubernetes objects as plain data, with what the planner knows about each. */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface PlannedObject {
  readonly object: K8sObject;
  /** Input files it was rendered from, for the generated file's header. */
  readonly sources: readonly string[];
  /**
   * A document copied through as written (a sealed or SOPS-encrypted Secret): emitted with
   * its original text, never re-serialised, so that signatures and MACs stay valid.
   */
  readonly verbatim?: string;
}

/** The objects of one cluster's overlay. */
export interface ClusterPlan {
  readonly cluster: string;
  readonly objects: readonly PlannedObject[];
}

export interface Plan {
  /** Sorted by cluster name. */
  readonly clusters: readonly ClusterPlan[];
  readonly argocd: PlannedObject | null;
  /** One Flux Kustomization per cluster, sorted by cluster name. */
  readonly flux: readonly { readonly cluster: string; readonly object: PlannedObject }[];
}

export const MANAGED_BY = { "app.kubernetes.io/managed-by": "paodin-fleet" } as const;

/** Argo CD applies waves in order: CRDs and the operator, then Secret and Store, the Service, the ingestors, and last the patches. */
export const WAVE = {
  operator: "-1",
  storage: "0",
  service: "1",
  ingestor: "2",
  patch: "3",
} as const;

export function withWave(wave: string, annotations: Record<string, string> = {}): Record<string, string> {
  return { ...annotations, "argocd.argoproj.io/sync-wave": wave };
}

/**
 * Objects that exist in the cluster and that the fleet only patches (the Prometheus
 * `k8s`, ks-installer's ClusterConfiguration, kubesphere-config): server-side applied as
 * partial objects, and never pruned or deleted by Argo CD or Flux.
 */
export const PARTIAL_OBJECT_ANNOTATIONS: Readonly<Record<string, string>> = {
  "argocd.argoproj.io/sync-options": "ServerSideApply=true,Validate=false,Prune=false,Delete=false",
  "kustomize.toolkit.fluxcd.io/ssa": "Merge",
  "kustomize.toolkit.fluxcd.io/prune": "disabled",
};

/** A custom resource whose CRD the same sync may create: Argo CD must not dry-run it first. */
export const SKIP_DRY_RUN = { "argocd.argoproj.io/sync-options": "SkipDryRunOnMissingResource=true" } as const;
