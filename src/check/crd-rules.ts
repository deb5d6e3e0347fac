import { PRUNED, valueProblems, type CrdSchema } from "./crd-values.js";
import { re2 } from "./re2.js";

/**
 * What the API server enforces on an `apiextensions.k8s.io/v1` CustomResourceDefinition
 * before it stores it, rule for rule, with its own messages (`path: Forbidden: …`), so
 * that a CRD the server would refuse is never rendered. Sources, Kubernetes 1.24
 * (KubeSphere 3.3's level; unchanged in what we check through 1.30):
 *
 * - apiextensions-apiserver pkg/apis/apiextensions/validation/validation.go:
 *   validateCustomResourceDefinitionSpec (name, group, scope, versions, storage),
 *   ValidateCustomResourceDefinitionNames, ValidateCustomResourceColumnDefinition,
 *   ValidateCustomResourceDefinitionSubresources, validateCustomResourceDefinitionValidation
 *   (the root with a status subresource, `nullable` at the root),
 *   ValidateCustomResourceDefinitionOpenAPISchema and specStandardValidatorV3.validate
 *   (unsupported keywords, `additionalProperties` beside `properties`, defaults in
 *   metadata, list and map types), validateMapListKeysMapSet;
 * - pkg/apiserver/schema/validation.go: validateStructuralInvariants (a type on every
 *   node, `items` for arrays, the root and embedded resources' type meta and metadata),
 *   validateNestedValueValidation (what allOf/anyOf/oneOf/not may hold), validateExtensions;
 * - pkg/apiserver/schema/defaulting/validation.go: a default must survive pruning and
 *   validate against its schema;
 * - https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema
 *
 * Not checked: CEL rules (`x-kubernetes-validations`: their cost and compilation need the
 * CEL environment of the server) and updates of an existing CRD. Where we differ in the words
 * only: the server sorts the structural errors (ValidateStructural), prints a refused status
 * root as a whole Go struct, and hides the `$schema` error behind any other.
 */
