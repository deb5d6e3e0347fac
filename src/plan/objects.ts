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
 * partial objects, and never pruned or deleted by Argo CD or Flux. Each annotation is
 * there for an engine behaviour read in its code (README, "Objects the fleet patches"):
 *
 * - `last-applied-configuration: {}`: ks-installer created these objects with `kubectl
 *   apply`, so `kubectl-client-side-apply` owns every field and the annotation. After a
 *   server-side apply, kubectl (k8s.io/kubectl >= 0.26, vendored by Argo CD 2.10 and later:
 *   apply.go, migrateToSSAIfNecessary) hands all fields of the Update managers that own this
 *   annotation to the applier and applies again, which deletes every field the partial
 *   object lacks. Setting the annotation (forced, as Argo CD and Flux always apply) takes it
 *   from those managers, so none is found and nothing is migrated. `{}` is what kubectl's
 *   three-way merge reads as "nothing applied before", so a later `kubectl apply` by
 *   ks-installer or a person deletes nothing either.
 * - Flux: `ssa: merge` keeps the object out of the kustomize-controller's clean-up of
 *   `kubectl` managers (the same migration); written in lower case, the only spelling
 *   kustomize-controller v1.0 matches (v1.1 and later compare case-insensitively).
 */
export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
export const PARTIAL_OBJECT_ANNOTATIONS: Readonly<Record<string, string>> = {
  "argocd.argoproj.io/sync-options": "ServerSideApply=true,Validate=false,Prune=false,Delete=false",
  [LAST_APPLIED]: "{}",
  "kustomize.toolkit.fluxcd.io/ssa": "merge",
  "kustomize.toolkit.fluxcd.io/prune": "disabled",
};

/** A custom resource whose CRD the same sync may create: Argo CD must not dry-run it first. */
export const SKIP_DRY_RUN = { "argocd.argoproj.io/sync-options": "SkipDryRunOnMissingResource=true" } as const;
