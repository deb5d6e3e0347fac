import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import AjvModule, { type AnySchemaObject, type Options, type ValidateFunction } from "ajv";
import { byCodeUnits } from "../order.js";
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
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => byCodeUnits(a.name, b.name))) {
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
let overrides: ReadonlyMap<string, AnySchemaObject> | undefined;
let runtime: AjvInstance | undefined;

/** The schemas, read once per process (the CRDs are rendered from them), with the overrides in place of shipped ones. */
export function registry(): { schemas: Map<string, AnySchemaObject> } {
  shared ??= overrides === undefined ? readSchemas() : new Map([...readSchemas(), ...overrides]);
  return { schemas: shared };
}

/**
 * Schemas by `$id` that replace shipped ones (a fleet repository's own operator schemas, see
 * src/cli/project.ts), or undefined for the shipped schemas alone.
 */
export function overrideSchemas(schemas: ReadonlyMap<string, AnySchemaObject> | undefined): void {
  if (schemas === overrides) return;
  overrides = schemas;
  shared = undefined;
  runtime = undefined;
}

/** With overrides: the validator for `ref`, compiled from the schemas at run time; otherwise undefined (use the precompiled one). */
export function runtimeValidator(ref: string): ValidateFunction | undefined {
  if (overrides === undefined) return undefined;
  runtime ??= createAjv(registry().schemas);
  return runtime.getSchema(ref);
}
