import type { DocPath, Issue, IssueCode } from "../diagnostics/issue.js";
import type { FleetSpec } from "../generated/paodin-fleet/fleet_v1alpha1.js";
import { hasValue, issueAt, positionOf, type SourceDoc } from "../load/source.js";
import { ajvIssues, type Anchor } from "../validate/ajv-issues.js";
import { writtenAt, type ClusterDoc } from "../validate/documents.js";
import { validatorFor } from "../validate/validators.js";
import { checkGatewayURL, checkStoreAddress, unpinnedReason } from "./checks.js";
import type { CentralSettings, ResolvedCluster } from "./model.js";
import { ingestorDefects, ingestorSetDefects, serviceDefects, storeDefects, type Defect } from "./operator-defects.js";
import type { Settings } from "./settings.js";

/**
 * The checks of one cluster's merged settings, after cluster.ts has assembled what the planner
 * reads from them: what is required, what must be well formed, what the operator would refuse
 * or get wrong. Problems are reported where the setting was written: the Cluster's overrides,
 * or the Fleet. Nothing here builds the model.
 */

const CR_SPEC_SCHEMAS = {
  service: "monitoring.paodin.io/service_v1alpha1.json#/properties/spec",
  store: "monitoring.paodin.io/store_v1alpha1.json#/properties/spec",
  ingestor: "monitoring.paodin.io/thanosreceiveingestor_v1alpha1.json#/properties/spec",
} as const;

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
export function origin(ctx: ClusterContext, settingPath: DocPath): { src: SourceDoc; path: DocPath } {
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

/**
 * ks-installer 3.3 derives `alerting.prometheusEndpoint` of kubesphere-config (and the
 * ThanosRuler's query endpoints) from `common.monitoring.endpoint`
 * (roles/ks-core/config/templates/kubesphere-config.yaml.j2 at v3.3.2).
 */
const ALERTING_WARNING =
  "with strategy clusterConfiguration, ks-installer points KubeSphere alerting at the gateway too, which serves no /api/v1/rules and keeps metric metadata at /targets/meta: alert-rule status and metadata stop working; use strategy configMap, which changes monitoring.endpoint alone";

/** Every check of one cluster's settings (`s`) and of what cluster.ts assembled from them (`r`). */
export function checkCluster(ctx: ClusterContext, s: Settings, r: ResolvedCluster): void {
  const name = r.name;
  const isHost = r.role === "host";

  const operator = s.operator;
  if (isHost && operator.install) {
    if (operator.image === undefined) {
      missing(ctx, ["operator", "image"], undefined, "required when the operator is installed (operator.install): the controller image, pinned by tag or digest");
    } else if (!operator.allowUnpinnedImage) {
      const why = unpinnedReason(operator.image);
      if (why !== undefined) {
        report(ctx, ["operator", "image"], "unpinned-image", `${JSON.stringify(operator.image)} is not pinned: ${why}; name a version tag or a digest (…@sha256:…), or set operator.allowUnpinnedImage: true`);
      }
    }
  }

  if (ctx.mode === "scattered" && !isHost) {
    const address = s.scattered.sidecarAddress;
    if (address === undefined) {
      missing(ctx, ["scattered", "sidecarAddress"], undefined, `required in scattered mode: the host:port at which the host reaches member "${name}"'s Thanos sidecar`);
    } else {
      const problem = checkStoreAddress(address);
      if (problem !== undefined) report(ctx, ["scattered", "sidecarAddress"], "invalid-value", `for cluster "${name}": ${problem}`);
    }
  }

  checkCentral(ctx, s, isHost, r.central);
  if (ctx.mode === "central") checkGatewayTLS(ctx, r.central);
  if (isHost && ctx.mode === "central") checkGatewayImage(ctx, r.central.serviceSpec.gateway?.image, operator.allowUnpinnedImage);
  const kubesphere = s.kubesphere;
  if (ctx.mode === "central" && kubesphere.strategy !== "configMap" && kubesphere.alerting) {
    const o = origin(ctx, ["kubesphere", "alerting"]);
    ctx.issues.push(issueAt(o.src, o.path, "unused-setting", ALERTING_WARNING, { severity: "warning", key: true }));
  }
  if (ctx.mode === "central" && kubesphere.strategy === "configMap" && kubesphere.base === undefined) {
    missing(ctx, ["kubesphere", "base"], ["kubesphere", "strategy"], "required with strategy configMap: the kubesphere.yaml to start from");
  }

  if (isHost) validateCrSpecs(ctx, r.central, s);
}

/** The central settings: the gateway URL, where the object-storage Secret comes from, ingestors listed once. */
function checkCentral(ctx: ClusterContext, s: Settings, isHost: boolean, central: CentralSettings): void {
  const c = s.central;
  if (ctx.mode === "central") {
    if (c.gatewayURL === undefined) {
      missing(ctx, ["central", "gatewayURL"], undefined, "required in central mode: the URL at which clusters reach the host gateway, such as http://10.0.0.10:30990");
    } else {
      const checked = checkGatewayURL(c.gatewayURL);
      if ("message" in checked) report(ctx, ["central", "gatewayURL"], "invalid-value", checked.message);
    }
  }
  const source = c.objectStorage.source;
  const named = source?.externalSecret ?? source?.sealedSecret ?? source?.sops ?? source?.existingSecret;
  if (ctx.mode === "central" && isHost && named === undefined) {
    missing(ctx, ["central", "objectStorage", "source"], undefined, "required in central mode: where the object-storage Secret comes from (existingSecret, externalSecret, sealedSecret or sops)");
  }
  if (ctx.mode === "central" && isHost) {
    const seen = new Set<string>();
    central.ingestors.forEach((i, index) => {
      const id = `${i.namespace}/${i.name}`;
      if (seen.has(id)) report(ctx, ["central", "ingestors", index, "name"], "invalid-value", `ingestor "${i.name}" in namespace ${i.namespace} is listed twice`);
      seen.add(id);
    });
  }
}

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

/** kubesphere.yaml's `monitoring` section has an endpoint and no CA (ks-apiserver 3.3). */
const PRIVATE_CA_WARNING =
  "ks-apiserver reads from the same https:// URL (monitoring.endpoint) and has no setting for a CA: it trusts only its image's root certificates, so with a private CA KubeSphere's monitoring pages fail; a gateway certificate of a public CA needs no caSecret";

/**
 * The gateway serves HTTPS only when its Service names a server certificate, and asks every
 * client for a certificate when it names a client CA (gateway/deployment.go and
 * cmd/monitoring-gateway at fdb79a7, thanos' tls.NewServerConfig: RequireAndVerifyClientCert).
 * Each cluster's remote write must match, or no sample arrives.
 */
function checkGatewayTLS(ctx: ClusterContext, central: CentralSettings): void {
  const gateway = central.serviceSpec.gateway;
  const tls = central.remoteWriteTLS;
  const plain = central.gatewayURL.startsWith("http:");
  if (plain && gateway?.serverCertificate !== undefined) {
    report(ctx, ["central", "gatewayURL"], "invalid-value", "the gateway serves HTTPS only (central.service.spec.gateway.serverCertificate is set): write the URL with https://");
  }
  if (plain && tls !== undefined) report(ctx, ["central", "remoteWriteTLS"], "invalid-value", "is used with an https:// gatewayURL only");
  if (tls?.caSecret !== undefined) {
    const o = origin(ctx, ["central", "remoteWriteTLS", "caSecret"]);
    ctx.issues.push(issueAt(o.src, o.path, "side-effect", PRIVATE_CA_WARNING, { severity: "warning", key: true }));
  }
  if ((tls?.certSecret === undefined) !== (tls?.keySecret === undefined)) {
    const absent = tls?.certSecret === undefined ? "certSecret" : "keySecret";
    missing(ctx, ["central", "remoteWriteTLS", absent], ["central", "remoteWriteTLS"], "a client certificate needs both certSecret and keySecret");
  } else if (gateway?.clientCaCertificate !== undefined && tls?.certSecret === undefined) {
    missing(ctx, ["central", "remoteWriteTLS", "certSecret"], ["central", "service", "spec", "gateway", "clientCaCertificate"], `the gateway asks every client for a certificate (clientCaCertificate): give cluster "${ctx.doc.value.metadata.name}"'s Prometheus one (certSecret and keySecret), with the common name ${ctx.doc.value.metadata.name}`);
  }
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
    const spec = s.scattered.service.spec;
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
