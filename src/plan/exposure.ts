import { clientsOf } from "../resolve/exposure.js";
import type { ExposureSettings, ResolvedCluster, ResolvedFleet } from "../resolve/model.js";
import { byCodeUnits } from "../order.js";
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
  const port = { name: "http", port: 9090, targetPort: 9090, nodePort: e.gatewayNodePort };
  const admitted = admittedSources(e, clientsOf("central", host, [host, ...fleet.members]));
  return exposed(`gateway-${host.central.serviceName}-external`, fleet.namespace, e, gatewayPodLabels(host.central.serviceName), port, admitted, host.nodeAddresses);
}

export function sidecarExposure(fleet: ResolvedFleet, cluster: ResolvedCluster): K8sObject[] {
  const e = cluster.exposure;
  if (e.type === "None") return [];
  const p = cluster.prometheus;
  const port = { name: "grpc", port: 10901, targetPort: 10901, nodePort: e.sidecarNodePort };
  // `prometheus: <name>` is on the Prometheus pods in every prometheus-operator version KubeSphere 3.x ships.
  return exposed(`prometheus-${p.name}-thanos-sidecar`, p.namespace, e, { prometheus: p.name }, port, admittedSources(e, clientsOf("scattered", cluster, [fleet.host, ...fleet.members])), cluster.nodeAddresses);
}

/** The networks admitted to a port: its own `sourceRanges`, and with `restrictToFleet` its clients' nodes. Sorted, without repeats. */
function admittedSources(exposure: ExposureSettings, clients: readonly ResolvedCluster[]): string[] {
  const fleet = exposure.restrictToFleet ? clients.flatMap((c) => c.nodeAddresses) : [];
  return [...new Set([...exposure.sourceRanges, ...fleet])].sort(byCodeUnits);
}

interface Port {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
  readonly nodePort: number;
}

/**
 * The exposing Service, and when only some networks are admitted, what keeps the others out.
 * A NodePort or LoadBalancer Service under `externalTrafficPolicy: Cluster` rewrites the
 * client's address to a node's (kube-proxy masquerades it), so a NetworkPolicy could not
 * tell clients apart: `Local` keeps the address (only nodes that run a selected pod answer).
 * `loadBalancerSourceRanges` is enforced by the load balancer and kube-proxy for the
 * balancer's address; the NetworkPolicy covers the node ports a LoadBalancer has too.
 */
function exposed(name: string, namespace: string, e: ExposureSettings, selector: Record<string, string>, port: Port, admitted: readonly string[], ownNodes: readonly string[]): K8sObject[] {
  const restricted = admitted.length > 0;
  const service: K8sObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, labels: { ...MANAGED_BY }, annotations: withWave(WAVE.service, { ...e.annotations }) },
    spec: {
      type: e.type,
      selector,
      ports: [{ name: port.name, protocol: "TCP", port: port.port, targetPort: port.targetPort, ...(e.type === "NodePort" ? { nodePort: port.nodePort } : {}) }],
      ...(restricted ? { externalTrafficPolicy: "Local" } : {}),
      ...(restricted && e.type === "LoadBalancer" ? { loadBalancerSourceRanges: [...admitted] } : {}),
    },
  };
  if (!restricted) return [service];
  const ipBlocks = (cidrs: readonly string[]) => cidrs.map((cidr) => ({ ipBlock: { cidr } }));
  const policy: K8sObject = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace, labels: { ...MANAGED_BY }, annotations: withWave(WAVE.service) },
    spec: {
      podSelector: { matchLabels: { ...selector } },
      policyTypes: ["Ingress"],
      ingress: [
        // Every pod of this cluster (and its own nodes, when declared) as before, on any port.
        { from: [{ namespaceSelector: {} }, ...ipBlocks(ownNodes)] },
        { from: ipBlocks(admitted), ports: [{ protocol: "TCP", port: port.targetPort }] },
      ],
    },
  };
  return [service, policy];
}
