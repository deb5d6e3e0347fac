import path from "node:path";
import type { DocPath, Issue, IssueCode } from "../diagnostics/issue.js";
import type { Cluster } from "../generated/paodin-fleet/cluster_v1alpha1.js";
import type { ClusterOverrides, FleetSpec } from "../generated/paodin-fleet/fleet_v1alpha1.js";
import { hasValue, issueAt, positionOf, type SourceDoc } from "../load/source.js";
import { ajvIssues, type Anchor } from "../validate/ajv-issues.js";
import { writtenAt, type ClusterDoc } from "../validate/documents.js";
import { validatorFor } from "../validate/validators.js";
import { checkGatewayURL, checkStoreAddress, unpinnedReason } from "./checks.js";
import type { Asset, CentralSettings, ObjectStorageSource, ResolvedCluster } from "./model.js";
import { ingestorDefects, ingestorSetDefects, serviceDefects, storeDefects, type Defect } from "./operator-defects.js";

/**
 * One cluster's settings, merged and with defaults filled in, checked and turned into what
 * the planner reads. Problems are reported where the setting was written: the Cluster's
 * overrides, or the Fleet.
 */

const CR_SPEC_SCHEMAS = {
  service: "monitoring.paodin.io/service_v1alpha1.json#/properties/spec",
  store: "monitoring.paodin.io/store_v1alpha1.json#/properties/spec",
  ingestor: "monitoring.paodin.io/thanosreceiveingestor_v1alpha1.json#/properties/spec",
} as const;

/** The sections of the Fleet spec a Cluster may override (same names, same schema), defaults filled in. */
export type Settings = Required<Pick<FleetSpec, keyof ClusterOverrides>>;

export interface ClusterContext {
  readonly doc: ClusterDoc;
  readonly fleetSrc: SourceDoc;
  readonly issues: Issue[];
  readonly namespace: string;
  readonly mode: FleetSpec["mode"];
  /** A template at this place failed: it has been reported, and checks of its value would only repeat it. */
  readonly templateFailed: (src: SourceDoc, path: DocPath) => boolean;
}

/**
 * Where a merged setting was written: the Cluster's overrides, else the Fleet (else the nearest
 * place it belongs). Read from the document's value, so that no file is parsed for positions
 * unless an issue is placed in it.
 */
function origin(ctx: ClusterContext, settingPath: DocPath): { src: SourceDoc; path: DocPath } {
  const inCluster: DocPath = ["spec", "overrides", ...settingPath];
  if (hasValue(ctx.doc.src.value, inCluster)) return { src: ctx.doc.src, path: inCluster };
  return { src: ctx.fleetSrc, path: ["spec", ...settingPath] };
}

function report(ctx: ClusterContext, settingPath: DocPath, code: IssueCode, message: string): void {
  const o = origin(ctx, settingPath);
  if (ctx.templateFailed(o.src, o.path)) return;
  ctx.issues.push(issueAt(o.src, o.path, code, message));
}

/**
 * ks-installer 3.3 derives `alerting.prometheusEndpoint` of kubesphere-config (and the
 * ThanosRuler's query endpoints) from `common.monitoring.endpoint`
 * (roles/ks-core/config/templates/kubesphere-config.yaml.j2 at v3.3.2).
 */
const ALERTING_WARNING =
  "with strategy clusterConfiguration, ks-installer points KubeSphere alerting at the gateway too, which serves no /api/v1/rules and keeps metric metadata at /targets/meta: alert-rule status and metadata stop working; use strategy configMap, which changes monitoring.endpoint alone";

/**
 * The operator runs `junotx/paodin-monitoring-gateway:latest` when the Service names no
 * gateway image (pkg/controllers/monitoring/options/options.go at fdb79a7): a tag that moves,
 * pushed from a branch that soon renamed the API. The fleet pins it, as it pins the controller.
 */
function checkGatewayImage(ctx: ClusterContext, image: string | undefined, allowUnpinned: boolean): void {
  const at: DocPath = ["central", "service", "spec", "gateway", "image"];
  if (image === undefined) {
    if (!allowUnpinned) missing(ctx, at, undefined, "required in central mode: the gateway image, pinned by tag or digest; without it the operator runs junotx/paodin-monitoring-gateway:latest, which moves (or set operator.allowUnpinnedImage: true)");
    return;
  }
  const why = unpinnedReason(image);
  if (why !== undefined && !allowUnpinned) report(ctx, at, "unpinned-image", `${JSON.stringify(image)} is not pinned: ${why}; name a version tag or a digest (…@sha256:…), or set operator.allowUnpinnedImage: true`);
}

