import type { ExposureSettings, ResolvedCluster, ResolvedFleet } from "../resolve/model.js";
import { MANAGED_BY, withWave, WAVE, type K8sObject } from "./objects.js";

/**
 * Every Service the operator creates is headless, and prometheus-operator's
 * `prometheus-operated` is too: nothing in another cluster can reach them. These Services
 * expose the host gateway (central) and each member's Thanos sidecar (scattered) as the
 * Fleet chooses, NodePort or LoadBalancer, or not at all.
 */

/** The operator's gateway pods, as its gateway Deployment labels them at this API version. */
export function gatewayPodLabels(serviceName: string): Record<string, string> {
  return { "app.kubernetes.io/name": "paodin-monitoring-gateway", "app.kubernetes.io/managed-by": serviceName, "app.kubernetes.io/part-of": "service" };
}

export function gatewayExposure(fleet: ResolvedFleet): K8sObject[] {
  const host = fleet.host;
  const e = host.exposure;
  if (e.type === "None") return [];
  return [
    exposingService(`gateway-${host.central.serviceName}-external`, fleet.namespace, e, gatewayPodLabels(host.central.serviceName), {
      name: "http",
      port: 9090,
      targetPort: 9090,
      nodePort: e.gatewayNodePort,
    }),
  ];
}

export function sidecarExposure(cluster: ResolvedCluster): K8sObject[] {
  const e = cluster.exposure;
  if (e.type === "None") return [];
  const p = cluster.prometheus;
  // `prometheus: <name>` is on the Prometheus pods in every prometheus-operator version KubeSphere 3.x ships.
  return [
    exposingService(`prometheus-${p.name}-thanos-sidecar`, p.namespace, e, { prometheus: p.name }, {
      name: "grpc",
      port: 10901,
      targetPort: 10901,
      nodePort: e.sidecarNodePort,
    }),
  ];
}

function exposingService(
  name: string,
  namespace: string,
  e: ExposureSettings,
  selector: Record<string, string>,
  port: { name: string; port: number; targetPort: number; nodePort: number },
): K8sObject {
  const annotations = withWave(WAVE.service, { ...e.annotations });
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, labels: { ...MANAGED_BY }, annotations },
    spec: {
      type: e.type,
      selector,
      ports: [{ name: port.name, protocol: "TCP", port: port.port, targetPort: port.targetPort, ...(e.type === "NodePort" ? { nodePort: port.nodePort } : {}) }],
    },
  };
}
