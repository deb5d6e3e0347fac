import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import AjvModule, { type ErrorObject } from "ajv";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { inlineRefs, resolveRef, toCrdSchema, type SchemaNode } from "../src/schemas/inline.js";
import { generateKubernetesSchemas, packageLookup, QUANTITY_PATTERN, readGenerated, ROOTS, SOURCE, staleFiles } from "../src/schemas/kubernetes.js";

/**
 * The operator's kinds as our own schemas (schemas/monitoring.paodin.io/) must accept
 * exactly what the operator's published CRDs accept, embedded Kubernetes types included.
 */

const REPO = fileURLToPath(new URL("../", import.meta.url));
const SCHEMAS = path.join(REPO, "schemas");
const SHARED = path.resolve(REPO, "..", "shared");
const NO_SHARED = !existsSync(SHARED);
const SKIP_REASON = `(skipped: ${SHARED} is absent, so the operator's published CRDs and manual are not here to compare with)`;

const GROUP_VERSION = "monitoring.paodin.io/v1alpha1";
const KINDS = [
  { kind: "Service", id: "monitoring.paodin.io/service_v1alpha1.json", crd: "monitoring.paodin.io_services.yaml" },
  { kind: "Store", id: "monitoring.paodin.io/store_v1alpha1.json", crd: "monitoring.paodin.io_stores.yaml" },
  { kind: "ThanosReceiveIngestor", id: "monitoring.paodin.io/thanosreceiveingestor_v1alpha1.json", crd: "monitoring.paodin.io_thanosreceiveingestors.yaml" },
] as const;

type Kind = (typeof KINDS)[number]["kind"];

/** Our schemas of the operator's kinds and the Kubernetes types they embed, by `$id`. */
function readOurSchemas(): Map<string, SchemaNode> {
  const out = new Map<string, SchemaNode>();
  for (const dir of ["monitoring.paodin.io", "kubernetes"]) {
    for (const name of readdirSync(path.join(SCHEMAS, dir)).filter((n) => n.endsWith(".json")).sort()) {
      const schema = JSON.parse(readFileSync(path.join(SCHEMAS, dir, name), "utf8")) as SchemaNode;
      expect(schema.$id, `${dir}/${name}`).toBe(`${dir}/${name}`);
      out.set(`${dir}/${name}`, schema);
    }
  }
  return out;
}

const schemas = readOurSchemas();

function idOf(kind: Kind): string {
  return KINDS.find((k) => k.kind === kind)!.id;
}

// ---------------------------------------------------------------------------------------
// ajv as the rest of paodin-fleet will use it: strict, Kubernetes' extensions as
// annotations, Kubernetes' formats known. (The project's own ajv module lives in src/validate/.)

const Ajv = AjvModule.default;

function strictAjv(): InstanceType<typeof Ajv> {
  const ajv = new Ajv({ allErrors: true, strict: true });
  for (const keyword of ["x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type"]) {
    ajv.addKeyword({ keyword });
  }
  ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat("byte", /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
  ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/);
  ajv.addFormat("quantity", new RegExp(QUANTITY_PATTERN));
  for (const [id, schema] of schemas) ajv.addSchema(schema, id);
  return ajv;
}

const ajv = strictAjv();

function errorsOf(kind: Kind, object: unknown): Pick<ErrorObject, "instancePath" | "keyword" | "params">[] {
  const validate = ajv.getSchema(idOf(kind));
  if (validate === undefined) throw new Error(`no schema for ${kind}`);
  validate(object);
  return (validate.errors ?? []).map(({ instancePath, keyword, params }) => ({ instancePath, keyword, params }));
}

function object(kind: Kind, spec: unknown): Record<string, unknown> {
  return { apiVersion: GROUP_VERSION, kind, metadata: { name: "x", namespace: "kubesphere-monitoring-system" }, spec };
}

/** A deep copy of `value` with `edit` applied: each test changes one thing of a valid object. */
function edited<T>(value: T, edit: (copy: T) => void): T {
  const copy = structuredClone(value);
  edit(copy);
  return copy;
}

