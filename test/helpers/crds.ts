import { stringify } from "yaml";
import type { ImportInput } from "../../src/schemas/import.js";
import { createAjv } from "../../src/validate/ajv.js";

type Obj = Record<string, unknown>;

/** A CRD as an object literal; `versions` as they go under spec.versions. */
export function crdObject(kind: string, versions: unknown[], extra: Obj = {}, group = "example.com"): Obj {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${kind.toLowerCase()}s.${group}` },
    spec: { group, names: { kind, plural: `${kind.toLowerCase()}s` }, scope: "Namespaced", versions, ...extra },
  };
}

export const version = (name: string, openAPIV3Schema: unknown, served = true) => ({ name, served, storage: name === "v1", schema: { openAPIV3Schema } });
export const yamlOf = (...docs: unknown[]) => docs.map((d) => stringify(d)).join("---\n");
/**
 * A one-version Widget CRD as text, `schemaYaml` (unindented) as its openAPIV3Schema: written
 * out so that tests can assert line and column, the schema's first line being line 15.
 */
export function crdText(schemaYaml: string): string {
  const indented = schemaYaml
    .trimEnd()
    .split("\n")
    .map((l) => `        ${l}`)
    .join("\n");
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
${indented}
`;
}
export const one = (text: string, file = "crd.yaml"): ImportInput[] => [{ file, text }];

/** The imported schema `id` among `files` as a check: "ok", or ajv's errors joined. */
export function validatorFor(files: readonly { path: string; content: string }[], id: string) {
  const ajv = createAjv(new Map(files.map((f) => [f.path, JSON.parse(f.content) as Obj])));
  const validate = ajv.getSchema(id);
  if (validate === undefined) throw new Error(`no schema ${id} among ${files.map((f) => f.path).join(", ")}`);
  return (o: unknown) => (validate(o) ? "ok" : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join("; "));
}
