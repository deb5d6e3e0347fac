import type { DocPath } from "../diagnostics/issue.js";
import type { IngestorSpec, ServiceSpec, StoreSpec } from "./model.js";

/**
 * Settings the CRDs accept but the operator mishandles at this API version (read from its
 * controllers' code): users should learn it here, not from a crash-looping pod. Paths are
 * relative to the fragment; each finding is a warning (an error with --strict).
 */
export interface Defect {
  readonly path: DocPath;
  readonly message: string;
}

const LOG_LEVELS = ["debug", "info", "warn", "error"];
const LOG_FORMATS = ["logfmt", "json"];

function logSettings(component: { logLevel?: string; logFormat?: string } | undefined, at: DocPath, what: string): Defect[] {
  const out: Defect[] = [];
  if (component?.logLevel !== undefined && !LOG_LEVELS.includes(component.logLevel)) {
    out.push({ path: [...at, "logLevel"], message: `${what} accepts only ${LOG_LEVELS.join(", ")} (the CRD does not say so; any other value makes the container exit)` });
  }
  if (component?.logFormat !== undefined && !LOG_FORMATS.includes(component.logFormat)) {
    out.push({ path: [...at, "logFormat"], message: `${what} accepts only ${LOG_FORMATS.join(" or ")} (the CRD does not say so; any other value makes the container exit)` });
  }
  return out;
}

/**
 * With a client CA the gateway asks every client for a certificate and compares its common
 * name with the tenant in the path, but withAuthorization (pkg/monitoring-gateway/auth.go at
 * fdb79a7) writes 401 without returning, so the request is served anyway.
 */
const CLIENT_CA_DEFECT =
  "the gateway at this revision does not stop a request whose certificate names another tenant (auth.go writes 401 and serves the request anyway): any client holding a certificate of this CA reads and writes every cluster; and ks-apiserver, which reads through the gateway, has no client certificate to show, so KubeSphere's monitoring pages fail";

export function serviceDefects(spec: ServiceSpec): Defect[] {
  return [
    ...(spec.gateway?.clientCaCertificate !== undefined ? [{ path: ["gateway", "clientCaCertificate"], message: CLIENT_CA_DEFECT }] : []),
    ...logSettings(spec.gateway, ["gateway"], "the gateway"),
    ...logSettings(spec.thanos?.query, ["thanos", "query"], "Thanos Query"),
    ...logSettings(spec.thanos?.receiveRouter, ["thanos", "receiveRouter"], "the Thanos receive router"),
  ];
}

export function storeDefects(spec: StoreSpec): Defect[] {
  const compact = spec.thanos?.compact;
  const out: Defect[] = [
    ...logSettings(spec.thanos?.storeGateway, ["thanos", "storeGateway"], "Thanos Store"),
    ...logSettings(compact, ["thanos", "compact"], "Thanos Compact"),
    ...dataVolumeSetting(spec.thanos?.storeGateway, ["thanos", "storeGateway"], "Thanos Store"),
    ...dataVolumeSetting(compact, ["thanos", "compact"], "Thanos Compact"),
  ];
  if (compact?.downsamplingDisable !== undefined) {
    out.push({
      path: ["thanos", "compact", "downsamplingDisable"],
      message: "the operator passes this to Thanos Compact as a pointer address (--downsampling.disable=0xc…), which Thanos rejects, so the compactor cannot start; leave it out",
    });
  }
  if (compact?.retention?.retention1h !== undefined) {
    out.push({
      path: ["thanos", "compact", "retention", "retention1h"],
      message: "is ignored by the operator: it passes retention5m as the 1h-resolution retention too (and none at all without retention5m)",
    });
  }
  return out;
}

/**
 * The data directory is passed with literal quotes (`--tsdb.path="/thanos"`,
 * `--data-dir="/thanos"`: receive_ingestor/statefulset.go, storegateway/ and compact/ at
 * fdb79a7, unchanged at 5ddb346; fixed upstream in 3f88d72): with no shell to remove them,
 * Thanos writes to a relative directory named `"` inside the container, never onto the
 * volume mounted at /thanos.
 */
function dataVolumeSetting(component: { dataVolume?: unknown } | undefined, at: DocPath, what: string): Defect[] {
  if (component?.dataVolume === undefined) return [];
  return [{
    path: [...at, "dataVolume"],
    message: `has no effect at this operator revision: ${what} gets its data directory with literal quotes ("/thanos"), so its data lands in the container's own filesystem, not on this volume, and is lost with the pod`,
  }];
}

export function ingestorDefects(spec: IngestorSpec): Defect[] {
  return [...logSettings(spec, [], "Thanos Receive"), ...dataVolumeSetting(spec, [], "Thanos Receive")];
}

/**
 * Every ingestor's pods carry the one label `app.kubernetes.io/name: thanos-receive-ingestor`,
 * and its StatefulSet and Service select by it alone (receive_ingestor/receive_ingestor.go
 * `labels()` over an empty BaseLabels at fdb79a7): two ingestors in one namespace select each
 * other's pods, so each Service sends writes to both. One finding per ingestor after the first.
 */
export function ingestorSetDefects(ingestors: readonly { name: string; namespace: string }[]): { index: number; message: string }[] {
  const first = new Map<string, string>();
  const out: { index: number; message: string }[] = [];
  ingestors.forEach((i, index) => {
    const other = first.get(i.namespace);
    if (other === undefined) first.set(i.namespace, i.name);
    else {
      out.push({
        index,
        message: `shares namespace ${i.namespace} with ingestor "${other}": at this operator revision all ingestor pods carry the same single label, so their StatefulSets and Services select each other's pods; give each ingestor a namespace of its own`,
      });
    }
  });
  return out;
}