// A valid object that uses every embedded Kubernetes type, to break one place at a time.
const FULL_INGESTOR = object("ThanosReceiveIngestor", {
  tenants: ["a", "b"],
  replicas: 2,
  image: "thanosio/thanos:v0.23.1",
  logLevel: "info",
  logFormat: "logfmt",
  localTsdbRetention: "6h",
  longTermStore: { namespace: "kubesphere-monitoring-system", name: "longterm" },
  nodeSelector: { "kubernetes.io/os": "linux" },
  tolerations: [{ key: "dedicated", operator: "Equal", value: "monitoring", effect: "NoSchedule", tolerationSeconds: 30 }],
  resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: 2, memory: "2Gi" } },
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: "node-role.kubernetes.io/monitoring", operator: "Exists" }] }],
      },
    },
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { app: "ingestor" } } } },
      ],
    },
  },
  dataVolume: {
    pvc: {
      spec: {
        accessModes: ["ReadWriteOnce"],
        storageClassName: "local",
        resources: { requests: { storage: "20Gi" } },
        selector: { matchExpressions: [{ key: "tier", operator: "In", values: ["fast"] }] },
      },
    },
  },
});

describe("embedded Kubernetes types", () => {
  it(`are generated from ${SOURCE.name}@${SOURCE.version} and up to date (npm run build && node dist/schemas/kubernetes.js)`, () => {
    const { lookup, version } = packageLookup();
    expect(version).toBe(SOURCE.version);
    const files = generateKubernetesSchemas(ROOTS, lookup);
    expect(staleFiles(files, readGenerated(SCHEMAS))).toEqual([]);
  });

  it("translate the package's shapes to our conventions and follow references", () => {
    const raw: Record<string, SchemaNode> = {
      "io.k8s.api.core.v1.Thing": {
        type: "object",
        required: ["name"],
        properties: {
          name: { type: "string" },
          note: { type: "string", nullable: true },
          selector: { oneOf: [{ $ref: "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector#" }, { type: "null" }] },
          sizes: { type: "object", nullable: true, additionalProperties: { $ref: "io.k8s.apimachinery.pkg.api.resource.Quantity#" } },
        },
      },
      "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector": { type: "object", properties: { matchLabels: { type: "object", additionalProperties: { type: "string" } } } },
      "io.k8s.apimachinery.pkg.api.resource.Quantity": { oneOf: [{ type: "number" }, { type: "string", format: "quantity" }] },
    };
    const files = generateKubernetesSchemas(["io.k8s.api.core.v1.Thing"], (id) => structuredClone(raw[id]) as never);
    expect(files.map((f) => f.path)).toEqual([
      "kubernetes/io.k8s.api.core.v1.Thing.json",
      "kubernetes/io.k8s.apimachinery.pkg.api.resource.Quantity.json",
      "kubernetes/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector.json",
    ]);
    const thing = JSON.parse(files[0]!.content) as SchemaNode;
    // Sorted keys, 2-space indentation, trailing newline.
    expect(Object.keys(thing)).toEqual([...Object.keys(thing)].sort());
    expect(files[0]!.content).toBe(`${JSON.stringify(thing, null, 2)}\n`);
    expect(thing).toEqual({
      $comment: expect.stringMatching(/^Generated from kubernetes-models@2\.0\.2 \(Kubernetes 1\.22\) by src\/schemas\/kubernetes\.ts; do not edit\.$/),
      $id: "kubernetes/io.k8s.api.core.v1.Thing.json",
      $schema: "http://json-schema.org/draft-07/schema#",
      additionalProperties: false,
      properties: {
        name: { type: "string" },
        note: { type: "string" },
        selector: { $ref: "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector.json" },
        sizes: { additionalProperties: { $ref: "io.k8s.apimachinery.pkg.api.resource.Quantity.json" }, type: "object" },
      },
      required: ["name"],
      type: "object",
    });
    expect(JSON.parse(files[1]!.content)).toMatchObject({ $comment: expect.stringContaining("Adjusted to the operator's CRDs"), anyOf: [{ type: "integer" }, { type: "string", pattern: QUANTITY_PATTERN }] });
    expect(() => generateKubernetesSchemas(["x"], () => ({ type: "object" }))).toThrow(/free-form object/);
    expect(() => generateKubernetesSchemas(["x"], () => ({ oneOf: [{ type: "string" }, { type: "integer" }] }))).toThrow(/unsupported oneOf/);
  });

  it("are exactly the ones the three kinds reach through $ref", () => {
    const reached = new Set<string>();
    const visit = (node: unknown, docId: string): void => {
      if (Array.isArray(node)) node.forEach((n) => visit(n, docId));
      else if (typeof node === "object" && node !== null) {
        for (const [key, value] of Object.entries(node)) {
          if (key !== "$ref" || typeof value !== "string") visit(value, docId);
          else {
            const { id } = resolveRef(docId, value);
            expect(schemas.has(id), `${docId}: $ref ${value}`).toBe(true);
            if (!reached.has(id)) {
              reached.add(id);
              visit(schemas.get(id), id);
            }
          }
        }
      }
    };
    for (const { id } of KINDS) visit(schemas.get(id), id);
    const generated = [...schemas.keys()].filter((id) => id.startsWith("kubernetes/"));
    expect(generated.filter((id) => !reached.has(id))).toEqual([]);
    expect(generated.length).toBeGreaterThan(ROOTS.length);
  });
});

