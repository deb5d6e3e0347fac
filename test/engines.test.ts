import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { REPO } from "./helpers/cli.js";

/**
 * The settings that keep Argo CD and Flux from migrating kubectl's fields of the patched
 * objects to themselves (and so deleting them), in the exact form the engines' code matches,
 * as read there (README, "Objects the fleet patches but does not own"). test/ssa.test.ts
 * shows with the server's merge code what happens without them.
 */
type Obj = { kind: string; metadata: { annotations?: Record<string, string> }; spec?: Record<string, any> };
const OVERLAYS = path.join(REPO, "overlays");
const objects = (dir: string): Obj[] =>
  readdirSync(path.join(OVERLAYS, dir)).filter((f) => f !== "kustomization.yaml").map((f) => parse(readFileSync(path.join(OVERLAYS, dir, f), "utf8")) as Obj);

describe("engine settings for the patched objects", () => {
  it("every Application disables Argo CD's client-side-apply migration with the one string controller/sync.go matches", () => {
    const [appset] = objects("_argocd");
    const options = appset!.spec!.template.spec.syncPolicy.syncOptions as string[];
    // HasOption is an exact match; the 3.1/3.2 docs' DisableClientSideApplyMigration=true does nothing.
    expect(options).toContain("ClientSideApplyMigration=false");
    expect(options.filter((o) => /ClientSideApplyMigration/i.test(o))).toEqual(["ClientSideApplyMigration=false"]);
  });

  it("every patched object carries ssa: merge as kustomize-controller v1.0 matches it (exactly), and a last-applied annotation of {}", () => {
    const patched = readdirSync(OVERLAYS).filter((d) => !d.startsWith("_")).flatMap(objects)
      .filter((o) => o.metadata.annotations?.["kustomize.toolkit.fluxcd.io/prune"] === "disabled");
    expect(patched.map((o) => o.kind).sort()).toEqual(["ClusterConfiguration", "ClusterConfiguration", "ClusterConfiguration", "Prometheus", "Prometheus", "Prometheus"]);
    for (const o of patched) {
      expect(o.metadata.annotations!["kustomize.toolkit.fluxcd.io/ssa"]).toBe("merge");
      expect(o.metadata.annotations!["kubectl.kubernetes.io/last-applied-configuration"]).toBe("{}");
      expect(o.metadata.annotations!["argocd.argoproj.io/sync-options"]!.split(",")).toEqual(expect.arrayContaining(["ServerSideApply=true", "Prune=false", "Delete=false"]));
    }
  });
});