export function crdProblems(crd: unknown): string[] {
  const out: string[] = [];
  if (!isObject(crd) || !isObject(crd.spec)) return ["spec: Required value"];
  const spec = crd.spec;
  // Defaulted by the server before it validates (apis/apiextensions/v1/defaults.go).
  const given = isObject(spec.names) ? spec.names : {};
  const kind = str(given.kind);
  const names: Record<string, unknown> = { singular: kind.toLowerCase(), listKind: kind === "" ? "" : `${kind}List`, ...given };
  const group = str(spec.group);
  const name = isObject(crd.metadata) ? str(crd.metadata.name) : "";

  // ValidateObjectMeta with the CRD's name function: a DNS subdomain, and plural.group.
  if (name === "") out.push("metadata.name: Required value: name or generateName is required");
  else for (const why of [...dns1123Subdomain(name), ...(name === `${str(names.plural)}.${group}` ? [] : ['must be spec.names.plural+"."+spec.group'])]) out.push(`metadata.name: Invalid value: ${q(name)}: ${why}`);
  const groupErrors = dns1123Subdomain(group);
  if (group === "") out.push("spec.group: Required value");
  else if (groupErrors.length > 0) out.push(`spec.group: Invalid value: ${q(group)}: ${groupErrors.join(",")}`);
  else if (!group.includes(".")) out.push(`spec.group: Invalid value: ${q(group)}: should be a domain with at least one dot`);
  if (spec.scope === undefined || spec.scope === "") out.push("spec.scope: Required value");
  else if (spec.scope !== "Namespaced" && spec.scope !== "Cluster") out.push(`spec.scope: Unsupported value: ${q(spec.scope)}: supported values: "Cluster", "Namespaced"`);
  if (spec.preserveUnknownFields === true) out.push("spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-preserve-unknown-fields to true in spec.versions[*].schema instead");
  for (const key of ["plural", "singular", "kind", "listKind"]) if (str(names[key]) === "") out.push(`spec.names.${key}: Required value`);
  // ValidateCustomResourceDefinitionNames: kinds are checked lowercased, with a prefix.
  for (const key of ["plural", "singular", "kind", "listKind"]) {
    const v = str(names[key]);
    const mixed = key === "kind" || key === "listKind";
    const errs = dns1035Label(mixed ? v.toLowerCase() : v);
    if (v !== "" && errs.length > 0) out.push(`spec.names.${key}: Invalid value: ${q(v)}: ${mixed ? "may have mixed case, but should otherwise match: " : ""}${errs.join(",")}`);
  }
  if (str(names.kind) !== "" && names.kind === names.listKind) out.push(`spec.names.listKind: Invalid value: ${q(names.listKind)}: kind and listKind may not be the same`);

  const versions = Array.isArray(spec.versions) ? (spec.versions as unknown[]) : [];
  if (versions.length === 0) out.push("spec.versions: Invalid value: []: must have exactly one version marked as storage version");
  else if (versions.filter((v) => isObject(v) && v.storage === true).length !== 1) out.push("spec.versions: Invalid value: ...: must have exactly one version marked as storage version");
  const versionNames = versions.map((v) => (isObject(v) ? str(v.name) : ""));
  if (new Set(versionNames).size !== versionNames.length) out.push("spec.versions: Invalid value: ...: must contain unique version names");
  const list = versions.filter(isObject);
  if (list.length !== versions.length) out.push("spec.versions: Invalid value: each version must be an object");
  list.forEach((v, i) => {
    const errs = dns1035Label(str(v.name));
    if (errs.length > 0) out.push(`spec.versions[${i}].name: Invalid value: ${q(v.name)}: ${errs.join(",")}`);
  });
  // The server converts v1 into its internal form first: a part that every version has alike
  // moves to the top level (spec.validation, spec.subresources, spec.additionalPrinterColumns;
  // apis/apiextensions/v1/conversion.go), and its errors are reported there.
  const perVersion = (key: string, get: (v: Record<string, unknown>) => unknown, top: string, check: (value: unknown, at: string, v: Record<string, unknown>) => void): void => {
    const values = list.map(get);
    if (values.length > 0 && values.every((x) => JSON.stringify(x) === JSON.stringify(values[0]))) check(values[0], top, list[0]!);
    else list.forEach((v, i) => check(get(v), `spec.versions[${i}].${key}`, v));
  };
  const statusOf = (v: Record<string, unknown>): boolean => isObject(v.subresources) && v.subresources.status !== undefined;
  perVersion("subresources", (v) => v.subresources, "spec.subresources", (sub, at) => isObject(sub) && out.push(...subresourceProblems(sub, at)));
  perVersion("additionalPrinterColumns", (v) => v.additionalPrinterColumns, "spec.additionalPrinterColumns", (cols, at) => {
    for (const [j, col] of (Array.isArray(cols) ? cols : []).entries()) out.push(...columnProblems(col, `${at}[${j}]`));
  });
  const schemaOf = (v: Record<string, unknown>): unknown => (isObject(v.schema) ? v.schema.openAPIV3Schema : undefined);
  list.forEach((v, i) => isObject(schemaOf(v)) || out.push(`spec.versions[${i}].schema.openAPIV3Schema: Required value: schemas are required`));
  // A schema kept at the top level has the root rules of status if any version has the subresource (hasAnyStatusEnabled).
  perVersion("schema", schemaOf, "spec.validation", (schema, at, v) => isObject(schema) && out.push(...schemaProblems(schema, `${at}.openAPIV3Schema`, at === "spec.validation" ? list.some(statusOf) : statusOf(v))));
  return out;
}