/**
 * A setting that is missing: reported where the setting that needs it was written (the
 * strategy that asks for a base, say), under the path of the missing field.
 */
function missing(ctx: ClusterContext, settingPath: DocPath, because: DocPath | undefined, message: string): void {
  const anchor = because !== undefined ? origin(ctx, because) : origin(ctx, settingPath);
  const prefix = anchor.path.slice(0, anchor.path.length - (because ?? settingPath).length);
  const full = [...prefix, ...settingPath];
  const { line, col } = positionOf(anchor.src, because !== undefined ? anchor.path : full);
  ctx.issues.push({ code: "required-setting", severity: "error", message, file: anchor.src.file, line, col, path: full });
}

export function resolveCluster(ctx: ClusterContext, clusterSpec: Cluster["spec"], s: Settings): ResolvedCluster {
  const c = ctx.doc.value;
  const name = c.metadata.name;
  const role = c.spec.role;
  const isHost = role === "host";

  const operator = s.operator;
  if (isHost && operator.install === true) {
    if (operator.image === undefined) {
      missing(ctx, ["operator", "image"], undefined, "required when the operator is installed (operator.install): the controller image, pinned by tag or digest");
    } else if (operator.allowUnpinnedImage !== true) {
      const why = unpinnedReason(operator.image);
      if (why !== undefined) {
        report(ctx, ["operator", "image"], "unpinned-image", `${JSON.stringify(operator.image)} is not pinned: ${why}; name a version tag or a digest (…@sha256:…), or set operator.allowUnpinnedImage: true`);
      }
    }
  }

  let sidecarAddress = "";
  if (ctx.mode === "scattered" && !isHost) {
    const address = s.scattered.sidecarAddress;
    if (address === undefined) {
      missing(ctx, ["scattered", "sidecarAddress"], undefined, `required in scattered mode: the host:port at which the host reaches member "${name}"'s Thanos sidecar`);
    } else {
      const problem = checkStoreAddress(address);
      if (problem !== undefined) report(ctx, ["scattered", "sidecarAddress"], "invalid-value", `for cluster "${name}": ${problem}`);
      sidecarAddress = address;
    }
  }

  const central = resolveCentral(ctx, s, isHost);
  if (isHost && ctx.mode === "central") checkGatewayImage(ctx, central.serviceSpec.gateway?.image, operator.allowUnpinnedImage === true);
  const kubesphere = s.kubesphere;
  let base: Asset | undefined;
  if (ctx.mode === "central" && kubesphere.strategy !== "configMap" && kubesphere.alerting === true) {
    const o = origin(ctx, ["kubesphere", "alerting"]);
    ctx.issues.push(issueAt(o.src, o.path, "unused-setting", ALERTING_WARNING, { severity: "warning", key: true }));
  }
  if (ctx.mode === "central" && kubesphere.strategy === "configMap") {
    if (kubesphere.base === undefined) {
      missing(ctx, ["kubesphere", "base"], ["kubesphere", "strategy"], "required with strategy configMap: the kubesphere.yaml to start from");
    } else base = asset(ctx, ["kubesphere", "base"], kubesphere.base);
  }

  if (isHost) validateCrSpecs(ctx, central, s);

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
      install: operator.install!,
      image: operator.image ?? "",
      imagePullPolicy: operator.imagePullPolicy!,
      namespace: operator.namespace!,
      replicas: operator.replicas!,
    },
    prometheus: {
      name: s.prometheus.name!,
      namespace: s.prometheus.namespace!,
      externalLabel: s.prometheus.externalLabel!,
      thanos: s.prometheus.thanos!,
    },
    exposure: {
      type: s.exposure.type!,
      gatewayNodePort: s.exposure.gatewayNodePort!,
      sidecarNodePort: s.exposure.sidecarNodePort!,
      annotations: s.exposure.annotations!,
    },
    scattered: {
      serviceName: s.scattered.service!.name!,
      serviceSpec: s.scattered.service!.spec!,
      sidecarAddress,
    },
    central,
    kubesphere: { strategy: kubesphere.strategy!, ...(base !== undefined ? { base } : {}) },
  };
}

