import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exampleFleet, readTreeSync, REPO, testdir } from "./helpers/cli.js";

/**
 * The rest of the suite runs the CLI in-process from its sources; users run the package's bin,
 * which starts the bundle `npm run build` made (CommonJS, from V8's code cache). This runs that.
 */
const BIN = path.join(REPO, "bin", "paodin-fleet.js");

function cli(args: readonly string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the bin, as users run it", () => {
  it("is built, with its code cache", () => {
    expect(existsSync(path.join(REPO, "dist", "paodin-fleet.cjs")), "run npm run build first").toBe(true);
    expect(existsSync(path.join(REPO, "dist", "paodin-fleet.cjs.v8-cache"))).toBe(true);
  });

  it("renders the example fleet exactly as committed, then checks it and finds drift", () => {
    const { dir, cleanup } = testdir(exampleFleet());
    try {
      expect(cli(["render"], dir)).toMatchObject({ code: 0, stdout: "Rendered 3 clusters into overlays/: 30 added, 0 changed, 0 removed.\n", stderr: "" });
      expect(readTreeSync(path.join(dir, "overlays"))).toEqual(readTreeSync(path.join(REPO, "overlays")));
      expect(cli(["render", "--check"], dir)).toMatchObject({ code: 0, stdout: "overlays/ is up to date (30 files).\n" });
      writeFileSync(path.join(dir, "clusters/fleet.yaml"), exampleFleet()["clusters/fleet.yaml"]!.replace("targetRevision: main", "targetRevision: v2"));
      const stale = cli(["render", "--check"], dir);
      expect(stale.code).toBe(2);
      expect(stale.stdout).toContain("  ~ overlays/_argocd/applicationset.yaml\n");
    } finally {
      cleanup();
    }
  });

  it("reports an invalid fleet with positions and exit 1, and a usage error with 64", () => {
    const { dir, cleanup } = testdir({ ...exampleFleet(), "clusters/host.yaml": exampleFleet()["clusters/host.yaml"]!.replace("role: host", "role: hots") });
    try {
      const bad = cli(["validate"], dir);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^clusters\/host\.yaml:\d+:\d+ spec\.role: /m);
      expect(bad.stderr).not.toContain("    at ");
      expect(cli(["render", "--nope"], dir).code).toBe(64);
    } finally {
      cleanup();
    }
  });
});
