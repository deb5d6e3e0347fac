import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exampleFleet, firstTestSetup, run, testdir } from "./helpers/cli.js";

/**
 * The exit codes the README and DESIGN.md promise, one row each: 0 success, 1 invalid fleet,
 * 2 drift (`--check`, `diff --exit-code`), 64 usage error. CI scripts branch on them.
 */
describe("exit codes", () => {
  let dir = "";
  let cleanup = (): void => {};
  firstTestSetup(async () => {
    ({ dir, cleanup } = testdir(exampleFleet()));
    expect((await run(["render"], dir)).code).toBe(0);
  });
  afterAll(() => cleanup());

  const drifted = async (): Promise<{ dir: string; cleanup: () => void }> => {
    const files = exampleFleet();
    const t = testdir(files);
    expect((await run(["render"], t.dir)).code).toBe(0);
    writeFileSync(path.join(t.dir, "clusters/fleet.yaml"), files["clusters/fleet.yaml"]!.replace(":30990", ":30991"));
    return t;
  };

  it("no command: 64, with the usage", async () => {
    const r = await run([], dir);
    expect(r.code).toBe(64);
    expect(r.stderr + r.stdout).toMatch(/usage|Usage|commands/);
  });

  it("an unknown command or option: 64", async () => {
    expect((await run(["rendr"], dir)).code).toBe(64);
    expect((await run(["render", "--nope"], dir)).code).toBe(64);
  });

  it("--help: 0", async () => {
    expect((await run(["--help"], dir)).code).toBe(0);
    expect((await run(["render", "--help"], dir)).code).toBe(0);
  });

  it("render --check and validate on a fresh tree: 0", async () => {
    expect((await run(["render", "--check"], dir)).code).toBe(0);
    expect((await run(["render", "--check", "--json"], dir)).code).toBe(0);
    expect((await run(["validate"], dir)).code).toBe(0);
  });

  it("diff --exit-code without changes: 0; with changes: 2", async () => {
    expect((await run(["diff", "--exit-code"], dir)).code).toBe(0);
    const t = await drifted();
    try {
      expect((await run(["diff", "--exit-code"], t.dir)).code).toBe(2);
      expect((await run(["diff"], t.dir)).code).toBe(0);
    } finally {
      t.cleanup();
    }
  });

  it("render --check on drift: 2, also with --json, whose output lists the drift", async () => {
    const t = await drifted();
    try {
      expect((await run(["render", "--check"], t.dir)).code).toBe(2);
      const r = await run(["render", "--check", "--json"], t.dir);
      expect(r.code).toBe(2);
      expect(r.stdout).toContain("member-1");
      expect(() => JSON.parse(r.stdout) as unknown).not.toThrow();
    } finally {
      t.cleanup();
    }
  });

  it("an environment error: 74, one line naming the path and the cause, the output unchanged", async () => {
    const t = await drifted();
    try {
      const before = readFileSync(path.join(t.dir, "overlays/member-1/kustomization.yaml"), "utf8");
      const r = await run(["render"], t.dir, { PAODIN_FLEET_FAULTS: "ENOSPC@writeFile#1" });
      expect(r.code).toBe(74);
      expect(r.stderr).toBe("paodin-fleet: cannot lock overlays/: cannot write .overlays.paodin-fleet: no space left on the device (ENOSPC); overlays/ is unchanged\n");
      expect(r.stdout).toBe("");
      expect(readFileSync(path.join(t.dir, "overlays/member-1/kustomization.yaml"), "utf8")).toBe(before);
      expect((await run(["render", "--check"], t.dir)).code).toBe(2);
    } finally {
      t.cleanup();
    }
  });

  it("an environment error in an --out whose folders it made: they go too, and what was there stays", async () => {
    const t = testdir({ ...exampleFleet(), "deploy/keep": "" });
    try {
      // The second write, after the work directory's .gitignore: taking the lock.
      for (const out of ["new/deeper/overlays", "deploy/new/overlays"]) {
        const r = await run(["render", "--out", out], t.dir, { PAODIN_FLEET_FAULTS: "ENOSPC@writeFile#2" });
        const parent = path.dirname(out);
        expect(r, out).toEqual({ code: 74, stdout: "", stderr: `paodin-fleet: cannot lock ${out}/: cannot write ${parent}/.overlays.paodin-fleet: no space left on the device (ENOSPC); ${out}/ is unchanged\n` });
      }
      expect(readdirSync(t.dir).sort()).toEqual(["clusters", "deploy"]);
      expect(readdirSync(path.join(t.dir, "deploy"))).toEqual(["keep"]);
    } finally {
      t.cleanup();
    }
  });

  it("an internal error (a bug): 70, and only then a stack trace", async () => {
    const r = await run(["render"], dir, { PAODIN_FLEET_FAULTS: "not-a-rule" });
    expect(r.code).toBe(70);
    expect(r.stderr).toContain("internal error");
    expect(r.stderr).toMatch(/^\s+at /m);
    for (const argv of [["render", "--nope"], ["validate"], ["render", "--check"]]) expect((await run(argv, dir)).stderr, argv.join(" ")).not.toMatch(/^\s+at /m);
  });

  it("an invalid fleet: 1, for render, render --check and validate", async () => {
    const files = exampleFleet();
    const t = testdir({ ...files, "clusters/host.yaml": files["clusters/host.yaml"]!.replace("role: host", "role: boss") });
    try {
      for (const argv of [["render"], ["render", "--check"], ["validate"], ["validate", "--json"]]) expect((await run(argv, t.dir)).code, argv.join(" ")).toBe(1);
    } finally {
      t.cleanup();
    }
  });
});
