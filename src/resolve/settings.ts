import type { Central, Exposure, ExternalSecretSource, KubeSphere, ObjectStorage, Operator, Prometheus, Scattered } from "../generated/paodin-fleet/fleet_v1alpha1.js";

/**
 * One cluster's settings: the sections of the Fleet's spec that a Cluster may override, merged
 * and with the schema's defaults filled in (resolve.ts, through defaults.ts). The generated
 * types leave every field optional, as a user may; this one says which fields the defaults
 * always fill, so that nothing that reads the settings has to assert it. A field without a
 * default in the schema stays optional here: its absence is for the checks to report.
 */
export type Settings = {
  operator: Filled<Operator, "install" | "allowUnpinnedImage" | "imagePullPolicy" | "namespace" | "replicas">;
  prometheus: Filled<Prometheus, "name" | "namespace" | "externalLabel" | "thanos">;
  exposure: Filled<Exposure, "type" | "gatewayNodePort" | "sidecarNodePort" | "annotations" | "sourceRanges" | "restrictToFleet">;
  scattered: Omit<Scattered, "service"> & { service: Filled<NonNullable<Scattered["service"]>, "name" | "spec"> };
  central: Omit<Central, "service" | "store" | "ingestors" | "objectStorage"> & {
    service: Filled<NonNullable<Central["service"]>, "name" | "spec">;
    store: Filled<NonNullable<Central["store"]>, "name" | "spec">;
    ingestors: NonNullable<Central["ingestors"]>;
    objectStorage: Omit<Filled<ObjectStorage, "secretName" | "key">, "source"> & { source?: ObjectStorageSourceSettings };
  };
  kubesphere: Filled<KubeSphere, "strategy" | "alerting">;
};

/** Where the object-storage Secret comes from; an ExternalSecret's defaults filled in too. */
export type ObjectStorageSourceSettings = Omit<NonNullable<ObjectStorage["source"]>, "externalSecret"> & {
  externalSecret?: Filled<ExternalSecretSource, "apiVersion" | "refreshInterval">;
};

/** `T` with the fields `K`, which the schema gives defaults, always set. */
type Filled<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