/** The rules for one version's `openAPIV3Schema`; `status`: the version has the status subresource. */
export function schemaProblems(schema: CrdSchema, at: string, status = false): string[] {
  const out: string[] = [];
  if (status) {
    // The server walks JSONSchemaProps' fields in order, skips zero values, and stops at the first it refuses.
    const first = STRUCT_ORDER.find((k) => !isZero(k, schema[k]) && (k === "type" ? schema.type !== "object" : !ROOT_WITH_STATUS.has(k)));
    if (first === "type") out.push(`${at}.type: Invalid value: ${q(schema.type)}: only "object" is allowed as the type at the root of the schema if the status subresource is enabled`);
    // It prints the whole schema as a Go struct where we name the field it stopped at.
    else if (first !== undefined) out.push(`${at}: Invalid value: ${first}: only [${[...ROOT_WITH_STATUS].map(goField).join(" ")}] fields are allowed at the root of the schema if the status subresource is enabled`);
  }
  if (schema.nullable === true) out.push(`${at}.nullable: Forbidden: nullable cannot be true at the root`);
  const free = schema["x-kubernetes-int-or-string"] === true || schema["x-kubernetes-preserve-unknown-fields"] === true;
  if (schema.type === undefined && !free) out.push(`${at}.type: Required value: must not be empty at the root`);
  else if (schema.type !== undefined && schema.type !== "object") out.push(`${at}.type: Invalid value: ${q(schema.type)}: must be object at the root`);
  if (schema.additionalProperties !== undefined) out.push(`${at}.additionalProperties: Forbidden: must not be used at the root`);
  if (hasKeyword(schema, "$schema")) out.push(`${at}: Invalid value: "": OpenAPIV3Schema 'schema' is not supported`);
  node(schema, at, { level: "root", meta: false, defaults: true }, out);
  return out;
}

type Level = "root" | "field" | "item";
interface Context {
  readonly level: Level;
  /** Inside the root's or an embedded resource's metadata. */
  readonly meta: boolean;
  /** Why a default is forbidden here, or true where one is allowed. */
  readonly defaults: true | string;
}

/** One node of the structural part, then everything below it. */
function node(s: CrdSchema, at: string, ctx: Context, out: string[]): void {
  keywordProblems(s, at, ctx, out);
  const type = s.type;
  const intOrString = s["x-kubernetes-int-or-string"] === true;
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  const embedded = s["x-kubernetes-embedded-resource"] === true;

  // validateStructuralInvariants
  if (embedded && type !== "object") out.push(type === undefined ? `${at}.type: Required value: must be object if x-kubernetes-embedded-resource is true` : `${at}.type: Invalid value: ${q(type)}: must be object if x-kubernetes-embedded-resource is true`);
  else if (type === undefined && !intOrString && !preserve && ctx.level !== "root") {
    out.push(`${at}.type: Required value: must not be empty for specified ${ctx.level === "item" ? "array items" : "object fields"}`);
  }
  if (type === "array" && s.items === undefined) out.push(`${at}.items: Required value: must be specified`);
  if (embedded && s.additionalProperties !== undefined) out.push(`${at}.additionalProperties: Forbidden: must not be used if x-kubernetes-embedded-resource is set`);
  if (embedded && !preserve && !isObject(s.properties)) out.push(`${at}.properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`);
  if (intOrString && preserve) out.push(`${at}.x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true`);
  if (intOrString && embedded) out.push(`${at}.x-kubernetes-embedded-resource: Invalid value: true: must be false if x-kubernetes-int-or-string is true`);

  const properties = isObject(s.properties) ? (s.properties as Record<string, CrdSchema>) : {};
  if (ctx.level === "root" || embedded) {
    for (const key of ["kind", "apiVersion"]) {
      const p = properties[key];
      if (p !== undefined && p.type !== "string") out.push(`${at}.properties[${key}].type: Invalid value: ${q(p.type)}: must be string`);
    }
    const metadata = properties.metadata;
    if (metadata !== undefined && metadata.type !== "object") out.push(`${at}.properties[metadata].type: Invalid value: ${q(metadata.type)}: must be object`);
  }
  if (ctx.level === "root" && properties.metadata !== undefined && !onlyNameAndGenerateName(properties.metadata)) {
    out.push(`${at}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`);
  }

  // Value validations beside the structure: allOf, anyOf, oneOf, not.
  const intOrStringAnyOf = intOrString && isIntOrStringPattern(s.anyOf);
  const intOrStringAllOf = intOrString && Array.isArray(s.allOf) && isObject(s.allOf[0]) && isIntOrStringPattern(s.allOf[0].anyOf);
  for (const junctor of ["allOf", "anyOf", "oneOf"] as const) {
    const list = s[junctor];
    if (!Array.isArray(list)) continue;
    list.forEach((b, i) => {
      if (junctor === "anyOf" && intOrStringAnyOf) return;
      const skipAnyOf = junctor === "allOf" && i === 0 && intOrStringAllOf;
      nested(b as CrdSchema, `${at}.${junctor}[${i}]`, ctx, skipAnyOf, out);
    });
  }
  if (isObject(s.not)) nested(s.not, `${at}.not`, ctx, false, out);

  if (s.default !== undefined) defaultProblems(s, at, ctx, out);
  listProblems(s, at, out);
  completeness(s, s, at, at, out);

  for (const [key, child] of Object.entries(properties)) {
    const metaField = (ctx.level === "root" || embedded) && META_FIELDS.has(key);
    node(child, `${at}.properties[${key}]`, {
      level: "field",
      meta: ctx.meta || metaField,
      defaults: metaField && ctx.level === "root" ? `in top-level ${key}` : ctx.defaults,
    }, out);
  }
  if (isObject(s.additionalProperties)) {
    node(s.additionalProperties, `${at}.additionalProperties`, { level: "field", meta: ctx.meta, defaults: ctx.meta ? "inside additionalProperties applying to object metadata" : ctx.defaults }, out);
  }
  if (isObject(s.items)) node(s.items, `${at}.items`, { ...ctx, level: "item" }, out);
}

