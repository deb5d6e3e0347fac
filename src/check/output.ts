import type { ErrorObject } from "ajv";
import { ArgoCD, ExternalSecrets, Flux, K8s, Prometheus } from "./output-models.js";
import { InternalError } from "../diagnostics/issue.js";
import type { Overlay } from "../emit/emit.js";
import type { K8sObject } from "../plan/objects.js";
import { crdProblems } from "./crd-rules.js";
import { validatorFor } from "../validate/validators.js";

/**
 * Every rendered object against its schema, before anything is written: the operator's
 * kinds and the ClusterConfiguration against ours, everything else against the upstream
 * schemas the kubernetes-models packages carry (Kubernetes, prometheus-operator, Argo CD,
 * Flux, External Secrets), and CRDs against the API server's own rules (crd-rules.ts). The input was valid by then, so a failure is a bug in
 * paodin-fleet: InternalError, exit 70, with the object and what is wrong.
 */
type Check = (o: K8sObject) => string[];

/** A model class of kubernetes-models: `validate()` checks `this` against the kind's schema and throws with `errors`. */
type Model = { prototype: { validate(this: unknown): void } };

function model(M: Model): Check {
  return (o) => {
    try {
      // The method validates its `this` as data: called on the object itself, it skips the deep
      // copy that constructing a model makes (a third of this stage's time on a large fleet).
      M.prototype.validate.call(o);
      return [];
    } catch (e) {
      // kubernetes-models throws Ajv's ValidationError, which always carries its errors; anything
      // else it throws is a bug of its own and goes on as one.
      const errors = (e as { errors?: ErrorObject[] }).errors;
      if (errors === undefined) throw e;
      return messages(errors);
    }
  };
}

function ours(schemaId: string): Check {
  return (o) => {
    const validate = validatorFor(schemaId);
    return validate(o) ? [] : messages(validate.errors ?? []);
  };
}

/** Ajv's errors as `/path message`; a problem of the object itself has no path before it. */
function messages(errors: readonly ErrorObject[]): string[] {
  return errors.map((e) => `${e.instancePath} ${e.message ?? ""}`.trim());
}

/** External Secrets v1 has the v1beta1 shape for every field paodin-fleet renders; the models package carries v1beta1. */
function asV1beta1(check: Check): Check {
  return (o) => check({ ...o, apiVersion: "external-secrets.io/v1beta1" });
}

const CHECKS: Readonly<Record<string, Check>> = {
  "monitoring.paodin.io/v1alpha1 Service": ours("monitoring.paodin.io/service_v1alpha1.json"),
  "monitoring.paodin.io/v1alpha1 Store": ours("monitoring.paodin.io/store_v1alpha1.json"),
  "monitoring.paodin.io/v1alpha1 ThanosReceiveIngestor": ours("monitoring.paodin.io/thanosreceiveingestor_v1alpha1.json"),
  "installer.kubesphere.io/v1alpha1 ClusterConfiguration": ours("installer.kubesphere.io/clusterconfiguration_v1alpha1.json"),
  // The model checks the shape; crdProblems what the API server enforces beyond it (structural schemas).
  "apiextensions.k8s.io/v1 CustomResourceDefinition": (o) => [...model(K8s.CustomResourceDefinition)(o), ...crdProblems(o)],
  "v1 ServiceAccount": model(K8s.ServiceAccount),
  "v1 Service": model(K8s.Service),
  "v1 ConfigMap": model(K8s.ConfigMap),
  "v1 Secret": model(K8s.Secret),
  "apps/v1 Deployment": model(K8s.Deployment),
  "networking.k8s.io/v1 NetworkPolicy": model(K8s.NetworkPolicy),
  "rbac.authorization.k8s.io/v1 ClusterRole": model(K8s.ClusterRole),
  "rbac.authorization.k8s.io/v1 ClusterRoleBinding": model(K8s.ClusterRoleBinding),
  "rbac.authorization.k8s.io/v1 Role": model(K8s.Role),
  "rbac.authorization.k8s.io/v1 RoleBinding": model(K8s.RoleBinding),
  "monitoring.coreos.com/v1 Prometheus": model(Prometheus.Prometheus),
  "external-secrets.io/v1beta1 ExternalSecret": model(ExternalSecrets.ExternalSecret),
  "external-secrets.io/v1 ExternalSecret": asV1beta1(model(ExternalSecrets.ExternalSecret)),
  "argoproj.io/v1alpha1 ApplicationSet": model(ArgoCD.ApplicationSet),
  "kustomize.toolkit.fluxcd.io/v1 Kustomization": model(Flux.Kustomization),
};

/**
 * Kinds copied through as the user wrote them, checked when they were read
 * (resolve/assets.ts): a SOPS Secret's data is ciphertext, not the base64 the schema wants.
 */
const VERBATIM = new Set(["bitnami.com/v1alpha1 SealedSecret", "v1 Secret"]);

export function checkObject(o: K8sObject, verbatim = false): string[] {
  const key = `${o.apiVersion} ${o.kind}`;
  if (verbatim && VERBATIM.has(key)) return [];
  const check = CHECKS[key];
  if (check === undefined) return [`no schema to validate ${key} against`];
  return check(o);
}

/** Every object of one overlay, before its files are written; a failure is a bug (InternalError). */
export function validateOverlay({ dir, entries }: Overlay): void {
  for (const { planned: p } of entries) {
    const problems = checkObject(p.object, p.verbatim !== undefined);
    if (problems.length > 0) {
      const o = p.object;
      throw new InternalError(
        `rendered ${o.kind} ${o.metadata.namespace !== undefined ? `${o.metadata.namespace}/` : ""}${o.metadata.name} for ${dir} fails its schema`,
        problems.map((x) => `  ${x}`).join("\n"),
      );
    }
  }
}
