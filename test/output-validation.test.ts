import { describe, expect, it } from "vitest";
import { InternalError } from "../src/diagnostics/issue.js";
import type { K8sObject, Plan } from "../src/plan/objects.js";
import { overlaysOf } from "../src/emit/emit.js";
import { checkObject, validateOverlay } from "../src/check/output.js";

const meta = { name: "x", namespace: "ns" };

describe("output validation", () => {
  it("accepts well-formed objects of every kind it knows", () => {
    const ok: K8sObject[] = [
      { apiVersion: "apps/v1", kind: "Deployment", metadata: meta, spec: { selector: { matchLabels: { a: "b" } }, template: { spec: { containers: [{ name: "c", image: "i:1" }] } } } },
      { apiVersion: "monitoring.coreos.com/v1", kind: "Prometheus", metadata: meta, spec: { remoteWrite: [{ url: "http://g:9090/x/api/v1/receive" }] } },
      { apiVersion: "monitoring.paodin.io/v1alpha1", kind: "Store", metadata: meta, spec: { objectStorageConfig: { name: "s", key: "k" }, thanos: { storeGateway: {} } } },
      { apiVersion: "installer.kubesphere.io/v1alpha1", kind: "ClusterConfiguration", metadata: { name: "ks-installer", namespace: "kubesphere-system" }, spec: { common: { monitoring: { endpoint: "http://g:9090/x" } } } },
    ];
    for (const o of ok) expect(checkObject(o), o.kind).toEqual([]);
  });

  it("rejects what the upstream and our own schemas reject", () => {
    expect(checkObject({ apiVersion: "apps/v1", kind: "Deployment", metadata: meta, spec: { replicas: "two", selector: {}, template: {} } })).toEqual(["/spec/replicas must be integer"]);
    expect(checkObject({ apiVersion: "monitoring.coreos.com/v1", kind: "Prometheus", metadata: meta, spec: { remoteWrite: { url: "x" } } })).not.toEqual([]);
    expect(checkObject({ apiVersion: "monitoring.paodin.io/v1alpha1", kind: "Store", metadata: meta, spec: { objectStore: {} } })).toEqual([
      '/spec must NOT have additional properties',
    ]);
    expect(checkObject({ apiVersion: "v1", kind: "Service", metadata: meta, spec: { ports: [{ port: "http" }] } })).not.toEqual([]);
    expect(checkObject({ apiVersion: "argoproj.io/v1alpha1", kind: "ApplicationSet", metadata: meta, spec: {} })).not.toEqual([]);
    expect(checkObject({ apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", metadata: meta, spec: { interval: "1m" } })).not.toEqual([]);
    expect(checkObject({ apiVersion: "example.com/v1", kind: "Unknown", metadata: meta })).toEqual(["no schema to validate example.com/v1 Unknown against"]);
  });

  it("turns a failure into an internal error (a bug: exit 70) naming the object", () => {
    const plan: Plan = {
      clusters: [{ cluster: "host", objects: [{ object: { apiVersion: "apps/v1", kind: "Deployment", metadata: meta, spec: { replicas: "two" } }, sources: [] }] }],
      argocd: null,
      flux: [],
    };
    const [host] = overlaysOf(plan);
    expect(() => validateOverlay(host!)).toThrow(InternalError);
    expect(() => validateOverlay(host!)).toThrow("rendered Deployment ns/x for host fails its schema");
  });
});