/** specStandardValidatorV3.validate and the keyword rules of ValidateCustomResourceDefinitionOpenAPISchema. */
function keywordProblems(s: CrdSchema, at: string, ctx: Context, out: string[]): void {
  for (const key of Object.keys(s)) {
    if (!KEYWORDS.has(key)) out.push(`${at}.${key}: Forbidden: ${UNSUPPORTED[key] ?? `${key} is not a field of JSONSchemaProps`}`);
  }
  if (s.type !== undefined && !TYPES.has(s.type as string)) {
    out.push(s.type === "null" ? `${at}.type: Forbidden: type cannot be set to null, use nullable as an alternative` : `${at}.type: Unsupported value: ${q(s.type)}: supported values: "array", "boolean", "integer", "number", "object", "string"`);
  }
  if (s.uniqueItems === true) out.push(`${at}.uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`);
  if (Array.isArray(s.items)) out.push(`${at}.items: Forbidden: items must be a schema object and not an array`);
  // `additionalProperties: true` is no schema and allows everything: the server lets it stand beside properties.
  if ((s.additionalProperties === false || isObject(s.additionalProperties)) && isObject(s.properties) && Object.keys(s.properties).length > 0) {
    out.push(`${at}.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`);
  }
  patternProblems(s, at, out);
  if (s["x-kubernetes-preserve-unknown-fields"] === false) out.push(`${at}.x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`);
  if (ctx.meta && s["x-kubernetes-embedded-resource"] === true) out.push(`${at}.x-kubernetes-embedded-resource: Forbidden: must not be used inside of resource meta`);
  if (ctx.defaults !== true && s.default !== undefined) out.push(`${at}.default: Forbidden: must not be set ${ctx.defaults}`);
  const mapType = s["x-kubernetes-map-type"];
  if (mapType !== undefined) {
    if (s.type !== "object") out.push(s.type === undefined ? `${at}.type: Required value: must be object if x-kubernetes-map-type is specified` : `${at}.type: Invalid value: ${q(s.type)}: must be object if x-kubernetes-map-type is specified`);
    if (mapType !== "atomic" && mapType !== "granular") out.push(`${at}.x-kubernetes-map-type: Unsupported value: ${q(mapType)}: supported values: "atomic", "granular"`);
  }
}

