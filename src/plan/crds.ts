import { inlineRefs, toCrdSchema, type SchemaNode } from "../schemas/inline.js";
import { registry } from "../validate/ajv.js";
import { MANAGED_BY, withWave, WAVE, type K8sObject } from "./objects.js";

export const PAODIN_GROUP = "monitoring.paodin.io";
export const PAODIN_VERSION = "v1alpha1";

/**
 * The operator's kinds at this API version: names as the API serves them. All three have
 * the status subresource (`+kubebuilder:subresource:status` in the operator's api/v1alpha1
 * at fdb79a7, and in its published CRDs): a CRD without it, applied over the operator's,
 * would take `/status` away from the controller.
 */
export const PAODIN_KINDS = [
  { kind: "Service", plural: "services", schema: "monitoring.paodin.io/service_v1alpha1.json" },
  { kind: "Store", plural: "stores", schema: "monitoring.paodin.io/store_v1alpha1.json" },
  { kind: "ThanosReceiveIngestor", plural: "thanosreceiveingestors", schema: "monitoring.paodin.io/thanosreceiveingestor_v1alpha1.json" },
] as const;

/**
 * Where the rendered CRDs deliberately differ from the operator's published ones, with the
 * reason; test/published-crds.test.ts holds the rendering to exactly this list. None of it
 * changes what the API server accepts.
 */
export const CRD_DIFFERENCES = [
  "descriptions: our own words (schemas/monitoring.paodin.io/), not controller-gen's Go doc comments",
  "metadata: the paodin-fleet label and Argo CD's sync-wave and sync-options annotations; no controller-gen annotation or creationTimestamp: null",
] as const;

let cached: K8sObject[] | undefined;
let cachedFrom: unknown;

/**
 * The operator's CustomResourceDefinitions, rendered from our schemas (the same ones the
 * fleet's fragments are validated against), so what the API server accepts and what the
 * fleet accepts cannot drift apart. The same for every fleet: built once per process.
 */
export function crdObjects(): K8sObject[] {
  const schemas = registry().schemas as unknown as ReadonlyMap<string, SchemaNode>;
  // Rebuilt when the schemas change: a fleet repository's own operator schemas (overrideSchemas).
  if (cached !== undefined && cachedFrom === schemas) return cached;
  cachedFrom = schemas;
  cached = PAODIN_KINDS.map((k) => crdObject(k, schemas));
  return cached;
}

/** One kind's CustomResourceDefinition, from the schemas given. */
export function crdObject(k: (typeof PAODIN_KINDS)[number], schemas: ReadonlyMap<string, SchemaNode> = registry().schemas as unknown as ReadonlyMap<string, SchemaNode>): K8sObject {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: `${k.plural}.${PAODIN_GROUP}`,
      labels: { ...MANAGED_BY },
      // Server-side apply: a CRD's schema can outgrow the annotation client-side apply keeps.
      annotations: withWave(WAVE.operator, { "argocd.argoproj.io/sync-options": "ServerSideApply=true" }),
    },
    spec: {
      group: PAODIN_GROUP,
      names: { kind: k.kind, listKind: `${k.kind}List`, plural: k.plural, singular: k.kind.toLowerCase() },
      scope: "Namespaced",
      versions: [
        {
          name: PAODIN_VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: servedRoot(sortRequired(toCrdSchema(inlineRefs(k.schema, schemas)))) },
          subresources: { status: {} },
        },
      ],
    },
  };
}

/**
 * The root of a custom resource's schema as the API server wants it. Our schemas require
 * `apiVersion`, `kind` and `metadata` and fix the first two (that is how the fleet's
 * fragments and the rendered objects are checked), but the server routes by them itself and
 * checks ObjectMeta with its own code: it refuses a root `metadata` schema with anything but
 * `type` (apiextensions-apiserver pkg/apiserver/schema/validation.go,
 * validateStructuralMetadataInvariants: "must not specify anything other than name and
 * generateName, but metadata is implicitly specified"). So the root keeps only the types,
 * as controller-gen writes it.
 */
function servedRoot(schema: SchemaNode): SchemaNode {
  const { required: _required, ...root } = schema;
  const properties = { ...(root.properties as Record<string, SchemaNode>) };
  for (const key of ["apiVersion", "kind"]) {
    const { enum: _enum, ...rest } = properties[key] ?? {};
    properties[key] = rest;
  }
  properties.metadata = { type: "object" };
  return { ...root, properties };
}

/** `required` lists in name order, as controller-gen writes them; the order means nothing to the server. */
function sortRequired(node: SchemaNode): SchemaNode {
  const sorted = (value: unknown, key: string): unknown => {
    if (key === "required" && Array.isArray(value)) return [...(value as string[])].sort();
    if (key === "enum" || key === "default" || key === "example") return value; // data, not schemas
    if (Array.isArray(value)) return value.map((v) => sorted(v, ""));
    return typeof value === "object" && value !== null ? sortRequired(value as SchemaNode) : value;
  };
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, sorted(v, k)]));
}
