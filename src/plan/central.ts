import type { ResolvedFleet } from "../resolve/model.js";
import { MANAGED_BY, SKIP_DRY_RUN, withWave, WAVE, type K8sObject } from "./objects.js";

/** The label that binds Stores and ingestors to their Service; the operator splits its value on ".". */
export const SERVICE_LABEL = "monitoring.paodin.io/service";

/**
 * The host's central objects: the Service (gateway, query, receive router), the Store for
 * long-term data, the ingestors, and the gateway's ServiceAccount, which the operator's
 * gateway Deployment names at this API version but nothing creates.
 */
export function centralObjects(fleet: ResolvedFleet): K8sObject[] {
  const host = fleet.host;
  const c = host.central;
  const ns = fleet.namespace;
  const binding = { ...MANAGED_BY, [SERVICE_LABEL]: `${ns}.${c.serviceName}` };
  const crAnnotations = (wave: string): Record<string, string> => withWave(wave, host.operator.install ? { ...SKIP_DRY_RUN } : {});
  return [
    {
      apiVersion: "monitoring.paodin.io/v1alpha1",
      kind: "Service",
      metadata: { name: c.serviceName, namespace: ns, labels: { ...MANAGED_BY }, annotations: crAnnotations(WAVE.service) },
      spec: c.serviceSpec,
    },
    {
      apiVersion: "monitoring.paodin.io/v1alpha1",
      kind: "Store",
      metadata: { name: c.store.name, namespace: ns, labels: binding, annotations: crAnnotations(WAVE.storage) },
      spec: c.store.spec,
    },
    ...c.ingestors.map((i) => ({
      apiVersion: "monitoring.paodin.io/v1alpha1",
      kind: "ThanosReceiveIngestor",
      metadata: { name: i.name, namespace: i.namespace, labels: binding, annotations: crAnnotations(WAVE.ingestor) },
      spec: i.spec,
    })),
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: `gateway-${c.serviceName}`, namespace: ns, labels: { ...MANAGED_BY }, annotations: withWave(WAVE.storage) },
    },
  ];
}
