import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { packageLookup } from "../../src/schemas/kubernetes.js";
import type { CrdSchema } from "../../src/check/crd-values.js";
import { SHARED } from "./cli.js";

/**
 * The schemas real clusters check our objects with, none of them ours: the CRDs upstream
 * projects publish (../shared/reference), and Kubernetes' own OpenAPI definitions at 1.22
 * (kubernetes-models@2.0.2, the operator's level) rewritten into the structural form the
 * CRD walker reads, objects closed, so an unknown field is reported as the API server's
 * strict field validation (kubectl's default since 1.27) reports it.
 */
const REFERENCE = path.join(SHARED, "reference");

/** `group/version Kind` → every upstream schema of it (Prometheus has two: ks-installer's copy and prometheus-operator's). */
export function upstreamCrdSchemas(): Map<string, { source: string; schema: CrdSchema }[]> {
  const out = new Map<string, { source: string; schema: CrdSchema }[]>();
  for (const dir of ["upstream-crds", "paodin-v1alpha1-crds"]) {
    for (const file of readdirSync(path.join(REFERENCE, dir)).sort()) {
      for (const doc of parseAllDocuments(readFileSync(path.join(REFERENCE, dir, file), "utf8"))) {
        const crd = doc.toJS() as { kind?: string; spec: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema: { openAPIV3Schema: CrdSchema } }[] } } | null;
        if (crd?.kind !== "CustomResourceDefinition") continue;
        for (const v of crd.spec.versions.filter((x) => x.served)) {
          const key = `${crd.spec.group}/${v.name} ${crd.spec.names.kind}`;
          out.set(key, [...(out.get(key) ?? []), { source: `${dir}/${file}`, schema: v.schema.openAPIV3Schema }]);
        }
      }
    }
  }
  return out;
}

/** Core kinds by `apiVersion kind` → their OpenAPI definition id. */
export const CORE_KINDS: Readonly<Record<string, string>> = {
  "v1 ConfigMap": "io.k8s.api.core.v1.ConfigMap",
  "v1 Secret": "io.k8s.api.core.v1.Secret",
  "v1 Service": "io.k8s.api.core.v1.Service",
  "v1 ServiceAccount": "io.k8s.api.core.v1.ServiceAccount",
  "apps/v1 Deployment": "io.k8s.api.apps.v1.Deployment",
  "networking.k8s.io/v1 NetworkPolicy": "io.k8s.api.networking.v1.NetworkPolicy",
  "rbac.authorization.k8s.io/v1 ClusterRole": "io.k8s.api.rbac.v1.ClusterRole",
  "rbac.authorization.k8s.io/v1 ClusterRoleBinding": "io.k8s.api.rbac.v1.ClusterRoleBinding",
  "rbac.authorization.k8s.io/v1 Role": "io.k8s.api.rbac.v1.Role",
  "rbac.authorization.k8s.io/v1 RoleBinding": "io.k8s.api.rbac.v1.RoleBinding",
};

type Json = Record<string, unknown>;

/** A Kubernetes definition as a structural schema: `$ref`s inlined, `oneOf [X, null]` as nullable X, IntOrString as int-or-string. */
export function coreSchema(id: string): CrdSchema {
  const { lookup } = packageLookup();
  const memo = new Map<string, CrdSchema>();
  const convert = (node: Json, stack: readonly string[]): CrdSchema => {
    if (typeof node.$ref === "string") {
      const ref = node.$ref.replace(/#$/, "");
      if (ref === "io.k8s.apimachinery.pkg.util.intstr.IntOrString") return { "x-kubernetes-int-or-string": true };
      if (stack.includes(ref)) return { "x-kubernetes-preserve-unknown-fields": true }; // recursive (JSONSchemaProps): not rendered by us
      const cached = memo.get(ref);
      if (cached !== undefined) return cached;
      const out = convert(lookup(ref) as Json, [...stack, ref]);
      memo.set(ref, out);
      return out;
    }
    const oneOf = node.oneOf as Json[] | undefined;
    if (Array.isArray(oneOf)) {
      const rest = oneOf.filter((b) => b.type !== "null");
      if (rest.length === 1) return { ...convert(rest[0]!, stack), nullable: true };
      const types = oneOf.map((b) => b.type).sort();
      // IntOrString, and Quantity (a string, or a number the server turns into one).
      if (JSON.stringify(types) === '["integer","string"]' || JSON.stringify(types) === '["number","string"]') return { "x-kubernetes-int-or-string": true };
      throw new Error(`${id}: oneOf ${JSON.stringify(oneOf)} not understood`);
    }
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === "properties") out[k] = Object.fromEntries(Object.entries(v as Record<string, Json>).map(([p, s]) => [p, convert(s, stack)]));
      else if (k === "items" || (k === "additionalProperties" && typeof v === "object")) out[k] = convert(v as Json, stack);
      else if (k === "type" || k === "enum" || k === "required" || k === "nullable") out[k] = v;
    }
    // A Kubernetes type with no properties and no type is free-form (RawExtension, FieldsV1).
    if (out.type === undefined && out.properties === undefined) out["x-kubernetes-preserve-unknown-fields"] = true;
    return out;
  };
  return convert({ $ref: id }, []);
}

/** ObjectMeta, which the API server checks for every kind with its own code rather than a schema. */
export const OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