// ---------------------------------------------------------------------------------------
// Path-by-path comparison with the published CRDs.

/** The published CRD's `openAPIV3Schema` of its only version. */
function publishedSchema(file: string, kind: Kind): SchemaNode {
  const docs = parseAllDocuments(readFileSync(path.join(SHARED, "reference", "paodin-v1alpha1-crds", file), "utf8"))
    .map((d) => d.toJS() as SchemaNode | null)
    .filter((d): d is SchemaNode => d !== null);
  const crd = docs.find((d) => d.kind === "CustomResourceDefinition") as { spec: { names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: SchemaNode } }[] } };
  expect(crd.spec.names.kind).toBe(kind);
  const version = crd.spec.versions.find((v) => v.name === "v1alpha1");
  if (version === undefined) throw new Error(`${file} has no v1alpha1`);
  return version.schema.openAPIV3Schema;
}

function isNode(value: unknown): value is SchemaNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Every difference between two CRD schemas that changes what the API server accepts or
 * keeps, as `path: what`. Descriptions are ignored; everything else counts: types,
 * formats, patterns, enums, required (as sets), property sets, items, maps, junctors and
 * every `x-kubernetes-*` marker.
 */
function differences(ours: unknown, theirs: unknown, at = ""): string[] {
  const where = at === "" ? "(root)" : at;
  if (Array.isArray(ours) && Array.isArray(theirs)) {
    if (ours.length !== theirs.length) return [`${where}: ${ours.length} entries in ours, ${theirs.length} in the CRD`];
    return ours.flatMap((o, i) => differences(o, theirs[i], `${at}/${i}`));
  }
  if (!isNode(ours) || !isNode(theirs)) return same(ours, theirs) ? [] : [`${where}: ${JSON.stringify(ours)} in ours, ${JSON.stringify(theirs)} in the CRD`];
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(ours), ...Object.keys(theirs)])].sort()) {
    if (key === "description") continue;
    const [o, t] = [ours[key], theirs[key]];
    if (o === undefined || t === undefined) {
      out.push(`${where}: ${key} ${o === undefined ? `missing in ours (CRD: ${JSON.stringify(t)})` : `${JSON.stringify(o)} in ours, missing in the CRD`}`);
    } else if (key === "properties" && isNode(o) && isNode(t)) {
      for (const name of [...new Set([...Object.keys(o), ...Object.keys(t)])].sort()) {
        const child = at === "" ? name : `${at}.${name}`;
        if (!(name in t)) out.push(`${child}: only in ours`);
        else if (!(name in o)) out.push(`${child}: missing in ours`);
        else out.push(...differences(o[name], t[name], child));
      }
    } else if (key === "required" && Array.isArray(o) && Array.isArray(t)) {
      if (!same([...o].sort(), [...t].sort())) out.push(`${where}: required ${JSON.stringify(o)} in ours, ${JSON.stringify(t)} in the CRD`);
    } else if (key === "items") out.push(...differences(o, t, `${at}[]`));
    else if (key === "additionalProperties") out.push(...differences(o, t, `${at}{}`));
    else if (Array.isArray(o) && Array.isArray(t) && ["anyOf", "allOf", "oneOf"].includes(key)) out.push(...differences(o, t, `${at}/${key}`));
    else if (!same(o, t)) out.push(`${where}: ${key} ${JSON.stringify(o)} in ours, ${JSON.stringify(t)} in the CRD`);
  }
  return out;
}

