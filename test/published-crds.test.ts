import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderVariant, VARIANTS } from "./helpers/variants.js";
import { SHARED } from "./helpers/cli.js";

/**
 * Every rendered paodin object is accepted by the CRDs the operator published, with no
 * field that the API server would prune. The check walks each object against the CRD's
 * openAPIV3Schema as the API server's structural pruning and type checks do; it uses
 * none of paodin-fleet's own schemas, so it cannot share their mistakes.
 */
const CRD_DIR = path.join(SHARED, "reference", "paodin-v1alpha1-crds");
const present = existsSync(CRD_DIR);

type Schema = Record<string, unknown>;

/** Paths the API server would prune or reject in `value` under `schema`. */
export function problems(value: unknown, schema: Schema, at: string, root = true): string[] {
  if (schema["x-kubernetes-int-or-string"] === true) {
    return Number.isInteger(value) || typeof value === "string" ? [] : [`${at}: not int-or-string`];
  }
  const type = schema.type;
  if (value === null) return schema.nullable === true ? [] : [`${at}: null`];
  if (type === "object") {
    if (typeof value !== "object" || Array.isArray(value)) return [`${at}: not an object`];
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    const extra = schema.additionalProperties as Schema | undefined;
    const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
    const out: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      // The root's metadata is ObjectMeta, which the API server handles itself.
      if (root && k === "metadata") continue;
      if (props[k] !== undefined) out.push(...problems(v, props[k]!, `${at}.${k}`, false));
      else if (extra !== undefined && typeof extra === "object") out.push(...problems(v, extra, `${at}.${k}`, false));
      else if (!preserve) out.push(`${at}.${k}: pruned (unknown field)`);
    }
    for (const r of (schema.required ?? []) as string[]) if (!(r in (value as object))) out.push(`${at}.${r}: required`);
    return out;
  }
  if (type === "array") {
    if (!Array.isArray(value)) return [`${at}: not a list`];
    return value.flatMap((v, i) => problems(v, schema.items as Schema, `${at}[${i}]`, false));
  }
  if (type === "string" && typeof value !== "string") return [`${at}: not a string`];
  if (type === "integer" && !Number.isInteger(value)) return [`${at}: not an integer`];
  if (type === "boolean" && typeof value !== "boolean") return [`${at}: not a boolean`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return [`${at}: not in enum`];
  return [];
}

describe.skipIf(!present)("rendered paodin objects against the published CRDs", () => {
  const crds = new Map<string, Schema>();
  const rendered: Record<string, { out: string; cleanup: () => void }> = {};
  beforeAll(async () => {
    for (const f of readdirSync(CRD_DIR)) {
      const crd = parse(readFileSync(path.join(CRD_DIR, f), "utf8")) as { spec: { names: { kind: string }; versions: { schema: { openAPIV3Schema: Schema } }[] } };
      crds.set(crd.spec.names.kind, crd.spec.versions[0]!.schema.openAPIV3Schema);
    }
    for (const name of Object.keys(VARIANTS)) rendered[name] = await renderVariant(name);
  });
  afterAll(() => Object.values(rendered).forEach((r) => r.cleanup()));

  it("the check itself catches the manual's misplaced stores", () => {
    const service = crds.get("Service")!;
    expect(problems({ spec: { stores: [{ addresses: ["a:1"] }] } }, service, "")).toEqual([".spec.stores: pruned (unknown field)"]);
    expect(problems({ spec: { thanos: { query: { stores: [{ addresses: ["a:1"] }] } } } }, service, "")).toEqual([]);
  });

  for (const name of Object.keys(VARIANTS)) {
    it(`${name}: every paodin object is accepted, nothing pruned`, () => {
      let checked = 0;
      const walk = (dir: string): void => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const p = path.join(dir, entry.name);
          if (entry.isDirectory()) walk(p);
          else for (const doc of parseAllDocuments(readFileSync(p, "utf8"))) {
            const o = doc.toJS() as { apiVersion?: string; kind?: string } | null;
            if (o?.apiVersion !== "monitoring.paodin.io/v1alpha1") continue;
            expect(problems(o, crds.get(o.kind!)!, `${entry.name}`)).toEqual([]);
            checked++;
          }
        }
      };
      walk(rendered[name]!.out);
      expect(checked).toBeGreaterThan(0);
    });
  }
});

// CI always has ../shared beside the clone: there, these checks must run, not skip.
describe.skipIf(present || !process.env.CI)("published CRDs in CI", () => {
  it(`are beside the repository (${CRD_DIR})`, () => {
    expect(present, `${CRD_DIR} is missing; CI needs ../shared beside the clone`).toBe(true);
  });
});
