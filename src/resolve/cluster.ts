import path from "node:path";
import type { DocPath } from "../diagnostics/issue.js";
import type { Cluster } from "../generated/paodin-fleet/cluster_v1alpha1.js";
import { positionOf } from "../load/source.js";
import { checkGatewayURL } from "./checks.js";
import { checkCluster, origin, type ClusterContext } from "./cluster-checks.js";
import type { Asset, CentralSettings, ObjectStorageSource, RemoteWriteTLS, ResolvedCluster } from "./model.js";
import type { Settings } from "./settings.js";

export type { ClusterContext } from "./cluster-checks.js";
export type { Settings } from "./settings.js";

/**
 * One cluster's settings, merged and with defaults filled in (settings.ts), turned into what the
 * planner reads, then checked (cluster-checks.ts). The assembly reports nothing: a setting that
 * is missing or wrong is assembled as an empty value, and the checks say what is wrong with it.
 */
export function resolveCluster(ctx: ClusterContext, clusterSpec: Cluster["spec"], s: Settings): ResolvedCluster {
  const resolved = assembleCluster(ctx, clusterSpec, s);
  checkCluster(ctx, s, resolved);
  return resolved;
}

function assembleCluster(ctx: ClusterContext, clusterSpec: Cluster["spec"], s: Settings): ResolvedCluster {
  const c = ctx.doc.value;
  const name = c.metadata.name;
  const role = c.spec.role;
  const isHost = role === "host";

  const kubesphere = s.kubesphere;
  const base = ctx.mode === "central" && kubesphere.strategy === "configMap" && kubesphere.base !== undefined ? asset(ctx, ["kubesphere", "base"], kubesphere.base) : undefined;

  const kubeConfigSpec = clusterSpec.kubeConfig;
  const kubeConfig = kubeConfigSpec !== undefined || !isHost
    ? { secretName: kubeConfigSpec?.secretName ?? `${name}-kubeconfig`, ...(kubeConfigSpec?.key !== undefined ? { key: kubeConfigSpec.key } : {}) }
    : null;
  const dest = clusterSpec.destination;
  const destination =
    dest?.server !== undefined ? { server: dest.server } : dest?.name !== undefined ? { name: dest.name } : isHost ? { server: "https://kubernetes.default.svc" } : { name };

  return {
    name,
    role,
    labels: { ...c.metadata.labels },
    file: ctx.doc.src.file,
    destination,
    kubeConfig,
    operator: {
      install: s.operator.install,
      image: s.operator.image ?? "",
      imagePullPolicy: s.operator.imagePullPolicy,
      namespace: s.operator.namespace,
      replicas: s.operator.replicas,
    },
    prometheus: {
      name: s.prometheus.name,
      namespace: s.prometheus.namespace,
      externalLabel: s.prometheus.externalLabel,
      thanos: s.prometheus.thanos,
    },
    exposure: {
      type: s.exposure.type,
      gatewayNodePort: s.exposure.gatewayNodePort,
      sidecarNodePort: s.exposure.sidecarNodePort,
      annotations: s.exposure.annotations,
      sourceRanges: s.exposure.sourceRanges,
      restrictToFleet: s.exposure.restrictToFleet,
    },
    nodeAddresses: clusterSpec.nodeAddresses ?? [],
    scattered: {
      serviceName: s.scattered.service.name,
      serviceSpec: s.scattered.service.spec,
      // Where the host reaches this member's sidecar: members in scattered mode only.
      sidecarAddress: ctx.mode === "scattered" && !isHost ? (s.scattered.sidecarAddress ?? "") : "",
    },
    central: assembleCentral(ctx, s),
    kubesphere: { strategy: kubesphere.strategy, ...(base !== undefined ? { base } : {}) },
  };
}

function assembleCentral(ctx: ClusterContext, s: Settings): CentralSettings {
  const c = s.central;
  // Normalised (no trailing slash) when it is a URL at all; the checks report it otherwise.
  const checked = ctx.mode === "central" && c.gatewayURL !== undefined ? checkGatewayURL(c.gatewayURL) : undefined;
  const gatewayURL = checked !== undefined && "url" in checked ? checked.url : "";
  const { secretName, key, source: from } = c.objectStorage;
  let source: ObjectStorageSource = { kind: "existingSecret" };
  if (from?.externalSecret !== undefined) source = { kind: "externalSecret", externalSecret: { ...from.externalSecret } };
  else if (from?.sealedSecret !== undefined) source = { kind: "sealedSecret", file: asset(ctx, ["central", "objectStorage", "source", "sealedSecret", "file"], from.sealedSecret.file) };
  else if (from?.sops !== undefined) source = { kind: "sops", file: asset(ctx, ["central", "objectStorage", "source", "sops", "file"], from.sops.file) };

  const storeName = c.store.name;
  const storeSpec = { ...c.store.spec, objectStorageConfig: c.store.spec.objectStorageConfig ?? { name: secretName, key } };
  const ingestors = c.ingestors.map((i) => ({
    name: i.name,
    namespace: i.namespace ?? ctx.namespace,
    spec: { ...i.spec, longTermStore: i.spec?.longTermStore ?? { namespace: ctx.namespace, name: storeName } },
  }));
  return {
    gatewayURL,
    ...(c.remoteWriteTLS !== undefined ? { remoteWriteTLS: c.remoteWriteTLS as RemoteWriteTLS } : {}),
    serviceName: c.service.name,
    serviceSpec: c.service.spec,
    store: { name: storeName, spec: storeSpec },
    ingestors,
    objectStorage: { secretName, key, source },
  };
}

/** A file named in the fleet: relative to the file that names it. Whether it stays in the project is checked when it is read. */
function asset(ctx: ClusterContext, settingPath: DocPath, file: string): Asset {
  const o = origin(ctx, settingPath);
  const abs = path.resolve(path.dirname(o.src.absPath), file);
  const shown = path.posix.join(path.posix.dirname(o.src.file), file.split(path.sep).join("/"));
  // The position only for a message about the file: it takes the naming file parsed with positions.
  let pos: { line: number; col: number } | undefined;
  const at = () => (pos ??= positionOf(o.src, o.path));
  return {
    path: abs,
    display: shown,
    namedAt: {
      file: o.src.file,
      get line() {
        return at().line;
      },
      get col() {
        return at().col;
      },
      path: o.path,
    },
  };
}