/**
 * Ours, as a CRD schema, less the two deliberate differences at the root, both checked
 * here: apiVersion and kind are constants (the CRD types them as strings, but the API
 * server only ever validates an object of this very group, version and kind), and
 * apiVersion, kind and metadata are required (the API server requires them of every object).
 */
function comparable(kind: Kind): SchemaNode {
  const crd = toCrdSchema(inlineRefs(idOf(kind), schemas));
  expect(crd.required).toEqual(["apiVersion", "kind", "metadata"]);
  const properties = crd.properties as Record<string, SchemaNode>;
  expect(properties.apiVersion).toMatchObject({ type: "string", enum: [GROUP_VERSION] });
  expect(properties.kind).toMatchObject({ type: "string", enum: [kind] });
  const { required: _required, ...rest } = crd;
  const { enum: _v, ...apiVersion } = properties.apiVersion!;
  const { enum: _k, ...kindProperty } = properties.kind!;
  return { ...rest, properties: { ...properties, apiVersion, kind: kindProperty } };
}

describe("our schemas of the operator's kinds", () => {
  it("compile in ajv's strict mode", () => {
    for (const { id } of KINDS) expect(ajv.getSchema(id), id).toBeDefined();
  });

  it("inline into structural CRD schemas with no $ref, additionalProperties: false or file keywords left", () => {
    for (const { kind } of KINDS) {
      const text = JSON.stringify(toCrdSchema(inlineRefs(idOf(kind), schemas)));
      for (const word of ['"$ref"', '"additionalProperties":false', '"$id"', '"$schema"', '"$comment"', '"definitions"', '"const"', '"title"']) expect(text, `${kind}: ${word}`).not.toContain(word);
    }
  });

  describe.skipIf(NO_SHARED)(`agree with the operator's published CRDs ${NO_SHARED ? SKIP_REASON : ""}`, () => {
    it.each(KINDS)("$kind, path by path", ({ kind, crd }) => {
      expect(differences(comparable(kind), publishedSchema(crd, kind))).toEqual([]);
    });

    it("the comparison sees a changed type, a missing or extra property, a lost pattern, a changed required list and a lost marker", () => {
      const theirs = publishedSchema("monitoring.paodin.io_thanosreceiveingestors.yaml", "ThanosReceiveIngestor");
      const ours = comparable("ThanosReceiveIngestor");
      const spec = (s: SchemaNode): Record<string, SchemaNode> => (s.properties as Record<string, SchemaNode>).spec!.properties as Record<string, SchemaNode>;
      const found = (edit: (s: SchemaNode) => void): string[] => differences(edited(ours, edit), theirs);
      expect(found((s) => void (spec(s).replicas!.type = "string"))).toEqual(['spec.replicas: type "string" in ours, "integer" in the CRD']);
      expect(found((s) => void delete spec(s).tenants)).toEqual(["spec.tenants: missing in ours"]);
      expect(found((s) => void (spec(s).extra = { type: "string" }))).toEqual(["spec.extra: only in ours"]);
      const sizeLimit = (s: SchemaNode): SchemaNode => ((spec(s).dataVolume!.properties as Record<string, SchemaNode>).emptyDir!.properties as Record<string, SchemaNode>).sizeLimit!;
      expect(found((s) => void delete sizeLimit(s).pattern)).toEqual([expect.stringMatching(/^spec\.dataVolume\.emptyDir\.sizeLimit: pattern missing in ours/)]);
      expect(found((s) => void delete sizeLimit(s)["x-kubernetes-int-or-string"])).toHaveLength(1);
      const toleration = (s: SchemaNode): SchemaNode => (spec(s).tolerations!.items as SchemaNode);
      expect(found((s) => void (toleration(s).required = ["key"]))).toEqual(['spec.tolerations[]: required ["key"] in ours, missing in the CRD']);
      expect(found((s) => void ((spec(s).nodeSelector!.additionalProperties as SchemaNode).type = "integer"))).toEqual(['spec.nodeSelector{}: type "integer" in ours, "string" in the CRD']);
    });
  });
});

