import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import AjvModule, { type AnySchemaObject, type Options } from "ajv";
import { packageRoot } from "../package-root.js";
import { AJV_FORMATS } from "./formats.js";

// ajv is CommonJS; under NodeNext its default export arrives as the module object.
const Ajv = AjvModule.default;
type AjvInstance = InstanceType<typeof Ajv>;

/** Kubernetes' OpenAPI extensions: annotations to the validator, kept in the schemas. */
export const KUBERNETES_KEYWORDS = [
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-int-or-string",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
  "x-kubernetes-validations",
  "x-kubernetes-patch-strategy",
  "x-kubernetes-patch-merge-key",
] as const;

/** The `schemas/` folder shipped with the package. */
export function schemaDir(): string {
  return path.join(packageRoot(), "schemas");
}

/** Every `*.json` under `schemas/`, keyed by its `$id`, read once. */
export function readSchemas(dir: string = schemaDir()): Map<string, AnySchemaObject> {
  const schemas = new Map<string, AnySchemaObject>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith(".json")) {
        const schema = JSON.parse(readFileSync(p, "utf8")) as AnySchemaObject;
        const id = typeof schema.$id === "string" ? schema.$id : path.relative(dir, p).split(path.sep).join("/");
        schemas.set(id, schema);
      }
    }
  };
  walk(dir);
  return schemas;
}

/** An ajv set up for our schemas: Kubernetes' extensions as annotations, Kubernetes' formats. */
export function createAjv(schemas: Map<string, AnySchemaObject>, code?: Options["code"]): AjvInstance {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
    allowUnionTypes: true,
    // Defaults are applied by resolve/, merged with cluster overrides; the validator must not mutate input.
    useDefaults: false,
    ...(code !== undefined ? { code } : {}),
  });
  for (const keyword of KUBERNETES_KEYWORDS) ajv.addKeyword({ keyword, schemaType: ["boolean", "string", "array", "object"] });
  for (const [name, format] of Object.entries(AJV_FORMATS)) ajv.addFormat(name, format as never);
  for (const [id, schema] of schemas) ajv.addSchema(schema, id);
  return ajv;
}

let shared: Map<string, AnySchemaObject> | undefined;

/** The schemas, read once per process (the CRDs are rendered from them). */
export function registry(): { schemas: Map<string, AnySchemaObject> } {
  shared ??= readSchemas();
  return { schemas: shared };
}
