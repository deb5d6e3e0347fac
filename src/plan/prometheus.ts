import type { Mode, RemoteWriteTLS, ResolvedCluster } from "../resolve/model.js";
import { PARTIAL_OBJECT_ANNOTATIONS, withWave, WAVE, type K8sObject } from "./objects.js";

/**
 * The fields of KubeSphere's Prometheus that the fleet owns, as a partial object for
 * server-side apply. Nothing else goes in: every field listed here is taken from whoever
 * managed it before, and `remoteWrite` is an atomic list, owned whole.
 */
export function prometheusPatch(mode: Mode, cluster: ResolvedCluster): K8sObject {
  const p = cluster.prometheus;
  const spec: Record<string, unknown> =
    mode === "scattered"
      ? { externalLabels: { [p.externalLabel]: cluster.name }, thanos: { ...p.thanos } }
      : { remoteWrite: [{ url: `${cluster.central.gatewayURL}/${cluster.name}/api/v1/receive`, ...remoteWriteTLS(cluster.central.remoteWriteTLS) }] };
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "Prometheus",
    metadata: { name: p.name, namespace: p.namespace, annotations: withWave(WAVE.patch, { ...PARTIAL_OBJECT_ANNOTATIONS }) },
    spec,
  };
}

/** prometheus-operator's `tlsConfig` of a remote write (SafeTLSConfig: Secrets in the Prometheus' namespace). */
function remoteWriteTLS(tls: RemoteWriteTLS | undefined): { tlsConfig?: Record<string, unknown> } {
  if (tls === undefined) return {};
  const ref = (r: { name: string; key: string }) => ({ name: r.name, key: r.key });
  return {
    tlsConfig: {
      ...(tls.caSecret !== undefined ? { ca: { secret: ref(tls.caSecret) } } : {}),
      ...(tls.certSecret !== undefined ? { cert: { secret: ref(tls.certSecret) } } : {}),
      ...(tls.keySecret !== undefined ? { keySecret: ref(tls.keySecret) } : {}),
      ...(tls.serverName !== undefined ? { serverName: tls.serverName } : {}),
    },
  };
}