function resolveCentral(ctx: ClusterContext, s: Settings, isHost: boolean): CentralSettings {
  const c = s.central;
  let gatewayURL = "";
  if (ctx.mode === "central") {
    if (c.gatewayURL === undefined) {
      missing(ctx, ["central", "gatewayURL"], undefined, "required in central mode: the URL at which clusters reach the host gateway, such as http://10.0.0.10:30990");
    } else {
      const checked = checkGatewayURL(c.gatewayURL);
      if ("message" in checked) report(ctx, ["central", "gatewayURL"], "invalid-value", checked.message);
      else gatewayURL = checked.url;
    }
  }
  const os = c.objectStorage!;
  const secretName = os.secretName!;
  const key = os.key!;
  let source: ObjectStorageSource = { kind: "existingSecret" };
  if (os.source?.externalSecret !== undefined) {
    const es = os.source.externalSecret;
    source = { kind: "externalSecret", externalSecret: { ...es, apiVersion: es.apiVersion!, refreshInterval: es.refreshInterval! } };
  } else if (os.source?.sealedSecret !== undefined) {
    source = { kind: "sealedSecret", file: asset(ctx, ["central", "objectStorage", "source", "sealedSecret", "file"], os.source.sealedSecret.file) };
  } else if (os.source?.sops !== undefined) {
    source = { kind: "sops", file: asset(ctx, ["central", "objectStorage", "source", "sops", "file"], os.source.sops.file) };
  } else if (ctx.mode === "central" && isHost && os.source?.existingSecret === undefined) {
    missing(ctx, ["central", "objectStorage", "source"], undefined, "required in central mode: where the object-storage Secret comes from (existingSecret, externalSecret, sealedSecret or sops)");
  }

  const storeName = c.store!.name!;
  const storeSpec = {
    ...c.store?.spec,
    objectStorageConfig: c.store?.spec?.objectStorageConfig ?? { name: secretName, key },
  };
  const ingestors = c.ingestors!.map((i) => ({
    name: i.name,
    namespace: i.namespace ?? ctx.namespace,
    spec: { ...i.spec, longTermStore: i.spec?.longTermStore ?? { namespace: ctx.namespace, name: storeName } },
  }));
  if (ctx.mode === "central" && isHost) {
    const seen = new Set<string>();
    ingestors.forEach((i, index) => {
      const id = `${i.namespace}/${i.name}`;
      if (seen.has(id)) report(ctx, ["central", "ingestors", index, "name"], "invalid-value", `ingestor "${i.name}" in namespace ${i.namespace} is listed twice`);
      seen.add(id);
    });
  }
  return {
    gatewayURL,
    serviceName: c.service!.name!,
    serviceSpec: c.service!.spec!,
    store: { name: storeName, spec: storeSpec },
    ingestors,
    objectStorage: { secretName, key, source },
  };
}

/** The CR fragments after merging and templating, against the operator's schemas, with positions in the fleet. */
function validateCrSpecs(ctx: ClusterContext, central: CentralSettings, s: Settings): void {
  const check = (schema: string, value: unknown, settingPath: DocPath): void => {
    const validate = validatorFor(schema);
    if (validate(value)) return;
    const anchor: Anchor = {
      base: [] as DocPath,
      issue: (p: DocPath, code: IssueCode, message: string, key: boolean) => {
        const o = origin(ctx, [...settingPath, ...p]);
        return issueAt(o.src, o.path, code, message, { key });
      },
      written: (p: DocPath) => {
        const o = origin(ctx, [...settingPath, ...p]);
        return writtenAt(o.src, o.path);
      },
    };
    ctx.issues.push(...ajvIssues(validate.errors, value, anchor));
  };
  const warn = (defects: readonly Defect[], settingPath: DocPath): void => {
    for (const d of defects) {
      const o = origin(ctx, [...settingPath, ...d.path]);
      ctx.issues.push(issueAt(o.src, o.path, "operator-defect", d.message, { severity: "warning" }));
    }
  };
  if (ctx.mode === "scattered") {
    const spec = s.scattered.service!.spec!;
    check(CR_SPEC_SCHEMAS.service, spec, ["scattered", "service", "spec"]);
    warn(serviceDefects(spec), ["scattered", "service", "spec"]);
  } else {
    check(CR_SPEC_SCHEMAS.service, central.serviceSpec, ["central", "service", "spec"]);
    check(CR_SPEC_SCHEMAS.store, central.store.spec, ["central", "store", "spec"]);
    central.ingestors.forEach((i, index) => check(CR_SPEC_SCHEMAS.ingestor, i.spec, ["central", "ingestors", index, "spec"]));
    warn(serviceDefects(central.serviceSpec), ["central", "service", "spec"]);
    warn(storeDefects(central.store.spec), ["central", "store", "spec"]);
    central.ingestors.forEach((i, index) => warn(ingestorDefects(i.spec), ["central", "ingestors", index, "spec"]));
    for (const d of ingestorSetDefects(central.ingestors)) warn([{ path: ["name"], message: d.message }], ["central", "ingestors", d.index]);
  }
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

