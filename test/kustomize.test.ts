import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderVariant, VARIANTS } from "./helpers/variants.js";

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
const idOf = (o: Obj): string => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`;

/** `kubectl kustomize` (kustomize v5, built into kubectl) builds every rendered overlay, and changes no value. */
describe("kubectl kustomize builds every overlay", () => {
  const rendered: Record<string, { out: string; cleanup: () => void }> = {};
  beforeAll(async () => {
    for (const name of Object.keys(VARIANTS)) rendered[name] = await renderVariant(name);
  });
  afterAll(() => Object.values(rendered).forEach((r) => r.cleanup()));

  for (const name of Object.keys(VARIANTS)) {
    it(`${name}: every overlay builds, with one object per listed resource`, () => {
      const out = rendered[name]!.out;
      const dirs = readdirSync(out).filter((d) => statSync(path.join(out, d)).isDirectory());
      expect(dirs.length).toBeGreaterThan(3);
      for (const dir of dirs) {
        const built = execFileSync("kubectl", ["kustomize", path.join(out, dir)], { encoding: "utf8" });
        const objects = parseAllDocuments(built).map((d) => d.toJS() as Obj | null).filter((o): o is Obj => o !== null);
        const listed = readdirSync(path.join(out, dir)).filter((f) => f !== "kustomization.yaml");
        expect(objects.length, `${name}/${dir}`).toBe(listed.length);
        // And kustomize (kyaml, Go's yaml.v3) read every value as we wrote it: no string became a number.
        const ours = new Map(listed.map((f) => {
          const o = parse(readFileSync(path.join(out, dir, f), "utf8")) as Obj;
          return [idOf(o), o];
        }));
        for (const o of objects) expect(o, `${name}/${dir} ${idOf(o)}`).toEqual(ours.get(idOf(o)));
      }
    });
  }
});
