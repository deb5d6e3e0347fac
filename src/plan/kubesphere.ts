import type { Document } from "yaml";
import { editedYaml } from "../emit/yaml.js";
import type { ResolvedCluster } from "../resolve/model.js";
import { PARTIAL_OBJECT_ANNOTATIONS, withWave, WAVE, type K8sObject } from "./objects.js";

export const KUBESPHERE_NAMESPACE = "kubesphere-system";

/** `<gatewayURL>/<cluster>`: the gateway serves each tenant's Prometheus API under its name. */
export function monitoringEndpoint(cluster: ResolvedCluster): string {
  return `${cluster.central.gatewayURL}/${cluster.name}`;
}

/**
 * KubeSphere 3.x: ks-installer regenerates kubesphere-config from its ClusterConfiguration on
 * every run, so the durable place for the endpoint is `spec.common.monitoring.endpoint` there.
 */
export function clusterConfigurationPatch(cluster: ResolvedCluster): K8sObject {
  return {
    apiVersion: "installer.kubesphere.io/v1alpha1",
    kind: "ClusterConfiguration",
    metadata: { name: "ks-installer", namespace: KUBESPHERE_NAMESPACE, annotations: withWave(WAVE.patch, { ...PARTIAL_OBJECT_ANNOTATIONS }) },
    spec: { common: { monitoring: { endpoint: monitoringEndpoint(cluster) } } },
  };
}

/**
 * For installs without ks-installer: kubesphere-config itself, its `kubesphere.yaml` the
 * fleet's base (checked by resolve/assets.ts) with `monitoring.endpoint` set, everything else as
 * written. The key is owned whole.
 */
export function kubesphereConfigMap(base: Document, endpoint: string): K8sObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "kubesphere-config", namespace: KUBESPHERE_NAMESPACE, annotations: withWave(WAVE.patch, { ...PARTIAL_OBJECT_ANNOTATIONS }) },
    data: { "kubesphere.yaml": editedYaml(base, ["monitoring", "endpoint"], endpoint) },
  };
}
