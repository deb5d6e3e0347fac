import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { importCrds, schemaFileName } from "../src/schemas/import.js";
import { createAjv } from "../src/validate/ajv.js";
import { run, SHARED, testdir } from "./helpers/cli.js";

const crd = (kind: string, versions: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${kind.toLowerCase()}s.example.com
spec:
  group: example.com
  names: { kind: ${kind}, plural: ${kind.toLowerCase()}s }
  scope: Namespaced
  versions:
${versions}`;

const WIDGET_V1 = `  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: { x-kubernetes-int-or-string: true, pattern: '^[0-9]+(Mi|Gi)?$' }
              note: { type: string, nullable: true }
              extra: { type: object, x-kubernetes-preserve-unknown-fields: true }
              labels: { type: object, additionalProperties: { type: string } }
              template: { type: object, x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true }
              items:
                type: array
                items: { type: object, properties: { name: { type: string } } }
`;

function schemasOf(files: readonly { path: string; content: string }[]) {
  const map = new Map(files.map((f) => [f.path, JSON.parse(f.content) as Record<string, unknown>]));
  return createAjv(map);
}

describe("schemas import", () => {
  it("names one schema per kind and served version", () => {
    const { files, issues } = importCrds([{ file: "w.yaml", text: crd("Widget", `${WIDGET_V1}  - name: v2\n    served: true\n    storage: false\n    schema: { openAPIV3Schema: { type: object } }\n  - name: v0\n    served: false\n    schema: { openAPIV3Schema: { type: object } }\n`) }]);
    expect(issues).toEqual([]);
    expect(files.map((f) => f.path)).toEqual(["example.com/widget_v1.json", "example.com/widget_v2.json"]);
    expect(schemaFileName("monitoring.paodin.io", "ThanosReceiveIngestor", "v1alpha1")).toBe("monitoring.paodin.io/thanosreceiveingestor_v1alpha1.json");
  });

  it("rejects unknown fields at every level, keeps preserve-unknown-fields open, takes int-or-string and nullable", () => {
    const { files } = importCrds([{ file: "w.yaml", text: crd("Widget", WIDGET_V1) }]);
    const validate = schemasOf(files).getSchema("example.com/widget_v1.json")!;
    const ok = (o: unknown) => [validate(o), JSON.stringify(validate.errors?.map((e) => `${e.instancePath} ${e.message}`))];
    const base = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", labels: { a: "b" } } };
    expect(ok({ ...base, spec: { size: 3, note: null, extra: { any: { thing: 1 } }, labels: { a: "b" }, template: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: {} }, items: [{ name: "x" }] } })[0]).toBe(true);
    expect(ok({ ...base, spec: { size: "10Gi" } })[0]).toBe(true);
    expect(ok({ ...base, spec: { size: "ten" } })[0]).toBe(false);
    expect(ok({ ...base, spec: { size: 1.5 } })[0]).toBe(false);
    expect(ok({ ...base, spec: { size: 1 }, status: {} })[0]).toBe(false); // unknown at the root
    expect(ok({ ...base, spec: { size: 1, sise: 2 } })[0]).toBe(false); // unknown in spec
    expect(ok({ ...base, spec: { size: 1, items: [{ nmae: "x" }] } })[0]).toBe(false); // unknown in a list item
    expect(ok({ ...base, spec: { size: 1, template: { kind: "Pod" } } })[0]).toBe(false); // embedded resource without apiVersion
    expect(ok({ ...base, kind: "Gadget", spec: { size: 1 } })[0]).toBe(false); // another kind
    expect(ok({ ...base, spec: {} })[0]).toBe(false); // required
  });

  it("is deterministic: the same bytes whatever the order of files and documents", () => {
    const a = { file: "a.yaml", text: crd("Widget", WIDGET_V1) };
    const b = { file: "b.yaml", text: crd("Gadget", WIDGET_V1) };
    const both = { file: "ab.yaml", text: `${b.text}---\n${a.text}` };
    expect(importCrds([a, b]).files).toEqual(importCrds([b, a]).files);
    expect(importCrds([both]).files).toEqual(importCrds([a, b]).files);
  });

  it("reads a List of CRDs", () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n- ${crd("Widget", WIDGET_V1).replace(/\n/g, "\n  ")}`;
    expect(importCrds([{ file: "l.yaml", text: list }]).files.map((f) => f.path)).toEqual(["example.com/widget_v1.json"]);
  });

  it("says what is wrong with a file, with positions", () => {
    const { issues } = importCrds([
      { file: "deploy.yaml", text: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n" },
      { file: "noschema.yaml", text: crd("Widget", "  - name: v1\n    served: true\n    storage: true\n") },
      { file: "empty.yaml", text: "" },
      { file: "broken.yaml", text: "kind: [\n" },
    ]);
    expect(issues.map((i) => `${i.severity} ${i.file}:${i.line}:${i.col} ${i.message}`)).toEqual([
      "error broken.yaml:2:1 YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
      "warning deploy.yaml:2:7 skipped: a Deployment (apps/v1), not a CustomResourceDefinition",
      "error deploy.yaml:1:1 holds no CustomResourceDefinition with a schema to import",
      "error empty.yaml:1:1 has no YAML documents",
      "error noschema.yaml:10:5 version v1 has no schema.openAPIV3Schema to import",
    ]);
  });

  it("the CLI writes the schemas, skips other objects with a warning, and refuses a file without CRDs", async () => {
    const { dir, cleanup } = testdir({ "crds.yaml": `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n---\n${crd("Widget", WIDGET_V1)}`, "other.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n" });
    try {
      const ok = await run(["schemas", "import", "crds.yaml", "--out", "out"], dir);
      expect(ok).toMatchObject({ code: 0, stdout: "wrote out/example.com/widget_v1.json\n" });
      expect(ok.stderr).toBe("crds.yaml:2:7 kind: warning skipped: a Namespace (v1), not a CustomResourceDefinition\n");
      expect(existsSync(path.join(dir, "out/example.com/widget_v1.json"))).toBe(true);
      const bad = await run(["schemas", "import", "other.yaml"], dir);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("other.yaml:1:1 holds no CustomResourceDefinition with a schema to import");
    } finally {
      cleanup();
    }
  });

  const crdDir = path.join(SHARED, "reference", "paodin-v1alpha1-crds");
  it.skipIf(!existsSync(crdDir))("the operator's published CRDs: the manual's Central objects validate, its Scattered mistake does not", () => {
    const inputs = readdirSync(crdDir).map((f) => ({ file: f, text: readFileSync(path.join(crdDir, f), "utf8") }));
    const { files, issues } = importCrds(inputs);
    expect(issues).toEqual([]);
    const ajv = schemasOf(files);
    const object = (kind: string, spec: unknown) => ({ apiVersion: "monitoring.paodin.io/v1alpha1", kind, metadata: { name: "x", namespace: "kubesphere-monitoring-system" }, spec });
    const service = ajv.getSchema("monitoring.paodin.io/service_v1alpha1.json")!;
    expect(service(object("Service", { tenantHeader: "cluster", defaultTenantId: "unknown", tenantLabelName: "cluster", gateway: {}, thanos: { query: { replicaLabelNames: ["prometheus_replica", "receive_replica", "thanos_ruler_replica"] }, receiveRouter: { replicationFactor: 2 } } }))).toBe(true);
    expect(service(object("Service", { stores: [{ addresses: ["prometheus-operated:10901"] }] }))).toBe(false);
    expect(service(object("Service", { thanos: { query: { stores: [{ addresses: ["prometheus-operated:10901"] }] } } }))).toBe(true);
    expect(service(object("Service", { gateway: { tolerations: [{ efect: "NoSchedule" }] } }))).toBe(false);
    const store = ajv.getSchema("monitoring.paodin.io/store_v1alpha1.json")!;
    expect(store(object("Store", { objectStorageConfig: { name: "objectstorage", key: "thanos.yaml" }, thanos: { storeGateway: {}, compact: {} } }))).toBe(true);
    const ingestor = ajv.getSchema("monitoring.paodin.io/thanosreceiveingestor_v1alpha1.json")!;
    expect(ingestor(object("ThanosReceiveIngestor", { tenants: [], replicas: 2, longTermStore: { namespace: "kubesphere-monitoring-system", name: "longterm" } }))).toBe(true);
  });
});