/** x-kubernetes-list-type and -list-map-keys (ValidateCustomResourceDefinitionOpenAPISchema, validateMapListKeysMapSet). */
function listProblems(s: CrdSchema, at: string, out: string[]): void {
  const listType = s["x-kubernetes-list-type"];
  const keys = s["x-kubernetes-list-map-keys"];
  const items = isObject(s.items) ? (s.items as CrdSchema) : undefined;
  if (listType !== undefined && s.type !== "array") {
    out.push(s.type === undefined ? `${at}.type: Required value: must be array if x-kubernetes-list-type is specified` : `${at}.type: Invalid value: ${q(s.type)}: must be array if x-kubernetes-list-type is specified`);
  } else if (listType === "set" && items !== undefined) {
    if (items.type === "array" && items["x-kubernetes-list-type"] !== undefined && items["x-kubernetes-list-type"] !== "atomic") out.push(`${at}.items.x-kubernetes-list-type: Invalid value: ${q(items["x-kubernetes-list-type"])}: must be atomic as item of a list with x-kubernetes-list-type=set`);
    if (items.type === "object" && items["x-kubernetes-map-type"] !== "atomic") out.push(`${at}.items.x-kubernetes-map-type: Invalid value: ${q(items["x-kubernetes-list-type"] ?? "null")}: must be atomic as item of a list with x-kubernetes-list-type=set`); // sic: the server prints the items' list type
  }
  if (listType !== undefined && listType !== "atomic" && listType !== "set" && listType !== "map") out.push(`${at}.x-kubernetes-list-type: Unsupported value: ${q(listType)}: supported values: "atomic", "set", "map"`);
  const keyList = Array.isArray(keys) ? (keys as string[]) : [];
  if (keyList.length > 0 && listType !== "map") {
    out.push(listType === undefined ? `${at}.x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty` : `${at}.x-kubernetes-list-type: Invalid value: ${q(listType)}: must be map if x-kubernetes-list-map-keys is non-empty`);
  }
  if ((listType === "set" || listType === "map") && items?.nullable === true) out.push(`${at}.items.nullable: Forbidden: cannot be nullable when x-kubernetes-list-type is ${String(listType)}`);
  if (listType !== "map") return;
  if (keyList.length === 0) out.push(`${at}.x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`);
  if (items === undefined) return void out.push(`${at}.items: Required value: must have a schema if x-kubernetes-list-type is map`);
  if (items.type !== "object") return void out.push(`${at}.items.type: Invalid value: ${q(items.type)}: must be object if parent array's x-kubernetes-list-type is map`);
  const props = isObject(items.properties) ? (items.properties as Record<string, CrdSchema>) : {};
  // ValidateCustomResourceDefinitionOpenAPISchema, key by key, then validateMapListKeysMapSet.
  const seen = new Set<string>();
  for (const k of keyList) {
    const p = props[k];
    if (p === undefined) out.push(`${at}.x-kubernetes-list-map-keys: Invalid value: ${goStrings(keyList)}: entries must all be names of item properties`);
    else if (p.type === "array" || p.type === "object") out.push(`${at}.items.properties[${k}].type: Invalid value: "object": must be a scalar type if parent array's x-kubernetes-list-type is map`); // sic: the server prints the items' type
    if (seen.has(k)) out.push(`${at}.x-kubernetes-list-map-keys: Invalid value: ${goStrings(keyList)}: must not contain duplicate entries`);
    seen.add(k);
  }
  const required = new Set((items.required ?? []) as string[]);
  for (const k of keyList) {
    const p = props[k];
    if (p === undefined) continue;
    if (!required.has(k) && p.default === undefined) out.push(`${at}.items.properties[${k}].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`);
    if (p.nullable === true) out.push(`${at}.items.properties[${k}].nullable: Forbidden: this property is in x-kubernetes-list-map-keys, so it cannot be nullable`);
  }
}

/**
 * validateNestedValueValidation: inside allOf/anyOf/oneOf/not only value validations; and the
 * keyword rules, which ValidateCustomResourceDefinitionOpenAPISchema applies there as well.
 */