// ---------------------------------------------------------------------------------------
// What they accept and reject.

/** The YAML objects the manual applies with `cat <<EOF | kubectl apply -f -`. */
function manualObjects(): SchemaNode[] {
  const text = readFileSync(path.join(SHARED, "seed", "multi-cluster-monitoring.md"), "utf8");
  return [...text.matchAll(/kubectl apply -f -\n([\s\S]*?)\n[ \t]*EOF/g)].map((m) => {
    const lines = (m[1] ?? "").split("\n");
    const indent = Math.min(...lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)![0].length));
    return parse(lines.map((l) => l.slice(indent)).join("\n")) as SchemaNode;
  });
}

function manualObject(kind: Kind, name: string): SchemaNode {
  const found = manualObjects().find((o) => o.kind === kind && (o.metadata as { name?: string }).name === name);
  if (found === undefined) throw new Error(`the manual has no ${kind} ${name}`);
  return found;
}

describe.skipIf(NO_SHARED)(`the manual's examples ${NO_SHARED ? SKIP_REASON : ""}`, () => {
  it.each([
    ["Service", "central"],
    ["Store", "longterm"],
    ["ThanosReceiveIngestor", "softs"],
  ] as const)("Central: %s %s is valid", (kind, name) => {
    const example = manualObject(kind, name);
    expect(example.spec).toBeDefined();
    expect(errorsOf(kind, example)).toEqual([]);
  });

  it("Scattered: spec.stores (where the manual puts it) is rejected, spec.thanos.query.stores is accepted", () => {
    const scattered = manualObject("Service", "scattered");
    expect(errorsOf("Service", scattered)).toEqual([{ instancePath: "/spec", keyword: "additionalProperties", params: { additionalProperty: "stores" } }]);
    const { stores, ...rest } = scattered.spec as { stores: unknown };
    expect(errorsOf("Service", { ...scattered, spec: { ...rest, thanos: { query: { stores } } } })).toEqual([]);
  });
});

