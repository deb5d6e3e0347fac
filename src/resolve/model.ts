import type { Service } from "../generated/monitoring.paodin.io/service_v1alpha1.js";
import type { Store } from "../generated/monitoring.paodin.io/store_v1alpha1.js";
import type { ThanosReceiveIngestor } from "../generated/monitoring.paodin.io/thanosreceiveingestor_v1alpha1.js";
import type { ExternalSecretSource, Flux } from "../generated/paodin-fleet/fleet_v1alpha1.js";
import type { Asset } from "../load/assets.js";

export type { Asset } from "../load/assets.js";

/**
 * The fleet after defaults, overrides and templates: everything the planner needs,
 * with no optional setting left to guess. Built by resolve/, read by plan/.
 */

export type ServiceSpec = NonNullable<Service["spec"]>;
export type StoreSpec = NonNullable<Store["spec"]>;
export type IngestorSpec = NonNullable<ThanosReceiveIngestor["spec"]>;

export type Mode = "scattered" | "central";
export type Role = "host" | "member";

export interface ResolvedFleet {
  readonly name: string;
  readonly mode: Mode;
  /** Namespace of the paodin objects and the object-storage Secret. */
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly host: ResolvedCluster;
  /** Sorted by name. */
  readonly members: readonly ResolvedCluster[];
  readonly argocd: ArgoSettings | null;
  readonly flux: FluxSettings | null;
  /** The Fleet's file, for provenance headers. */
  readonly fleetFile: string;
}

export interface ArgoSettings {
  readonly repoURL: string;
  readonly targetRevision: string;
  readonly path: string;
  readonly namespace: string;
  readonly project: string;
  readonly automated: boolean;
  readonly prune: boolean;
  readonly selfHeal: boolean;
  readonly serverSideApply: boolean;
  readonly preserveResourcesOnDeletion: boolean;
}

export interface FluxSettings {
  readonly namespace: string;
  readonly sourceRef: { readonly kind: NonNullable<NonNullable<Flux["sourceRef"]>["kind"]>; readonly name: string; readonly namespace?: string };
  readonly path: string;
  readonly interval: string;
  readonly prune: boolean;
  readonly wait: boolean;
  readonly timeout: string;
}

export interface ResolvedCluster {
  readonly name: string;
  readonly role: Role;
  readonly labels: Readonly<Record<string, string>>;
  /** The Cluster's file, for provenance headers. */
  readonly file: string;
  readonly destination: { readonly server: string } | { readonly name: string };
  readonly kubeConfig: { readonly secretName: string; readonly key?: string } | null;
  readonly operator: OperatorSettings;
  readonly prometheus: PrometheusSettings;
  readonly exposure: ExposureSettings;
  /** Networks this cluster's traffic to the others comes from; may be empty. */
  readonly nodeAddresses: readonly string[];
  readonly scattered: ScatteredSettings;
  readonly central: CentralSettings;
  readonly kubesphere: KubeSphereSettings;
}

export interface OperatorSettings {
  readonly install: boolean;
  /** Set whenever `install` is true (checked by resolve). */
  readonly image: string;
  readonly imagePullPolicy: "Always" | "IfNotPresent" | "Never";
  readonly namespace: string;
  readonly replicas: number;
}

export interface PrometheusSettings {
  readonly name: string;
  readonly namespace: string;
  readonly externalLabel: string;
  readonly thanos: { readonly image?: string; readonly version?: string };
}

export interface ExposureSettings {
  readonly type: "NodePort" | "LoadBalancer" | "None";
  readonly gatewayNodePort: number;
  readonly sidecarNodePort: number;
  readonly annotations: Readonly<Record<string, string>>;
  /** Networks admitted to the exposed port besides the fleet's nodes (`restrictToFleet`). */
  readonly sourceRanges: readonly string[];
  readonly restrictToFleet: boolean;
}

export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

export interface RemoteWriteTLS {
  readonly caSecret?: SecretKeyRef;
  readonly certSecret?: SecretKeyRef;
  readonly keySecret?: SecretKeyRef;
  readonly serverName?: string;
}

export interface ScatteredSettings {
  readonly serviceName: string;
  readonly serviceSpec: ServiceSpec;
  /** `host:port` of this cluster's sidecar as the host reaches it; for members in scattered mode. */
  readonly sidecarAddress: string;
}

export interface CentralSettings {
  /** Without a trailing slash; set whenever the mode is central. */
  readonly gatewayURL: string;
  /** `tlsConfig` of the remote write to the gateway, when it serves HTTPS. */
  readonly remoteWriteTLS?: RemoteWriteTLS;
  readonly serviceName: string;
  readonly serviceSpec: ServiceSpec;
  readonly store: { readonly name: string; readonly spec: StoreSpec };
  readonly ingestors: readonly { readonly name: string; readonly namespace: string; readonly spec: IngestorSpec }[];
  readonly objectStorage: ObjectStorageSettings;
}

export interface ObjectStorageSettings {
  readonly secretName: string;
  readonly key: string;
  readonly source: ObjectStorageSource;
}

export type ObjectStorageSource =
  | { readonly kind: "existingSecret" }
  | { readonly kind: "externalSecret"; readonly externalSecret: Required<Pick<ExternalSecretSource, "apiVersion" | "refreshInterval">> & ExternalSecretSource }
  | { readonly kind: "sealedSecret" | "sops"; readonly file: Asset };

export interface KubeSphereSettings {
  readonly strategy: "clusterConfiguration" | "configMap";
  /** The kubesphere.yaml base, with `configMap`. */
  readonly base?: Asset;
}