function nested(s: CrdSchema, at: string, ctx: Context, skipAnyOf: boolean, out: string[]): void {
  if (!isObject(s)) return void out.push(`${at}: Invalid value: must be a schema`);
  keywordProblems(s, at, ctx, out);
  listProblems(s, at, out);
  const rules: [string, (v: unknown) => boolean, string][] = [
    ["type", (v) => v !== undefined && v !== "", "must be empty to be structural"],
    ["additionalProperties", (v) => v !== undefined, "must be undefined to be structural"],
    ["default", (v) => v !== undefined, "must be undefined to be structural"],
    ["title", (v) => v !== undefined && v !== "", "must be empty to be structural"],
    ["description", (v) => v !== undefined && v !== "", "must be empty to be structural"],
    ["nullable", (v) => v === true, "must be false to be structural"],
    ["x-kubernetes-preserve-unknown-fields", (v) => v === true, "must be false to be structural"],
    ["x-kubernetes-embedded-resource", (v) => v === true, "must be false to be structural"],
    ["x-kubernetes-int-or-string", (v) => v === true, "must be false to be structural"],
    ["x-kubernetes-list-map-keys", (v) => Array.isArray(v) && v.length > 0, "must be empty to be structural"],
    ["x-kubernetes-list-type", (v) => v !== undefined, "must be undefined to be structural"],
    ["x-kubernetes-map-type", (v) => v !== undefined, "must be undefined to be structural"],
    ["x-kubernetes-validations", (v) => Array.isArray(v) && v.length > 0, "must be empty to be structural"],
  ];
  for (const [key, bad, detail] of rules) if (bad(s[key])) out.push(`${at}.${key}: Forbidden: ${detail}`);
  // At any depth, not only at the root (validateNestedValueValidation does not look at the level).
  if (isObject(s.properties) && Object.hasOwn(s.properties, "metadata")) out.push(`${at}.properties[metadata]: Forbidden: must not be specified in a nested context`);
  for (const junctor of ["allOf", "anyOf", "oneOf"] as const) {
    if (junctor === "anyOf" && skipAnyOf) continue;
    const list = s[junctor];
    if (Array.isArray(list)) list.forEach((b, i) => nested(b as CrdSchema, `${at}.${junctor}[${i}]`, ctx, false, out));
  }
  if (isObject(s.not)) nested(s.not, `${at}.not`, ctx, false, out);
  if (isObject(s.items)) nested(s.items, `${at}.items`, ctx, false, out);
  if (isObject(s.properties)) for (const [k, p] of Object.entries(s.properties)) nested(p as CrdSchema, `${at}.properties[${k}]`, ctx, false, out);
}

/**
 * complete.go, validateStructuralCompleteness: every property or items a value validation
 * names must exist in the structural part at the same place.
 */
function completeness(structural: CrdSchema, v: CrdSchema, sAt: string, vAt: string, out: string[]): void {
  for (const junctor of ["allOf", "anyOf", "oneOf"] as const) {
    const list = v[junctor];
    if (Array.isArray(list)) list.forEach((b, i) => isObject(b) && completeNested(structural, b, sAt, `${vAt}.${junctor}[${i}]`, out));
  }
  if (isObject(v.not)) completeNested(structural, v.not, sAt, `${vAt}.not`, out);
}

function completeNested(structural: CrdSchema, v: CrdSchema, sAt: string, vAt: string, out: string[]): void {
  const sProps = isObject(structural.properties) ? (structural.properties as Record<string, CrdSchema>) : {};
  if (isObject(v.properties)) {
    for (const [k, p] of Object.entries(v.properties)) {
      const sub = sProps[k];
      // Even under x-kubernetes-preserve-unknown-fields or additionalProperties (complete.go has no exception).
      if (sub === undefined) out.push(`${sAt}.properties[${k}]: Required value: because it is defined in ${vAt}.properties[${k}]`);
      else if (isObject(p)) completeNested(sub, p, `${sAt}.properties[${k}]`, `${vAt}.properties[${k}]`, out);
    }
  }
  if (isObject(v.items)) {
    if (!isObject(structural.items)) out.push(`${sAt}.items: Required value: because it is defined in ${vAt}.items`);
    else completeNested(structural.items, v.items, `${sAt}.items`, `${vAt}.items`, out);
  }
  completeness(structural, v, sAt, vAt, out);
}

/** Patterns are Go regular expressions (validation.go: regexp.Compile), with Go's error. */
function patternProblems(s: CrdSchema, at: string, out: string[]): void {
  if (typeof s.pattern !== "string") return;
  const r = re2(s.pattern);
  if (!r.ok) out.push(`${at}.pattern: Invalid value: ${q(s.pattern)}: must be a valid regular expression, but isn't: ${r.error}`);
}

