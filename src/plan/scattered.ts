import type { ResolvedFleet } from "../resolve/model.js";
import { merge } from "../resolve/merge.js";
import { MANAGED_BY, SKIP_DRY_RUN, withWave, WAVE, type K8sObject } from "./objects.js";

/** The host's own sidecar, through prometheus-operator's headless `prometheus-operated` Service. */
export function hostSidecarAddress(fleet: ResolvedFleet): string {
  const promNs = fleet.host.prometheus.namespace;
  return promNs === fleet.namespace ? "prometheus-operated:10901" : `prometheus-operated.${promNs}.svc:10901`;
}

/**
 * The query Service on the host, over the host's and every member's Thanos sidecar. The
 * CRD keeps stores under `spec.thanos.query.stores` (the manual's example has them at the
 * top of `spec`, which the API server would prune). Stores the fleet lists itself are kept.
 */
export function scatteredService(fleet: ResolvedFleet): K8sObject {
  const host = fleet.host;
  const own = host.scattered.serviceSpec;
  const addresses = [hostSidecarAddress(fleet), ...fleet.members.map((m) => m.scattered.sidecarAddress)];
  const stores = [...(own.thanos?.query?.stores ?? []), { addresses }];
  const spec = merge(own, { thanos: { query: { stores } } });
  return {
    apiVersion: "monitoring.paodin.io/v1alpha1",
    kind: "Service",
    metadata: {
      name: host.scattered.serviceName,
      namespace: fleet.namespace,
      labels: { ...MANAGED_BY },
      annotations: withWave(WAVE.service, host.operator.install ? { ...SKIP_DRY_RUN } : {}),
    },
    spec,
  };
}
