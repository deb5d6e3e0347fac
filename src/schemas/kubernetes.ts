import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { toJsonText } from "../emit/yaml.js";
import { byCodeUnits, byPath } from "../order.js";

/**
 * Generates `schemas/kubernetes/<definition id>.json`: the Kubernetes types that the
 * operator's kinds embed (affinity, tolerations, resources, volumes, secret key
 * selectors), taken from a maintained package instead of written by hand, translated to
 * the conventions of schemas/README.md and adjusted where the operator's CRDs differ.
 *
 * The source is `kubernetes-models@2.0.2`: Kubernetes 1.22, the API level the operator's
 * CRDs were generated from (PVC spec with `dataSourceRef`, ResourceRequirements without
 * `claims`). Newer releases ship only compiled validators and newer types.
 *
 * Pure but for reading the installed package and the files in schemas/: the script that writes
 * them (and prints) is scripts/kubernetes-schemas.mjs. Regenerate: `npm run build && node
 * scripts/kubernetes-schemas.mjs` (`--check` only compares).
 */

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** A file to write, `path` relative to `schemas/`, `/`-separated. */
export interface GeneratedSchema {
  readonly path: string;
  readonly content: string;
}

export interface Source {
  readonly name: string;
  /** The name it is installed under: an npm alias, since the runtime depends on a newer kubernetes-models. */
  readonly installedAs: string;
  readonly version: string;
  readonly kubernetes: string;
}

/**
 * The package pinned in package.json (devDependency `kubernetes-models-1.22`, an alias of
 * kubernetes-models@2.0.2) and the Kubernetes release it carries.
 */
export const SOURCE: Source = { name: "kubernetes-models", installedAs: "kubernetes-models-1.22", version: "2.0.2", kubernetes: "1.22" };

/** Definitions the three kinds embed directly; what they reference is followed. */
export const ROOTS: readonly string[] = [
  "io.k8s.api.core.v1.Affinity",
  "io.k8s.api.core.v1.EmptyDirVolumeSource",
  "io.k8s.api.core.v1.PersistentVolumeClaim",
  "io.k8s.api.core.v1.ResourceRequirements",
  "io.k8s.api.core.v1.SecretKeySelector",
  "io.k8s.api.core.v1.Toleration",
];

export const KUBERNETES_DIR = "kubernetes";

/** `io.k8s.api.core.v1.Toleration` → `kubernetes/io.k8s.api.core.v1.Toleration.json`. */
export function schemaPath(id: string): string {
  return `${KUBERNETES_DIR}/${id}.json`;
}

// The grammar of resource.Quantity as controller-gen publishes it in the operator's CRDs;
// the API server enforces this pattern, so we do too.
export const QUANTITY_PATTERN =
  "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

/** `why` is one line, copied into the file's `$comment`. */
export type Adjustment =
  | { readonly why: string; readonly replace: JsonObject }
  | { readonly why: string; readonly patch: (translated: JsonObject) => JsonObject };

/**
 * Where the operator's CRDs (controller-gen 0.4.1 over the 1.22 Go types) accept something
 * else than the package's definition: a `replace` stands for the package's definition, a
 * `patch` edits its translation. The result is what the API server accepts for these CRDs
 * with no field pruned.
 */
export const ADJUSTMENTS: Readonly<Record<string, Adjustment>> = {
  "io.k8s.apimachinery.pkg.api.resource.Quantity": {
    why: "int-or-string with the CRDs' quantity pattern, which the API server checks (the package: any number, or a string of format quantity). The pattern sits in the string branch, as strict validators want; toCrdSchema lifts it.",
    replace: {
      "x-kubernetes-int-or-string": true,
      anyOf: [{ type: "integer" }, { type: "string", pattern: QUANTITY_PATTERN }],
    },
  },
  "io.k8s.api.core.v1.PersistentVolumeClaim": {
    why: "apiVersion and kind are optional free strings in the CRDs (the package requires v1/PersistentVolumeClaim); metadata is an empty object there, so the API server prunes anything in it: rejected here.",
    patch: (schema) => {
      const { required: _required, ...rest } = schema;
      return {
        ...rest,
        properties: {
          ...asObject(schema.properties),
          apiVersion: { type: "string" },
          kind: { type: "string" },
          metadata: { type: "object", additionalProperties: false },
        },
      };
    },
  },
};

/**
 * One node of the package's schema in our conventions: `nullable` and `oneOf [X, null]`
 * dropped (the API server prunes nulls of non-nullable fields), `$ref`s made relative file
 * paths, and objects closed with `additionalProperties: false`. Throws on shapes that would
 * need a decision (free-form objects, other unions) rather than guess.
 */