function hasKeyword(node: unknown, key: string): boolean {
  if (Array.isArray(node)) return node.some((n) => hasKeyword(n, key));
  if (!isObject(node)) return false;
  return Object.hasOwn(node, key) || Object.entries(node).some(([k, v]) => k !== "enum" && k !== "default" && k !== "example" && hasKeyword(v, key));
}

/** defaulting/validation.go: a default is pruned of nothing and valid under its own schema; never null unless nullable. */
function defaultProblems(s: CrdSchema, at: string, ctx: Context, out: string[]): void {
  if (ctx.defaults !== true) return;
  if (s.default === null && s.nullable !== true) return void out.push(`${at}.default: Invalid value: null: must not be null for non-nullable schema`);
  const problems = valueProblems(s.default, s, "", { partial: false });
  if (problems.some((p) => p.endsWith(PRUNED))) return void out.push(`${at}.default: Invalid value: ${q(s.default)}: must not have unknown fields`);
  for (const p of problems) out.push(`${at}.default${p.startsWith("<root>") ? p.slice("<root>".length) : `.${p}`}`);
}

/**
 * ObjectMeta's schema at the root may name `name` and `generateName` (the server drops
 * exactly those before comparing), nothing else, and may not even describe itself.
 */
function onlyNameAndGenerateName(metadata: CrdSchema): boolean {
  // The server clears type and default first (a default is refused on its own), and a zero value (false, "") is no field.
  const { type: _type, default: _default, properties, ...rest } = metadata;
  if (Object.values(rest).some((v) => v !== false && v !== "")) return false;
  return properties === undefined || (isObject(properties) && Object.keys(properties).every((k) => k === "name" || k === "generateName"));
}

function isIntOrStringPattern(anyOf: unknown): boolean {
  return Array.isArray(anyOf) && anyOf.length === 2 && isObject(anyOf[0]) && isObject(anyOf[1]) &&
    JSON.stringify(anyOf[0]) === '{"type":"integer"}' && JSON.stringify(anyOf[1]) === '{"type":"string"}';
}

function subresourceProblems(sub: Record<string, unknown>, at: string): string[] {
  const out: string[] = [];
  if (sub.status !== undefined && !isObject(sub.status)) out.push(`${at}.status: Invalid value: must be an object`);
  const scale = sub.scale;
  if (!isObject(scale)) return out;
  const paths: [string, string, string[]][] = [["specReplicasPath", "should be a json path under .spec", [".spec."]], ["statusReplicasPath", "should be a json path under .status", [".status."]]];
  for (const [key, detail, prefixes] of paths) {
    const p = str(scale[key]);
    if (p === "") out.push(`${at}.scale.${key}: Required value`);
    else if (!p.startsWith(".")) out.push(`${at}.scale.${key}: Invalid value: ${q(p)}: must be a simple json path starting with .`);
    else if (!prefixes.some((x) => p.startsWith(x))) out.push(`${at}.scale.${key}: Invalid value: ${q(p)}: ${detail}`);
  }
  return out;
}

function columnProblems(col: unknown, at: string): string[] {
  if (!isObject(col)) return [`${at}: Invalid value: must be an object`];
  const out: string[] = [];
  if (str(col.name) === "") out.push(`${at}.name: Required value`);
  if (!COLUMN_TYPES.has(str(col.type))) out.push(`${at}.type: ${col.type === undefined ? "Required value" : `Invalid value: ${q(col.type)}`}: must be one of ${[...COLUMN_TYPES].join(",")}`);
  if (col.format !== undefined && !COLUMN_FORMATS.has(str(col.format))) out.push(`${at}.format: Invalid value: ${q(col.format)}: must be one of ${[...COLUMN_FORMATS].join(",")}`);
  if (str(col.jsonPath) === "") out.push(`${at}.JSONPath: Required value`);
  return out;
}

