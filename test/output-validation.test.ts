import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { REPO } from "./helpers/cli.js";
import { VARIANTS } from "./helpers/variants.js";
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

  it("accepts every object of every committed rendering (the example fleet's overlays and the golden variants)", () => {
    const roots = [...new Set([path.join(REPO, "overlays"), ...Object.values(VARIANTS).map((v) => v.golden)])];
    const kinds = new Set<string>();
    for (const root of roots) {
      for (const dir of readdirSync(root)) {
        for (const f of readdirSync(path.join(root, dir)).filter((n) => n.endsWith(".yaml") && n !== "kustomization.yaml")) {
          const o = parse(readFileSync(path.join(root, dir, f), "utf8")) as K8sObject;
          kinds.add(`${o.apiVersion} ${o.kind}`);
          expect(checkObject(o), `${path.relative(REPO, root)}/${dir}/${f}`).toEqual([]);
        }
      }
    }
    // Every kind the renderer writes, each through its own schema.
    expect([...kinds].sort()).toEqual([
      "apiextensions.k8s.io/v1 CustomResourceDefinition", "apps/v1 Deployment", "argoproj.io/v1alpha1 ApplicationSet", "external-secrets.io/v1 ExternalSecret",
      "installer.kubesphere.io/v1alpha1 ClusterConfiguration", "kustomize.toolkit.fluxcd.io/v1 Kustomization", "monitoring.coreos.com/v1 Prometheus",
      "monitoring.paodin.io/v1alpha1 Service", "monitoring.paodin.io/v1alpha1 Store", "monitoring.paodin.io/v1alpha1 ThanosReceiveIngestor",
      "rbac.authorization.k8s.io/v1 ClusterRole", "rbac.authorization.k8s.io/v1 ClusterRoleBinding", "rbac.authorization.k8s.io/v1 Role", "rbac.authorization.k8s.io/v1 RoleBinding",
      "networking.k8s.io/v1 NetworkPolicy", "v1 ConfigMap", "v1 Service", "v1 ServiceAccount",
    ].sort());
  });

  it("each kind is checked against its own schema, not a lenient one", () => {
    const bad = (apiVersion: string, kind: string, extra: Record<string, unknown>) => checkObject({ apiVersion, kind, metadata: meta, ...extra } as K8sObject);
    expect(bad("monitoring.paodin.io/v1alpha1", "Service", { spec: { nope: 1 } })).toEqual(["/spec must NOT have additional properties"]);
    expect(bad("monitoring.paodin.io/v1alpha1", "ThanosReceiveIngestor", { spec: { nope: 1 } })).toEqual(["/spec must NOT have additional properties"]);
    expect(bad("v1", "ConfigMap", { data: { a: 1 } })).toEqual(["/data/a must be string"]);
    // A problem of the object itself has no path before it.
    expect(checkObject({ apiVersion: "monitoring.paodin.io/v1alpha1", kind: "Store", metadata: meta, bogus: 1 } as unknown as K8sObject)).toEqual(["must NOT have additional properties"]);
    expect(bad("external-secrets.io/v1", "ExternalSecret", { spec: { refreshInterval: 5 } })).toEqual(["/spec/refreshInterval must be string"]);
    expect(bad("external-secrets.io/v1beta1", "ExternalSecret", { spec: { refreshInterval: 5 } })).toEqual(["/spec/refreshInterval must be string"]);
    expect(bad("apiextensions.k8s.io/v1", "CustomResourceDefinition", { spec: { group: "example.com", names: { plural: "widgets", kind: "Widget" }, scope: "Namespaced", versions: [] } })).toEqual([
      'metadata.name: Invalid value: "x": must be spec.names.plural+"."+spec.group',
      "spec.versions: Invalid value: []: must have exactly one version marked as storage version",
    ]);
  });

  it("copies a sealed or SOPS Secret through unchecked only when it is verbatim", () => {
    const sops = { apiVersion: "v1", kind: "Secret", metadata: meta, data: { "thanos.yaml": "ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi=,type:str]" }, sops: { mac: "m" } } as unknown as K8sObject;
    const sealed = { apiVersion: "bitnami.com/v1alpha1", kind: "SealedSecret", metadata: meta, spec: { encryptedData: { a: "AgB" } } } as unknown as K8sObject;
    expect(checkObject(sops, true)).toEqual([]);
    expect(checkObject(sops)).not.toEqual([]);
    expect(checkObject(sealed, true)).toEqual([]);
    expect(checkObject(sealed)).toEqual(["no schema to validate bitnami.com/v1alpha1 SealedSecret against"]);
    // Verbatim or not, a kind the renderer never copies through is checked.
    expect(checkObject({ apiVersion: "v1", kind: "ConfigMap", metadata: meta, data: { a: 1 } } as unknown as K8sObject, true)).toEqual(["/data/a must be string"]);
    const overlay = (object: K8sObject, verbatim?: string) => overlaysOf({ clusters: [{ cluster: "host", objects: [{ object, sources: [], ...(verbatim === undefined ? {} : { verbatim }) }] }], argocd: null, flux: [] })[0]!;
    expect(() => validateOverlay(overlay(sops, "apiVersion: v1\n"))).not.toThrow();
    expect(() => validateOverlay(overlay(sops))).toThrow(InternalError);
    expect(() => validateOverlay(overlay(sealed))).toThrow("rendered SealedSecret ns/x for host fails its schema");
  });

  it("names a cluster-scoped object without a namespace, and lists every problem indented on its own line", () => {
    const plan = (object: K8sObject): Plan => ({ clusters: [{ cluster: "member-1", objects: [{ object, sources: [] }] }], argocd: null, flux: [] });
    const role = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "r" }, rules: [{ verbs: "get", apiGroups: 5 }] } as unknown as K8sObject;
    let thrown: unknown;
    try {
      validateOverlay(overlaysOf(plan(role))[0]!);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InternalError);
    expect((thrown as Error).message).toBe("rendered ClusterRole r for member-1 fails its schema");
    expect((thrown as InternalError).detail).toBe("  /rules/0/apiGroups must be array\n  /rules/0/verbs must be array");
    expect(() => validateOverlay(overlaysOf(plan({ ...role, rules: [] } as K8sObject))[0]!)).not.toThrow();
  });
});