export function translate(node: JsonObject, where: string): JsonObject {
  const { nullable: _nullable, oneOf, $ref, properties, additionalProperties, items, ...rest } = node;
  if (oneOf !== undefined) {
    const nonNull = Array.isArray(oneOf) ? oneOf.filter((s) => !(isObject(s) && s.type === "null" && Object.keys(s).length === 1)) : [];
    const only = nonNull[0];
    if (nonNull.length !== 1 || !Array.isArray(oneOf) || oneOf.length !== 2 || !isObject(only)) throw new Error(`${where}: unsupported oneOf`);
    return translate({ ...rest, ...only }, where);
  }
  for (const key of ["anyOf", "allOf", "not"]) if (key in rest) throw new Error(`${where}: unsupported ${key}`);
  const out: JsonObject = { ...rest };
  if ($ref !== undefined) {
    if (typeof $ref !== "string" || !/^[\w.-]+#?$/.test($ref)) throw new Error(`${where}: unsupported $ref ${JSON.stringify($ref)}`);
    out.$ref = `${$ref.replace(/#$/, "")}.json`;
  }
  if (items !== undefined) out.items = translate(asObject(items, `${where}.items`), `${where}[]`);
  if (properties !== undefined) {
    out.properties = Object.fromEntries(Object.entries(asObject(properties, where)).map(([k, v]) => [k, translate(asObject(v, `${where}.${k}`), `${where}.${k}`)]));
    if (additionalProperties !== undefined) throw new Error(`${where}: properties with additionalProperties`);
    out.additionalProperties = false;
  } else if (additionalProperties !== undefined) {
    out.additionalProperties = translate(asObject(additionalProperties, where), `${where}{}`);
  } else if (rest.type === "object") {
    throw new Error(`${where}: free-form object, decide between preserve-unknown-fields and a closed object`);
  }
  return out;
}

/** Every definition id a translated schema references. */
export function referencedIds(schema: Json): string[] {
  const ids: string[] = [];
  const visit = (node: Json): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === "$ref" && typeof value === "string") ids.push(value.replace(/\.json$/, ""));
        else visit(value);
      }
    }
  };
  visit(schema);
  return ids;
}

/**
 * The schema files for `roots` and everything they reference, from `lookup` (the package's
 * raw definition for an id). Pure: the same definitions give the same bytes.
 */
export function generateKubernetesSchemas(roots: readonly string[], lookup: (id: string) => JsonObject, source: Source = SOURCE): GeneratedSchema[] {
  const done = new Map<string, JsonObject>();
  const queue = [...roots];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (done.has(id)) continue;
    const adjustment = ADJUSTMENTS[id];
    const raw = lookup(id);
    const schema = adjustment === undefined ? translate(raw, id) : "replace" in adjustment ? adjustment.replace : adjustment.patch(translate(raw, id));
    done.set(id, schema);
    queue.push(...referencedIds(schema));
  }
  return [...done.entries()]
    .map(([id, schema]) => {
      const adjusted = ADJUSTMENTS[id];
      const comment = `Generated from ${source.name}@${source.version} (Kubernetes ${source.kubernetes}) by src/schemas/kubernetes.ts; do not edit.${adjusted === undefined ? "" : ` Adjusted to the operator's CRDs: ${adjusted.why}`}`;
      const file: JsonObject = { $schema: "http://json-schema.org/draft-07/schema#", $id: schemaPath(id), $comment: comment, ...schema };
      return { path: schemaPath(id), content: stringify(file) };
    })
    .sort(byPath);
}

/** JSON with keys sorted at every level, 2-space indentation and a trailing newline. */
export function stringify(value: Json): string {
  const sort = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(sort);
    if (!isObject(node)) return node;
    return Object.fromEntries(Object.keys(node).sort().map((k) => [k, sort(node[k] as Json)]));
  };
  return toJsonText(sort(value));
}

/**
 * Reads raw definitions out of the installed package. Its `_schemas/*.js` modules register
 * plain schema objects into the ajv instance of `@kubernetes-models/validate` (the exact
 * version the package pins); neither is in the packages' `exports`, hence the file paths.
 */
export function packageLookup(from: string = fileURLToPath(import.meta.url)): { lookup: (id: string) => JsonObject; version: string } {
  const root = packageDir(SOURCE.installedAs, from);
  const version = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
  const load = createRequire(path.join(root, "package.json"));
  const validateDir = packageDir("@kubernetes-models/validate", path.join(root, "package.json"));
  const { ajv } = load(path.join(validateDir, "dist", "ajv.js")) as { ajv: { getSchema(id: string): { schema: unknown } | undefined } };
  const lookup = (id: string): JsonObject => {
    const module = id.split(".").map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join("");
    (load(path.join(root, "_schemas", `${module}.js`)) as { addSchema(): void }).addSchema();
    const schema = ajv.getSchema(id)?.schema;
    if (!isObject(schema as Json)) throw new Error(`${SOURCE.name} has no definition ${id}`);
    return structuredClone(schema) as JsonObject;
  };
  return { lookup, version };
}

function packageDir(name: string, from: string): string {
  const paths = createRequire(from).resolve.paths(name) ?? [];
  for (const dir of paths) {
    const candidate = path.join(dir, ...name.split("/"));
    try {
      readFileSync(path.join(candidate, "package.json"));
      return candidate;
    } catch {
      // not in this node_modules; try the next one up
    }
  }
  throw new Error(`${name} is not installed: run npm ci`);
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asObject(value: Json | undefined, where = "schema"): JsonObject {
  if (value === undefined) return {};
  if (!isObject(value)) throw new Error(`${where}: expected an object`);
  return value;
}

/** The files as they are now in `schemaDir`, for --check and for the freshness test. */
export function readGenerated(schemaDir: string): Map<string, string> {
  const dir = path.join(schemaDir, KUBERNETES_DIR);
  const files = new Map<string, string>();
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".json"));
  } catch {
    return files;
  }
  for (const name of names.sort()) files.set(`${KUBERNETES_DIR}/${name}`, readFileSync(path.join(dir, name), "utf8"));
  return files;
}

/** Paths that differ between the generated files and those on disk, `+`/`~`/`-` prefixed. */
export function staleFiles(want: readonly GeneratedSchema[], have: ReadonlyMap<string, string>): string[] {
  const wanted = new Map(want.map((f) => [f.path, f.content]));
  const out: string[] = [];
  for (const [p, content] of wanted) if (have.get(p) !== content) out.push(`${have.has(p) ? "~" : "+"} ${p}`);
  for (const p of have.keys()) if (!wanted.has(p)) out.push(`- ${p}`);
  return out.sort((a, b) => byCodeUnits(a.slice(2), b.slice(2)));
}
