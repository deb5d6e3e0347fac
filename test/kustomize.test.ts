import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderVariant, VARIANTS } from "./helpers/variants.js";

/** `kubectl kustomize` (kustomize v5, built into kubectl) builds every rendered overlay. */
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
        const objects = parseAllDocuments(built).map((d) => d.toJS() as { kind: string } | null).filter((o) => o !== null);
        const listed = readdirSync(path.join(out, dir)).filter((f) => f !== "kustomization.yaml");
        expect(objects.length, `${name}/${dir}`).toBe(listed.length);
      }
    });
  }
});
