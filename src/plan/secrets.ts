import { placeholderOf, toYamlWithExpressions } from "../emit/yaml.js";
import type { ExternalSecretSource } from "../generated/paodin-fleet/fleet_v1alpha1.js";
import type { ObjectStorageSettings } from "../resolve/model.js";
import { MANAGED_BY, withWave, WAVE, type K8sObject } from "./objects.js";

/**
 * The object-storage Secret as an External Secrets Operator `ExternalSecret`, one per
 * namespace that needs it: the bucket settings come from Git, the credentials from the
 * secret store, joined by the operator's template into the `thanos.yaml` Thanos reads.
 */
export function externalSecret(storage: ObjectStorageSettings, source: Required<Pick<ExternalSecretSource, "apiVersion" | "refreshInterval">> & ExternalSecretSource, namespace: string): K8sObject {
  const names = Object.keys(source.credentials).sort();
  return {
    apiVersion: source.apiVersion,
    kind: "ExternalSecret",
    metadata: { name: storage.secretName, namespace, labels: { ...MANAGED_BY }, annotations: withWave(WAVE.storage) },
    spec: {
      refreshInterval: source.refreshInterval,
      secretStoreRef: { name: source.secretStoreRef.name, kind: source.secretStoreRef.kind ?? "ClusterSecretStore" },
      target: {
        name: storage.secretName,
        creationPolicy: "Owner",
        template: { engineVersion: "v2", type: "Opaque", data: { [storage.key]: thanosConfigTemplate(source, names) } },
      },
      data: names.map((name) => {
        const ref = source.credentials[name]!;
        return {
          secretKey: name,
          remoteRef: { key: ref.key, ...(ref.property !== undefined ? { property: ref.property } : {}), ...(ref.version !== undefined ? { version: ref.version } : {}) },
        };
      }),
    },
  };
}

/**
 * `thanos.yaml` with each credential as an External Secrets template expression
 * (toYamlWithExpressions in emit/yaml.ts writes them).
 */
export function thanosConfigTemplate(source: ExternalSecretSource, credentialNames: readonly string[]): string {
  const config: Record<string, unknown> = { ...source.config.config };
  credentialNames.forEach((name, i) => (config[name] = placeholderOf(i)));
  const doc: Record<string, unknown> = { type: source.config.type, config };
  if (source.config.prefix !== undefined) doc.prefix = source.config.prefix;
  return toYamlWithExpressions(doc, credentialNames);
}