const META_FIELDS = new Set(["metadata", "kind", "apiVersion"]);
const TYPES = new Set(["string", "number", "integer", "boolean", "array", "object"]);
const COLUMN_TYPES = new Set(["boolean", "date", "integer", "number", "string"]);
const COLUMN_FORMATS = new Set(["byte", "date", "date-time", "double", "float", "int32", "int64", "password"]);
/** JSONSchemaProps' fields in the order of the Go struct (apis/apiextensions/types_jsonschema.go), in JSON names. */
const STRUCT_ORDER = [
  "id", "$schema", "$ref", "description", "type", "nullable", "format", "title", "default", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
  "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "multipleOf", "enum", "maxProperties", "minProperties", "required", "items",
  "allOf", "oneOf", "anyOf", "not", "properties", "additionalProperties", "patternProperties", "dependencies", "additionalItems", "definitions",
  "externalDocs", "example", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string",
  "x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type", "x-kubernetes-validations",
];
/** Whether a field is its Go zero value: absent, or false and "" in the fields that are plain bools and strings, not pointers. */
function isZero(key: string, v: unknown): boolean {
  return v === undefined || (v === false && PLAIN_BOOLS.has(key)) || (v === "" && PLAIN_STRINGS.has(key));
}
const PLAIN_BOOLS = new Set(["nullable", "exclusiveMaximum", "exclusiveMinimum", "uniqueItems", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string"]);
const PLAIN_STRINGS = new Set(["id", "$schema", "description", "type", "format", "title", "pattern"]);
/** A JSON name of JSONSchemaProps as the Go field it is (`maxLength` → MaxLength, `x-kubernetes-validations` → XValidations). */
function goField(json: string): string {
  const plain = json.replace(/^x-kubernetes-/, "x-").replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return plain[0]!.toUpperCase() + plain.slice(1);
}
/** allowedFieldsAtRootSchema, in JSON names. */
const ROOT_WITH_STATUS = new Set([
  "description", "type", "format", "title", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
  "maxItems", "minItems", "uniqueItems", "multipleOf", "required", "items", "properties", "externalDocs", "example",
  "x-kubernetes-preserve-unknown-fields", "x-kubernetes-validations",
]);
const VALUE_VALIDATIONS = new Set([
  "format", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
  "uniqueItems", "multipleOf", "enum", "maxProperties", "minProperties", "required", "allOf", "anyOf", "oneOf", "not",
]);
/** The JSON fields of apiextensions/v1 JSONSchemaProps that the server accepts in a v1 CRD. */
const KEYWORDS = new Set([
  ...VALUE_VALIDATIONS, "$schema", "description", "type", "title", "default", "nullable", "example", "externalDocs", "items", "properties", "additionalProperties",
  "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string", "x-kubernetes-list-map-keys",
  "x-kubernetes-list-type", "x-kubernetes-map-type", "x-kubernetes-validations",
]);
/** JSONSchemaProps fields the server has but refuses (specStandardValidatorV3.validate). */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  id: "id is not supported",
  $ref: "$ref is not supported",
  additionalItems: "additionalItems is not supported",
  patternProperties: "patternProperties is not supported",
  definitions: "definitions is not supported",
  dependencies: "dependencies is not supported",
};

/** k8s.io/apimachinery pkg/util/validation IsDNS1123Subdomain and IsDNS1035Label, messages and all. */
const DNS1123_SUBDOMAIN = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?";

function dns1123Subdomain(v: string): string[] {
  return [
    ...(v.length > 253 ? ["must be no more than 253 characters"] : []),
    ...(new RegExp(`^${DNS1123_SUBDOMAIN}$`).test(v) ? [] : [`a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN}')`]),
  ];
}

function dns1035Label(v: string): string[] {
  return [
    ...(v.length > 63 ? ["must be no more than 63 characters"] : []),
    // sic: two spaces before "or", as the server prints it.
    ...(new RegExp(`^${DNS1035_LABEL}$`).test(v) ? [] : [`a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '${DNS1035_LABEL}')`]),
  ];
}

/** A Go `[]string` as `%#v` prints it. */
function goStrings(list: readonly string[]): string {
  return `[]string{${list.map((k) => JSON.stringify(k)).join(", ")}}`;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function q(v: unknown): string {
  return JSON.stringify(v) ?? "null";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
