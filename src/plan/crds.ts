import { inlineRefs, toCrdSchema, type SchemaNode } from "../schemas/inline.js";
import { registry } from "../validate/ajv.js";
import { MANAGED_BY, withWave, WAVE, type K8sObject } from "./objects.js";

export const PAODIN_GROUP = "monitoring.paodin.io";
export const PAODIN_VERSION = "v1alpha1";

/** The operator's kinds at this API version: names as the API serves them, and which have a status subresource. */
export const PAODIN_KINDS = [
  { kind: "Service", plural: "services", schema: "monitoring.paodin.io/service_v1alpha1.json", status: true },
  { kind: "Store", plural: "stores", schema: "monitoring.paodin.io/store_v1alpha1.json", status: true },
  { kind: "ThanosReceiveIngestor", plural: "thanosreceiveingestors", schema: "monitoring.paodin.io/thanosreceiveingestor_v1alpha1.json", status: false },
] as const;

let cached: K8sObject[] | undefined;

/**
 * The operator's CustomResourceDefinitions, rendered from our schemas (the same ones the
 * fleet's fragments are validated against), so what the API server accepts and what the
 * fleet accepts cannot drift apart. The same for every fleet: built once per process.
 */
export function crdObjects(): K8sObject[] {
  if (cached !== undefined) return cached;
  const schemas = registry().schemas as unknown as ReadonlyMap<string, SchemaNode>;
  cached = PAODIN_KINDS.map((k) => ({
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
          schema: { openAPIV3Schema: toCrdSchema(inlineRefs(k.schema, schemas)) },
          ...(k.status ? { subresources: { status: {} } } : {}),
        },
      ],
    },
  }));
  return cached;
}