describe("validation with the schemas", () => {
  const additional = (instancePath: string, additionalProperty: string): unknown => ({ instancePath, keyword: "additionalProperties", params: { additionalProperty } });

  it("accepts an object that uses every embedded type", () => {
    expect(errorsOf("ThanosReceiveIngestor", FULL_INGESTOR)).toEqual([]);
    expect(errorsOf("ThanosReceiveIngestor", edited(FULL_INGESTOR, (o) => void ((o.spec as SchemaNode).dataVolume = { emptyDir: { medium: "Memory", sizeLimit: "1Gi" } })))).toEqual([]);
    const store = object("Store", {
      objectStorageConfig: { name: "objectstorage", key: "thanos.yaml", optional: false },
      thanos: { compact: { retention: { retentionRaw: "30d" }, downsamplingDisable: true, dataVolume: { emptyDir: {} } }, storeGateway: { minTime: "-2w" } },
    });
    expect(errorsOf("Store", store)).toEqual([]);
    const service = object("Service", { gateway: { tolerations: [{ operator: "Exists" }], resources: { limits: { memory: "1Gi" } } }, thanos: { query: { stores: [{ addresses: ["dnssrv+_grpc._tcp.sidecar"], caSecret: { name: "ca", key: "ca.crt" } }], envoy: { image: "envoyproxy/envoy:v1.20.2" } } } });
    expect(errorsOf("Service", service)).toEqual([]);
  });

  it("rejects unknown fields at the root, in spec and inside embedded types", () => {
    expect(errorsOf("Service", { ...object("Service", {}), extra: 1 })).toEqual([additional("", "extra")]);
    expect(errorsOf("Service", object("Service", { gatway: {} }))).toEqual([additional("/spec", "gatway")]);
    expect(errorsOf("Service", object("Service", { gateway: { tolerations: [{ key: "k", efect: "NoSchedule" }] } }))).toEqual([additional("/spec/gateway/tolerations/0", "efect")]);
    // ResourceRequirements has no `claims` at the operator's Kubernetes level: the API server would prune it.
    expect(errorsOf("Service", object("Service", { gateway: { resources: { claims: [{ name: "gpu" }] } } }))).toEqual([additional("/spec/gateway/resources", "claims")]);
    const spec = (o: Record<string, unknown>): Record<string, unknown> => o.spec as Record<string, unknown>;
    expect(errorsOf("ThanosReceiveIngestor", edited(FULL_INGESTOR, (o) => void ((spec(o).affinity as { nodeAffinity: Record<string, unknown> }).nodeAffinity.preferred = [])))).toEqual([additional("/spec/affinity/nodeAffinity", "preferred")]);
    // The CRDs publish the PVC template's metadata as an empty object: anything in it would be pruned.
    expect(errorsOf("ThanosReceiveIngestor", edited(FULL_INGESTOR, (o) => void ((spec(o).dataVolume as { pvc: Record<string, unknown> }).pvc.metadata = { labels: { a: "b" } })))).toEqual([additional("/spec/dataVolume/pvc/metadata", "labels")]);
    expect(errorsOf("Store", object("Store", { thanos: { compact: { retention: { retention2h: "1d" } } } }))).toEqual([additional("/spec/thanos/compact/retention", "retention2h")]);
  });

  it("rejects wrong types and missing required fields inside embedded types", () => {
    const errs = (edit: (spec: Record<string, unknown>) => void): string[] =>
      errorsOf("ThanosReceiveIngestor", edited(FULL_INGESTOR, (o) => edit(o.spec as Record<string, unknown>))).map((e) => `${e.instancePath} ${e.keyword}`);
    expect(errs((s) => void ((s.tolerations as Record<string, unknown>[])[0]!.tolerationSeconds = "30"))).toEqual(["/spec/tolerations/0/tolerationSeconds type"]);
    expect(errs((s) => void (s.tolerations = { key: "k" }))).toEqual(["/spec/tolerations type"]);
    expect(errs((s) => void (s.nodeSelector = { "kubernetes.io/os": 1 }))).toEqual(["/spec/nodeSelector/kubernetes.io~1os type"]);
    expect(errs((s) => void ((s.affinity as { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: unknown } }).nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = {}))).toEqual(["/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution required"]);
    expect(errs((s) => void ((s.affinity as { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: { weight: unknown }[] } }).podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]!.weight = 2 ** 31))).toEqual(["/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/0/weight format"]);
    // null is pruned by the API server for fields that are not nullable: rejected, not waved through.
    expect(errs((s) => void (s.affinity = null))).toEqual(["/spec/affinity type"]);
    // Quantities: an integer or a string of the quantity grammar, never a fraction or free text.
    expect(errs((s) => void ((s.resources as { limits: Record<string, unknown> }).limits.memory = "2 GB"))).toEqual(["/spec/resources/limits/memory type", "/spec/resources/limits/memory pattern", "/spec/resources/limits/memory anyOf"]);
    expect(errs((s) => void ((s.resources as { limits: Record<string, unknown> }).limits.cpu = 0.5))).toEqual(["/spec/resources/limits/cpu type", "/spec/resources/limits/cpu type", "/spec/resources/limits/cpu anyOf"]);
    expect(errs((s) => void ((s.dataVolume as { pvc: { spec: { dataSource: unknown } } }).pvc.spec.dataSource = { name: "snap" }))).toEqual(["/spec/dataVolume/pvc/spec/dataSource required"]);
    expect(errorsOf("Store", object("Store", { objectStorageConfig: { name: "objectstorage" } })).map((e) => `${e.instancePath} ${e.keyword}`)).toEqual(["/spec/objectStorageConfig required"]);
  });

  it("rejects another apiVersion or kind", () => {
    expect(errorsOf("Store", { ...object("Store", {}), apiVersion: "monitoring.paodin.io/v1" }).map((e) => e.keyword)).toEqual(["const"]);
    expect(errorsOf("Store", { ...object("Store", {}), kind: "Service" }).map((e) => e.keyword)).toEqual(["const"]);
  });
});
