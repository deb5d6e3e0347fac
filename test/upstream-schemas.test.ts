import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PARTIAL_OBJECT_ANNOTATIONS } from "../src/plan/objects.js";
import { valueProblems, type CrdSchema } from "../src/check/crd-values.js";
import { SHARED } from "./helpers/cli.js";
import { CORE_KINDS, coreSchema, OBJECT_META, upstreamCrdSchemas } from "./helpers/upstream-schemas.js";
import { renderVariant, VARIANTS } from "./helpers/variants.js";

/**
 * Every object of every overlay, as `kubectl kustomize` builds it, against the schema the
 * cluster checks it with: the upstream CRD of its kind (Prometheus from ks-installer 3.3.2
 * and prometheus-operator 0.55.1, ClusterConfiguration, ExternalSecret, ApplicationSet,
 * Kustomization, and the operator's published CRDs), or Kubernetes' own definition for
 * core kinds; unknown fields are errors, as the server prunes or (strict) refuses them.
 * Patch-only objects are partial: `required` is checked on the merged object (test/ssa.test.ts).
 */
const present = existsSync(path.join(SHARED, "reference"));
type Obj = { apiVersion: string; kind: string; metadata: { name: string; annotations?: Record<string, string> } } & Record<string, unknown>;

const isPartial = (o: Obj): boolean => o.metadata.annotations?.["argocd.argoproj.io/sync-options"] === PARTIAL_OBJECT_ANNOTATIONS["argocd.argoproj.io/sync-options"];

describe.skipIf(!present)("rendered objects against the schemas of the upstream projects", () => {
  const crds = present ? upstreamCrdSchemas() : new Map();
  const core = new Map<string, CrdSchema>();
  const schemasOf = (o: Obj): { source: string; schema: CrdSchema }[] => {
    const key = `${o.apiVersion} ${o.kind}`;
    if (CORE_KINDS[key] !== undefined) {
      if (!core.has(key)) core.set(key, coreSchema(CORE_KINDS[key]!));
      return [{ source: `kubernetes ${CORE_KINDS[key]}`, schema: core.get(key)! }];
    }
    return crds.get(key) ?? [];
  };
  const objectMeta = coreSchema(OBJECT_META);
  const problemsOf = (o: Obj): string[] => {
    const schemas = schemasOf(o);
    if (schemas.length === 0 && o.kind !== "CustomResourceDefinition") return [`no upstream schema for ${o.apiVersion} ${o.kind}`];
    return [
      ...valueProblems(o.metadata, objectMeta, "metadata"),
      ...schemas.flatMap(({ source, schema }) => valueProblems(o, schema, "", { partial: isPartial(o) }).map((p) => `${source}: ${p}`)),
    ];
  };

  const rendered: Record<string, { out: string; cleanup: () => void }> = {};
  beforeAll(async () => {
    for (const name of Object.keys(VARIANTS)) rendered[name] = await renderVariant(name);
  });
  afterAll(() => Object.values(rendered).forEach((r) => r.cleanup()));

  it("catch a misspelt field, a wrong type and a missing required field in each upstream kind", () => {
    const prometheus = { apiVersion: "monitoring.coreos.com/v1", kind: "Prometheus", metadata: { name: "k8s" }, spec: { remoteWrites: [{ url: "x" }], replicas: "2" } };
    expect(problemsOf(prometheus as unknown as Obj)).toEqual([
      "upstream-crds/ks-installer-v3.3.2-prometheuses.yaml: spec.remoteWrites: unknown field, pruned by the API server",
      "upstream-crds/ks-installer-v3.3.2-prometheuses.yaml: spec.replicas: must be of type integer, got string",
      "upstream-crds/po-v0.55.1-prometheuses.yaml: spec.remoteWrites: unknown field, pruned by the API server",
      "upstream-crds/po-v0.55.1-prometheuses.yaml: spec.replicas: must be of type integer, got string",
    ]);
    const appset = { apiVersion: "argoproj.io/v1alpha1", kind: "ApplicationSet", metadata: { name: "a" }, spec: { generators: [], template: { metadata: {}, spec: { project: "p", destination: {}, sourc: {} } } } };
    expect(problemsOf(appset as unknown as Obj)).toContain("upstream-crds/argocd-v2.8.21-applicationset-crd.yaml: spec.template.spec.sourc: unknown field, pruned by the API server");
    const flux = { apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", metadata: { name: "a" }, spec: { interval: "1m", prune: true, sourceRef: { kind: "GitRepository", name: "x" }, pathh: "./" } };
    expect(problemsOf(flux as unknown as Obj)).toEqual(["upstream-crds/kustomize-controller-v1.3.0-kustomizations.yaml: spec.pathh: unknown field, pruned by the API server"]);
    const { sourceRef: _sourceRef, ...noSource } = flux.spec;
    expect(problemsOf({ ...flux, spec: noSource } as unknown as Obj)).toEqual([
      "upstream-crds/kustomize-controller-v1.3.0-kustomizations.yaml: spec.pathh: unknown field, pruned by the API server",
      "upstream-crds/kustomize-controller-v1.3.0-kustomizations.yaml: spec.sourceRef: required",
    ]);
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "a", labelz: {} }, spec: { selector: {}, template: { spec: { containers: [{ name: "c", imagee: "x" }] } } } };
    expect(problemsOf(deployment as unknown as Obj)).toEqual([
      "metadata.labelz: unknown field, pruned by the API server",
      "kubernetes io.k8s.api.apps.v1.Deployment: spec.template.spec.containers[0].imagee: unknown field, pruned by the API server",
    ]);
    const ingestor = { apiVersion: "monitoring.paodin.io/v1alpha1", kind: "ThanosReceiveIngestor", metadata: { name: "a" }, spec: { tenants: "all" } };
    expect(problemsOf(ingestor as unknown as Obj)).toEqual(["paodin-v1alpha1-crds/monitoring.paodin.io_thanosreceiveingestors.yaml: spec.tenants: must be of type array, got string"]);
  });

  for (const name of Object.keys(VARIANTS)) {
    it(`${name}: every object of every overlay is valid under its upstream schema, nothing pruned`, () => {
      const out = rendered[name]!.out;
      const kinds = new Set<string>();
      for (const dir of readdirSync(out).filter((d) => statSync(path.join(out, d)).isDirectory())) {
        const built = execFileSync("kubectl", ["kustomize", path.join(out, dir)], { encoding: "utf8" });
        for (const doc of parseAllDocuments(built)) {
          const o = doc.toJS() as Obj | null;
          if (o === null) continue;
          kinds.add(`${o.apiVersion} ${o.kind}`);
          expect(problemsOf(o), `${name}/${dir}: ${o.kind} ${o.metadata.name}`).toEqual([]);
        }
      }
      expect(kinds.size).toBeGreaterThan(8);
    });
  }
});
