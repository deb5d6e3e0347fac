import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { BUNDLE_LEFTOVERS } from "../src/plan/operator.js";
import { REPO, SHARED } from "./helpers/cli.js";

/**
 * A cluster that installed the operator from its own bundle (the manual's way) is adopted
 * in place: the host overlay names the same objects, keeps the Deployment's immutable
 * selector, and grants at least what the bundle's manager role grants. The oracle is the
 * bundle the operator published (../shared/reference/paodin-operator-bundle.yaml, 5ddb346).
 */
const BUNDLE = path.join(SHARED, "reference", "paodin-operator-bundle.yaml");
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: any };
const id = (o: Obj): string => `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`;
const docs = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS() as Obj | null).filter((o): o is Obj => o !== null);

/** Every (group, resource, verb) a set of RBAC rules grants. */
function grants(rules: { apiGroups?: string[]; resources?: string[]; verbs: string[]; nonResourceURLs?: string[] }[]): Set<string> {
  const out = new Set<string>();
  for (const r of rules) for (const g of r.apiGroups ?? ["-"]) for (const res of r.resources ?? r.nonResourceURLs ?? []) for (const v of r.verbs) out.add(`${g}/${res}:${v}`);
  return out;
}

describe.skipIf(!existsSync(BUNDLE))("adopting an operator installed from its bundle", () => {
  const bundle = existsSync(BUNDLE) ? docs(readFileSync(BUNDLE, "utf8")) : [];
  const ours = docs(execFileSync("kubectl", ["kustomize", path.join(REPO, "overlays", "host")], { encoding: "utf8" }));
  const bundled = new Map(bundle.map((o) => [id(o), o]));

  it("names every operator object of ours as the bundle does", () => {
    const operatorKinds = new Set(["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Deployment", "CustomResourceDefinition"]);
    const mine = ours.filter((o) => operatorKinds.has(o.kind) && !o.metadata.name.startsWith("gateway-"));
    expect(mine.length).toBe(9);
    for (const o of mine) expect(bundled.has(id(o)), `${id(o)} is in the bundle`).toBe(true);
  });

  it("keeps the Deployment's selector, which the API server never lets change", () => {
    const theirs = bundled.get("Deployment kubesphere-monitoring-system/paodin-controller-manager")!;
    const mine = ours.find((o) => o.kind === "Deployment")!;
    expect(mine.spec.selector).toEqual(theirs.spec.selector);
    // The pods match it.
    for (const [k, v] of Object.entries(theirs.spec.selector.matchLabels)) expect(mine.spec.template.metadata.labels[k]).toBe(v);
  });

  it("grants at least what the bundle's roles grant, to the same ServiceAccount", () => {
    for (const kind of ["ClusterRole", "Role"]) {
      for (const mine of ours.filter((o) => o.kind === kind)) {
        const theirs = bundled.get(id(mine))!;
        const missing = [...grants(theirs.rules)].filter((g) => !grants(mine.rules).has(g));
        expect(missing, id(mine)).toEqual([]);
      }
    }
    for (const kind of ["ClusterRoleBinding", "RoleBinding"]) {
      for (const mine of ours.filter((o) => o.kind === kind)) {
        const theirs = bundled.get(id(mine))!;
        expect(mine.roleRef, id(mine)).toEqual(theirs.roleRef);
        expect(mine.subjects, id(mine)).toEqual(theirs.subjects);
      }
    }
  });

  it("lists the bundle's objects the fleet does not render, for the README's clean-up command", () => {
    const rendered = new Set(ours.map(id));
    const left = bundle.filter((o) => !rendered.has(id(o))).map(id).sort();
    expect(left).toEqual([...BUNDLE_LEFTOVERS].map((l) => `${l.kind} ${"namespace" in l ? l.namespace : ""}/${l.name}`).sort());
    const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
    for (const l of BUNDLE_LEFTOVERS.filter((x) => x.kind !== "Namespace")) expect(readme).toContain(`${l.resource}/${l.name}`);
  });
});
