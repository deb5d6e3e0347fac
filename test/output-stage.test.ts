import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it as vitestIt } from "vitest";
import { exampleFleet, readTreeSync, run, testdir } from "./helpers/cli.js";
import { canMount, sh } from "./helpers/processes.js";

/**
 * The write / check stage (src/output/session.ts, workdir.ts, write.ts, open.ts, faults.ts,
 * git.ts), as a user sees it: exit codes, the exact lines on stdout and stderr, and what is on
 * disk afterwards. Failures are injected in-process with PAODIN_FLEET_FAULTS (deterministic:
 * a rule names the call and the path it fails at), on small projects copied from one render.
 */

/** A pid that no process has (above /proc/sys/kernel/pid_max): the holder of a lock, or a render, that no longer runs. */
const DEAD = 99999;
const WORK = ".overlays.paodin-fleet";
const APPSET = "overlays/_argocd/applicationset.yaml";
const STAMP = "\\d+-[0-9a-f]{8}";

let base: { dir: string; cleanup: () => void } | undefined;
/** The example fleet's rendering (path → bytes), and the rendering after `bumpFleet`. */
let old: Map<string, string>;
let fresh: Map<string, string>;

const bumpFleet = (dir: string, to = "v2"): void => {
  const p = path.join(dir, "clusters/fleet.yaml");
  writeFileSync(p, readFileSync(p, "utf8").replace(/targetRevision: \S+/, `targetRevision: ${to}`));
};

/**
 * Rendered by the first test that needs it, not in a beforeAll hook: StrykerJS counts what a
 * hook runs as covered by no test in particular, and runs every test for each of those mutants.
 */
let ready: Promise<void> | undefined;
function fixture(): Promise<void> {
  ready ??= (async () => {
    const b = testdir(exampleFleet());
    base = b;
    expect((await run(["render"], b.dir)).code).toBe(0);
    old = readTreeSync(path.join(b.dir, "overlays"));
    const probe = testdir();
    cpSync(b.dir, probe.dir, { recursive: true });
    bumpFleet(probe.dir);
    expect((await run(["render"], probe.dir)).code).toBe(0);
    fresh = readTreeSync(path.join(probe.dir, "overlays"));
    probe.cleanup();
  })();
  return ready;
}
afterAll(() => base?.cleanup());

/** A test that has the fixture. */
function it(name: string, fn: () => unknown): void {
  vitestIt(name, async () => {
    await fixture();
    await fn();
  });
}

/** A project holding the example fleet and its rendering (`old`). */
function copy(): { dir: string; cleanup: () => void } {
  const t = testdir();
  cpSync(base!.dir, t.dir, { recursive: true });
  return t;
}

/** A project whose fleet was changed after its rendering: a render writes `fresh` (one file changed). */
function stale(): { dir: string; cleanup: () => void } {
  const t = copy();
  bumpFleet(t.dir);
  return t;
}

/** Entries of the project besides clusters/ and overlays/. */
function leftovers(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n !== "clusters" && n !== "overlays")
    .sort();
}

/** Every entry under `dir`, links and pipes as themselves (not followed, not read), files with their text. */
function entriesOf(dir: string, rel = ""): string[] {
  return readdirSync(path.join(dir, rel))
    .sort()
    .flatMap((name) => {
      const r = rel === "" ? name : `${rel}/${name}`;
      const st = lstatSync(path.join(dir, r));
      if (st.isDirectory()) return [`${r}/`, ...entriesOf(dir, r)];
      if (st.isSymbolicLink()) return [`${r} -> ${readlinkSync(path.join(dir, r))}`];
      return [st.isFile() ? `${r}: ${readFileSync(path.join(dir, r), "utf8")}` : `${r} (special)`];
    });
}

function tree(dir: string): Map<string, string> {
  return readTreeSync(path.join(dir, "overlays"));
}

const RENDERED = "Rendered 3 clusters into overlays/: 0 added, 1 changed, 0 removed.\n";
const UP_TO_DATE = `overlays/ is up to date (30 files).\n`;

function line(re: string): RegExp {
  return new RegExp(`^${re}\\n$`);
}

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("fixture", () => {
  it("one file changes", () => {
    expect(old.size).toBe(30);
    expect([...fresh].filter(([p, c]) => old.get(p) !== c).map(([p]) => p)).toEqual(["_argocd/applicationset.yaml"]);
  });
});

/** The one line an environment error prints. */
function failedWith(r: { code: number; stdout: string; stderr: string }, re: string): void {
  expect(r.code, r.stderr).toBe(74);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(line(`paodin-fleet: ${re}`));
}

const NEW = `${esc(WORK)}/paodin-fleet-new-${STAMP}`;
const OLD = `${esc(WORK)}/paodin-fleet-old-${STAMP}`;

describe("a render that fails before its swap: exit 74, one line naming the path, overlays/ as it was, nothing left", () => {
  for (const [faults, message] of [
    ["ENOSPC@writeFile~paodin-fleet-new", `cannot write ${NEW}/_argocd/applicationset\\.yaml: no space left on the device \\(ENOSPC\\); overlays/ is unchanged`],
    ["EROFS@mkdir~paodin-fleet-new", `cannot make the new tree ${NEW}: read-only file system \\(EROFS\\); overlays/ is unchanged`],
    ["EIO@mkdir#5", `cannot make ${NEW}/_flux: input/output error \\(EIO\\); overlays/ is unchanged`],
    ["EMLINK@link,ENOSPC@copyFile", `cannot carry overlays/_argocd/kustomization\\.yaml over into ${NEW}/_argocd/kustomization\\.yaml: no space left on the device \\(ENOSPC\\); overlays/ is unchanged`],
    ["EBUSY@rename#2", `cannot move overlays/ aside to ${OLD}: the directory is in use \\(a mount point\\?\\) \\(EBUSY\\); overlays/ is unchanged`],
    ["EXDEV@rename~paodin-fleet-new", `cannot move the new tree ${NEW} to overlays/: on another file system \\(a mount point\\?\\) \\(EXDEV\\); overlays/ is unchanged`],
    ["EDQUOT@1", `cannot lock overlays/: cannot write ${esc(WORK)}: disk quota exceeded \\(EDQUOT\\); overlays/ is unchanged`],
    ["EROFS@writeFile~.gitignore", `cannot lock overlays/: cannot write ${esc(WORK)}: read-only file system \\(EROFS\\); overlays/ is unchanged`],
    ["EIO@rename~lock-", `cannot lock overlays/: cannot write ${esc(WORK)}: input/output error \\(EIO\\); overlays/ is unchanged`],
    ["EIO@mkdir~lock-", `cannot lock overlays/: cannot write ${esc(WORK)}: input/output error \\(EIO\\); overlays/ is unchanged`],
  ] as const) {
    it(faults, async () => {
      const { dir, cleanup } = stale();
      try {
        const r = await run(["render"], dir, { PAODIN_FLEET_FAULTS: faults });
        failedWith(r, message);
        expect(tree(dir)).toEqual(old);
        expect(leftovers(dir)).toEqual([]);
        // And the next render (no faults) has nothing to clean up.
        const again = await run(["render"], dir);
        expect(again).toEqual({ code: 0, stdout: RENDERED, stderr: "" });
        expect(tree(dir)).toEqual(fresh);
      } finally {
        cleanup();
      }
    });
  }

  it("the swap's second rename fails and so does putting the old tree back: overlays/ is missing, and the next run completes the swap", async () => {
    const { dir, cleanup } = stale();
    try {
      const r = await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@rename~paodin-fleet-new,EIO@rename~paodin-fleet-old" });
      failedWith(r, `cannot move the new tree ${NEW} to overlays/: input/output error \\(EIO\\); overlays/ is missing: the next paodin-fleet render puts the new tree in place`);
      expect(existsSync(path.join(dir, "overlays"))).toBe(false);
      expect(leftovers(dir)).toEqual([WORK]);
      const left = readdirSync(path.join(dir, WORK)).sort();
      expect(left).toHaveLength(3);
      expect(left[0]).toBe(".gitignore");
      const stamp = left[1]!.slice("paodin-fleet-new-".length);
      expect(left).toEqual([".gitignore", `paodin-fleet-new-${stamp}`, `paodin-fleet-old-${stamp}`]);
      const check = await run(["render", "--check"], dir);
      expect(check.stderr).toBe(
        `paodin-fleet: finished the swap of a render that was interrupted (pid ${process.pid}): overlays/ holds the tree it rendered\n` +
          `paodin-fleet: removed what a render that was interrupted (pid ${process.pid}) left behind: ${WORK}/paodin-fleet-old-${stamp} (30 files)\n`,
      );
      expect(check.stdout).toBe(UP_TO_DATE);
      expect(check.code).toBe(0);
      expect(tree(dir)).toEqual(fresh);
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it("not a failure of the environment (a bug): exit 70, the error as it is, overlays/ as it was", async () => {
    const { dir, cleanup } = stale();
    try {
      for (const [faults, first] of [
        ["ENOTDIR@mkdir#1", `ENOTDIR: injected fault, mkdir '${path.join(dir, WORK)}'`],
        ["EINVAL@writeFile~paodin-fleet-new", `EINVAL: injected fault, open '${path.join(dir, WORK)}/paodin-fleet-new-${STAMP}/_argocd/applicationset.yaml'`],
        ["EMLINK@link,EINVAL@copyFile", `EINVAL: injected fault, copyfile '${path.join(dir, "overlays/_argocd/kustomization.yaml")}'`],
        ["EINVAL@rename#1", `EINVAL: injected fault, rename '${path.join(dir, WORK)}/lock-${STAMP}'`],
      ] as const) {
        const r = await run(["render"], dir, { PAODIN_FLEET_FAULTS: faults });
        expect(r.code, faults).toBe(70);
        expect(r.stderr.split("\n")[0], faults).toMatch(new RegExp(`^paodin-fleet: internal error \\(a bug in paodin-fleet, not in your fleet\\): ${esc(first).replace(esc(STAMP), STAMP)}$`));
        expect(tree(dir)).toEqual(old);
      }
    } finally {
      cleanup();
    }
  });
});

describe("after the swap point the render has succeeded: exit 0, what it could not clean up is a note, and the next run does", () => {
  it("the previous tree cannot be removed", async () => {
    const { dir, cleanup } = stale();
    try {
      // The work directory as a render killed while making it left it: its .gitignore is rewritten.
      mkdirSync(path.join(dir, WORK));
      writeFileSync(path.join(dir, WORK, ".gitignore"), "*\n");
      const r = await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@unlink~paodin-fleet-old" });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(RENDERED);
      expect(r.stderr).toMatch(line(`paodin-fleet: could not remove the previous tree, ${OLD}: input/output error \\(EIO\\); git ignores it, and the next render removes it`));
      expect(tree(dir)).toEqual(fresh);
      expect(leftovers(dir)).toEqual([WORK]);
      const left = readdirSync(path.join(dir, WORK)).sort();
      expect(left).toEqual([".gitignore", expect.stringMatching(new RegExp(`^paodin-fleet-old-${STAMP}$`))]);
      expect(readFileSync(path.join(dir, WORK, ".gitignore"), "utf8")).toBe("# paodin-fleet's work directory (temporary trees and the lock): never committed\n*\n");
      expect(readTreeSync(path.join(dir, WORK, left[1]!))).toEqual(old);
      const again = await run(["render"], dir);
      expect(again).toEqual({ code: 0, stdout: UP_TO_DATE, stderr: `paodin-fleet: removed what a render that was interrupted (pid ${process.pid}) left behind: ${WORK}/${left[1]} (30 files)\n` });
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  for (const faults of ["EACCES@unlink#1", "EPERM@unlink#3"]) {
    it(`a file of the previous tree refuses once (${faults}): its directory is made writable, and it goes`, async () => {
      const { dir, cleanup } = stale();
      try {
        expect(await run(["render"], dir, { PAODIN_FLEET_FAULTS: faults })).toEqual({ code: 0, stdout: RENDERED, stderr: "" });
        expect(tree(dir)).toEqual(fresh);
        expect(leftovers(dir)).toEqual([]);
      } finally {
        cleanup();
      }
    });
  }

  it("a file of the previous tree refuses twice: a note, the rest left for the next render", async () => {
    const { dir, cleanup } = stale();
    try {
      const r = await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EACCES@unlink#1,EACCES@unlink#2" });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(line(`paodin-fleet: could not remove the previous tree, ${OLD}: permission denied \\(EACCES\\); git ignores it, and the next render removes it`));
      const again = await run(["render"], dir);
      expect(again.stderr).toMatch(line(`paodin-fleet: removed what a render that was interrupted \\(pid ${process.pid}\\) left behind: ${OLD} \\(30 files\\)`));
    } finally {
      cleanup();
    }
  });

  it("a failure that is not the environment's while removing the previous tree is a bug (exit 70)", async () => {
    for (const [faults, first] of [
        ["EINVAL@unlink#1", `EINVAL: injected fault, unlink 'DIR/${WORK}/paodin-fleet-old-${STAMP}/_argocd/applicationset.yaml'`],
        ["EINVAL@rmdir#1", `EINVAL: injected fault, rmdir 'DIR/${WORK}/paodin-fleet-old-${STAMP}/_argocd'`],
        ["EACCES@unlink#1,EINVAL@chmod", `EINVAL: injected fault, chmod 'DIR/${WORK}/paodin-fleet-old-${STAMP}/_argocd'`],
      ] as const) {
      const { dir, cleanup } = stale();
      try {
        const r = await run(["render"], dir, { PAODIN_FLEET_FAULTS: faults });
        expect(r.code, faults).toBe(70);
        expect(r.stderr.split("\n")[0], faults).toMatch(new RegExp(`^paodin-fleet: internal error \\(a bug in paodin-fleet, not in your fleet\\): ${esc(first.replace("DIR", dir)).replace(esc(STAMP), STAMP)}$`));
      } finally {
        cleanup();
      }
    }
  });

  it("the work directory cannot be released: notes, exit 0, and the next render removes what is left", async () => {
    const { dir, cleanup } = stale();
    try {
      // Renamed aside (renames: lock, aside, into place, then the work directory), then a file in it refuses.
      const r = await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@unlink~-gone-" });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(RENDERED);
      expect(r.stderr).toMatch(
        line(`paodin-fleet: could not remove the work directory \\(${esc(WORK)}-gone-${STAMP}/lock/${STAMP}\\): input/output error \\(EIO\\); git ignores what is left, and the next render removes it`),
      );
      const [gone] = leftovers(dir);
      expect(gone).toMatch(new RegExp(`^${esc(WORK)}-gone-${STAMP}$`));
      expect(tree(dir)).toEqual(fresh);
      const again = await run(["render"], dir);
      expect(again).toEqual({ code: 0, stdout: UP_TO_DATE, stderr: `paodin-fleet: removed what a render that was interrupted (pid ${process.pid}) left behind: ${gone} (2 files)\n` });
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it("the work directory cannot be renamed aside: the lock alone is released, or a note says it was not", async () => {
    const { dir, cleanup } = stale();
    try {
      expect(await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@rename#4" })).toEqual({ code: 0, stdout: RENDERED, stderr: "" });
      expect(leftovers(dir)).toEqual([]);
      bumpFleet(dir, "v3");
      const r = await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@rename#4,EIO@unlink~/lock/" });
      expect(r).toEqual({
        code: 0,
        stdout: RENDERED,
        stderr: `paodin-fleet: could not release the lock ${WORK}/lock: input/output error (EIO); the next render takes it over\n`,
      });
      expect(readdirSync(path.join(dir, WORK)).sort()).toEqual([".gitignore", "lock"]);
      // A lock of this (running) process is not taken over: removed here, as a render that ended would.
      rmSync(path.join(dir, WORK, "lock"), { recursive: true });
      bumpFleet(dir, "v4");
      const r2 = await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@rename#4,EIO@rename#5" });
      expect(r2).toEqual({
        code: 0,
        stdout: RENDERED,
        stderr: `paodin-fleet: could not remove the work directory (${WORK}): input/output error (EIO); git ignores it, and the next render removes it\n`,
      });
      expect(readdirSync(path.join(dir, WORK))).toEqual([".gitignore"]);
      expect(await run(["render"], dir)).toEqual({ code: 0, stdout: UP_TO_DATE, stderr: "" });
      expect(leftovers(dir)).toEqual([]);
      // The lock released, the second removal renamed it aside, and a file in it refuses: that file named.
      bumpFleet(dir, "v5");
      const r3 = await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@rename#4,EIO@unlink~-gone-" });
      expect(r3.code).toBe(0);
      expect(r3.stderr).toMatch(line(`paodin-fleet: could not remove the work directory \\(${esc(WORK)}-gone-${STAMP}/\\.gitignore\\): input/output error \\(EIO\\); git ignores it, and the next render removes it`));
      expect(await run(["render"], dir)).toMatchObject({ code: 0, stdout: UP_TO_DATE });
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });
});

describe("what a render keeps", () => {
  it("an up-to-date render writes nothing: overlays/ is the same directory, its files the same files", async () => {
    const { dir, cleanup } = copy();
    try {
      const out = path.join(dir, "overlays");
      const before = { dir: statSync(out).ino, file: statSync(path.join(dir, APPSET)).ino };
      expect(await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@mkdir~paodin-fleet-new" })).toEqual({ code: 0, stdout: UP_TO_DATE, stderr: "" });
      expect(statSync(out).ino).toBe(before.dir);
      expect(statSync(path.join(dir, APPSET)).ino).toBe(before.file);
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it("a render that changes one file keeps the others as they were (the same files, hard-linked), or copies them where links fail", async () => {
    for (const faults of ["", "EMLINK@link"]) {
      const { dir, cleanup } = stale();
      try {
        const kept = path.join(dir, "overlays/host/kustomization.yaml");
        const before = statSync(kept);
        const out = statSync(path.join(dir, "overlays")).ino;
        expect(await run(["render"], dir, { PAODIN_FLEET_FAULTS: faults })).toEqual({ code: 0, stdout: RENDERED, stderr: "" });
        expect(tree(dir)).toEqual(fresh);
        expect(statSync(path.join(dir, "overlays")).ino).not.toBe(out);
        if (faults === "") expect([statSync(kept).ino, statSync(kept).mtimeMs]).toEqual([before.ino, before.mtimeMs]);
        else expect(statSync(kept).ino).not.toBe(before.ino);
        expect(leftovers(dir)).toEqual([]);
      } finally {
        cleanup();
      }
    }
  });

  it("files kept before the first change are carried over too (a file of the last overlay added)", async () => {
    const { dir, cleanup } = copy();
    try {
      const last = "overlays/member-2/kustomization.yaml";
      rmSync(path.join(dir, last));
      const ino = statSync(path.join(dir, "overlays/_argocd/applicationset.yaml")).ino;
      expect(await run(["render"], dir)).toEqual({ code: 0, stdout: "Rendered 3 clusters into overlays/: 1 added, 0 changed, 0 removed.\n", stderr: "" });
      expect(tree(dir)).toEqual(old);
      expect(statSync(path.join(dir, "overlays/_argocd/applicationset.yaml")).ino).toBe(ino);
    } finally {
      cleanup();
    }
  });

  it("links, pipes and files it did not generate are carried over as they are, and reported", async () => {
    const { dir, cleanup } = stale();
    try {
      symlinkSync("../../clusters/fleet.yaml", path.join(dir, "overlays/host/fleet-link.yaml"));
      symlinkSync("nowhere", path.join(dir, "overlays/dangling"));
      spawnSync("mkfifo", [path.join(dir, "overlays/member-1/pipe")]);
      writeFileSync(path.join(dir, "overlays/NOTES.md"), "mine\n");
      const r = await run(["render"], dir);
      expect(r).toEqual({
        code: 0,
        stdout:
          `${RENDERED}\nNot generated by paodin-fleet, left in place (move them out of overlays/):\n` +
          "  ? overlays/NOTES.md\n  ? overlays/dangling\n  ? overlays/host/fleet-link.yaml\n  ? overlays/member-1/pipe\n",
        stderr: "",
      });
      expect(readlinkSync(path.join(dir, "overlays/host/fleet-link.yaml"))).toBe("../../clusters/fleet.yaml");
      expect(lstatSync(path.join(dir, "overlays/host/fleet-link.yaml")).isSymbolicLink()).toBe(true);
      expect(readlinkSync(path.join(dir, "overlays/dangling"))).toBe("nowhere");
      expect(lstatSync(path.join(dir, "overlays/member-1/pipe")).isFIFO()).toBe(true);
      expect(readFileSync(path.join(dir, "overlays/NOTES.md"), "utf8")).toBe("mine\n");
      expect(readFileSync(path.join(dir, APPSET), "utf8")).toBe(fresh.get("_argocd/applicationset.yaml"));
      // A link it cannot make again: nothing is swapped in.
      bumpFleet(dir, "v3");
      const failed = await run(["render"], dir, { PAODIN_FLEET_FAULTS: "ENOSPC@symlink" });
      failedWith(failed, `cannot carry overlays/dangling over into ${NEW}/dangling: no space left on the device \\(ENOSPC\\); overlays/ is unchanged`);
      expect(readFileSync(path.join(dir, APPSET), "utf8")).toBe(fresh.get("_argocd/applicationset.yaml"));
      expect(leftovers(dir)).toEqual([]);
      const bug = await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EBADF@symlink" });
      expect(bug.code).toBe(70);
      expect(bug.stderr.split("\n")[0]).toBe(`paodin-fleet: internal error (a bug in paodin-fleet, not in your fleet): EBADF: injected fault, symlink 'nowhere'`);
    } finally {
      cleanup();
    }
  });

  it("a generated file left in a directory that is now a rendered file's place: blocked once, not also removed", async () => {
    const { dir, cleanup } = copy();
    try {
      // overlays/member-1 made a generated file: where the overlay's directory goes.
      const gen = readFileSync(path.join(dir, "overlays/member-1/kustomization.yaml"), "utf8");
      rmSync(path.join(dir, "overlays/member-1"), { recursive: true });
      writeFileSync(path.join(dir, "overlays/member-1"), gen);
      const check = await run(["render", "--check", "--json"], dir);
      expect(check.code).toBe(2);
      expect(JSON.parse(check.stdout)).toEqual({ upToDate: false, added: [], changed: [], removed: [], foreign: [], blocked: ["member-1"] });
      // A directory where a rendered file goes.
      rmSync(path.join(dir, "overlays/member-1"));
      mkdirSync(path.join(dir, "overlays/member-1/kustomization.yaml"), { recursive: true });
      const r = await run(["render", "--check", "--json"], dir);
      expect(JSON.parse(r.stdout)).toEqual({
        upToDate: false,
        added: ["member-1/clusterconfiguration.installer.kubesphere.io_kubesphere-system_ks-installer.yaml", "member-1/prometheus.monitoring.coreos.com_kubesphere-monitoring-system_k8s.yaml"],
        changed: [],
        removed: [],
        foreign: [],
        blocked: ["member-1/kustomization.yaml"],
      });
      const w = await run(["render"], dir);
      expect(w.code).toBe(1);
      expect(w.stderr).toBe(
        "overlays/member-1/kustomization.yaml is a directory, where a rendered file goes: paodin-fleet never replaces what it did not generate; move it out of overlays/ (or delete it), then render again\n1 error; nothing was written.\n",
      );
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it("--cluster: generated files of other clusters are kept, those of the selected one pruned; foreign files reported wherever they are", async () => {
    const { dir, cleanup } = copy();
    try {
      const gen = readFileSync(path.join(dir, "overlays/member-1/kustomization.yaml"), "utf8");
      writeFileSync(path.join(dir, "overlays/member-1/stale.yaml"), gen);
      writeFileSync(path.join(dir, "overlays/member-2/stale.yaml"), gen);
      writeFileSync(path.join(dir, "overlays/member-2/mine.yaml"), "kind: Mine\n");
      // A Flux file is the selected cluster's only when it is named <cluster>.yaml, exactly.
      writeFileSync(path.join(dir, "overlays/_flux/member.yaml-1"), gen);
      const check = await run(["render", "--check", "--json", "--cluster", "member-1"], dir);
      expect(JSON.parse(check.stdout)).toEqual({ upToDate: false, added: [], changed: [], removed: ["member-1/stale.yaml"], foreign: ["member-2/mine.yaml"], blocked: [] });
      const r = await run(["render", "--cluster", "member-1"], dir);
      expect(r).toEqual({
        code: 0,
        stdout: "Rendered 3 clusters into overlays/: 0 added, 0 changed, 1 removed.\n\nNot generated by paodin-fleet, left in place (move them out of overlays/):\n  ? overlays/member-2/mine.yaml\n",
        stderr: "",
      });
      expect(existsSync(path.join(dir, "overlays/member-1/stale.yaml"))).toBe(false);
      expect(readFileSync(path.join(dir, "overlays/member-2/stale.yaml"), "utf8")).toBe(gen);
      // Without --cluster (or an empty selection), everything is in scope.
      expect(JSON.parse((await run(["render", "--check", "--json"], dir)).stdout)).toMatchObject({ removed: ["_flux/member.yaml-1", "member-2/stale.yaml"] });
    } finally {
      cleanup();
    }
  });
});

/** Makes `rel` (under the project) a copy of the example rendering, optionally with the fresh applicationset. */
function treeAt(dir: string, rel: string, which: Map<string, string> = old): void {
  for (const [p, c] of which) {
    mkdirSync(path.dirname(path.join(dir, rel, p)), { recursive: true });
    writeFileSync(path.join(dir, rel, p), c);
  }
}

function work(dir: string, ...names: string[]): string {
  mkdirSync(path.join(dir, WORK), { recursive: true });
  writeFileSync(path.join(dir, WORK, ".gitignore"), "*\n");
  return path.join(dir, WORK, ...names);
}

const removedNote = (pid: number | string, paths: string, files: number): string =>
  `paodin-fleet: removed what a render that was interrupted (pid ${pid}) left behind: ${paths} (${files} file${files === 1 ? "" : "s"})\n`;

describe("what an interrupted render left: completed or removed by the next run, which says so", () => {
  it("killed between the swap's renames: the new tree is put in place (or the old one back when the new one is gone)", async () => {
    const { dir, cleanup } = stale();
    try {
      renameSync(path.join(dir, "overlays"), work(dir, `paodin-fleet-old-${DEAD}-aaaa1111`));
      treeAt(dir, `${WORK}/paodin-fleet-new-${DEAD}-aaaa1111`, fresh);
      const r = await run(["render", "--check"], dir);
      expect(r).toEqual({
        code: 0,
        stdout: UP_TO_DATE,
        stderr:
          `paodin-fleet: finished the swap of a render that was interrupted (pid ${DEAD}): overlays/ holds the tree it rendered\n` +
          removedNote(DEAD, `${WORK}/paodin-fleet-old-${DEAD}-aaaa1111`, 30),
      });
      expect(tree(dir)).toEqual(fresh);
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it("the old tree alone, or a new tree of another render: the old tree is put back, the other removed", async () => {
    const { dir, cleanup } = copy();
    try {
      renameSync(path.join(dir, "overlays"), work(dir, `paodin-fleet-old-${DEAD}-aaaa1111`));
      treeAt(dir, `${WORK}/paodin-fleet-new-${DEAD}-bbbb2222`, fresh);
      // Beside the output directory (where earlier versions put them), with the same stamp: not the same render's.
      treeAt(dir, `.overlays.paodin-fleet-new-${DEAD}-aaaa1111`, fresh);
      const r = await run(["render", "--check"], dir);
      expect(r).toEqual({
        code: 0,
        stdout: UP_TO_DATE,
        stderr:
          `paodin-fleet: put back overlays/, which a render that was interrupted (pid ${DEAD}) had moved aside\n` +
          removedNote(DEAD, `${WORK}/paodin-fleet-new-${DEAD}-bbbb2222, .overlays.paodin-fleet-new-${DEAD}-aaaa1111`, 60),
      });
      expect(tree(dir)).toEqual(old);
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it("trees of earlier versions beside the output directory: completed the same way; a pid that still runs is another render's", async () => {
    const { dir, cleanup } = stale();
    try {
      renameSync(path.join(dir, "overlays"), path.join(dir, `.overlays.paodin-fleet-old-${DEAD}-m0abc`));
      treeAt(dir, `.overlays.paodin-fleet-new-${DEAD}-m0abc`, fresh);
      // Not ours, or of a running process (pid 1), or cut short (-gone-, whoever made it).
      for (const name of [`.overlays.paodin-fleet-new-1-m0abc`, `.overlays.paodin-fleet-new-${DEAD}-M0ABC`, `.overlays.paodin-fleet-tmp-${DEAD}-m0abc`, `x.overlays.paodin-fleet-new-${DEAD}-m0abc`, `.overlays.paodin-fleet-new-${DEAD}-m0abc.bak`, `.overlays.paodin-fleet-new-${DEAD}`]) {
        mkdirSync(path.join(dir, name));
        writeFileSync(path.join(dir, name, "f"), "x\n");
      }
      mkdirSync(path.join(dir, ".overlays.paodin-fleet-gone-1-beef/lock"), { recursive: true });
      writeFileSync(path.join(dir, ".overlays.paodin-fleet-gone-1-beef/lock/1-beef"), "{}\n");
      const r = await run(["render", "--check"], dir);
      expect(r.stderr).toBe(
        `paodin-fleet: finished the swap of a render that was interrupted (pid ${DEAD}): overlays/ holds the tree it rendered\n` +
          removedNote(1, ".overlays.paodin-fleet-gone-1-beef", 1) +
          removedNote(DEAD, `.overlays.paodin-fleet-old-${DEAD}-m0abc`, 30),
      );
      expect(r.code).toBe(0);
      expect(tree(dir)).toEqual(fresh);
      expect(leftovers(dir)).toEqual(
        [`.overlays.paodin-fleet-new-1-m0abc`, `.overlays.paodin-fleet-new-${DEAD}-M0ABC`, `.overlays.paodin-fleet-tmp-${DEAD}-m0abc`, `x.overlays.paodin-fleet-new-${DEAD}-m0abc`, `.overlays.paodin-fleet-new-${DEAD}-m0abc.bak`, `.overlays.paodin-fleet-new-${DEAD}`].sort(),
      );
    } finally {
      cleanup();
    }
  });

  it("an output directory whose name holds regular-expression characters: only its own leftovers are removed", async () => {
    const { dir, cleanup } = copy();
    try {
      renameSync(path.join(dir, "overlays"), path.join(dir, "o.t"));
      for (const name of [`.o.t.paodin-fleet-new-${DEAD}-abc`, `.oXt.paodin-fleet-new-${DEAD}-abc`]) treeAt(dir, name, new Map([["f", "x\n"]]));
      const r = await run(["render", "--check", "--out", "o.t"], dir);
      expect(r).toEqual({ code: 0, stdout: "o.t/ is up to date (30 files).\n", stderr: removedNote(DEAD, `.o.t.paodin-fleet-new-${DEAD}-abc`, 1) });
      expect(readdirSync(dir).sort()).toEqual([".oXt.paodin-fleet-new-99999-abc", "clusters", "o.t"]);
    } finally {
      cleanup();
    }
  });

  it("with overlays/ in place: new and old trees, and prepared locks of renders that no longer run, are removed; empty ones without a word", async () => {
    const { dir, cleanup } = copy();
    try {
      treeAt(dir, `${WORK}/paodin-fleet-new-${DEAD}-aaaa1111`, new Map([["_argocd/applicationset.yaml", "x\n"]]));
      treeAt(dir, `${WORK}/paodin-fleet-old-99998-bbbb2222`, new Map([["a", "x\n"], ["b/c", "y\n"]]));
      mkdirSync(path.join(dir, WORK, `paodin-fleet-new-99997-cccc3333/host/empty`), { recursive: true });
      treeAt(dir, `${WORK}/lock-${DEAD}-dddd4444`, new Map([[`${DEAD}-dddd4444`, "{}\n"]]));
      // A file where a tree goes: removed all the same.
      writeFileSync(path.join(dir, WORK, `paodin-fleet-old-99996-eeee5555`), "x\n");
      // A tree whose name says no pid.
      treeAt(dir, `${WORK}/paodin-fleet-new-nopid`, new Map([["a", "x\n"]]));
      const r = await run(["render", "--check"], dir);
      expect(r).toEqual({
        code: 0,
        stdout: UP_TO_DATE,
        stderr:
          removedNote(DEAD, `${WORK}/lock-${DEAD}-dddd4444, ${WORK}/paodin-fleet-new-${DEAD}-aaaa1111`, 2) +
          removedNote("?", `${WORK}/paodin-fleet-new-nopid`, 1) +
          removedNote(99998, `${WORK}/paodin-fleet-old-99998-bbbb2222`, 2),
      });
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it("a prepared lock of a render that still runs, or whose name gives no pid, is left to it (and so is the work directory)", async () => {
    const { dir, cleanup } = copy();
    try {
      treeAt(dir, `${WORK}/lock-1-dddd4444`, new Map([["1-dddd4444", "{}\n"]]));
      // Names that give no pid (a number not first): not ours to judge, taken to run.
      treeAt(dir, `${WORK}/lock-nopid`, new Map([["x", "{}\n"]]));
      treeAt(dir, `${WORK}/lock-x${DEAD}-dddd4444`, new Map([["x", "{}\n"]]));
      expect(await run(["render", "--check"], dir)).toEqual({ code: 0, stdout: UP_TO_DATE, stderr: "" });
      expect(readdirSync(path.join(dir, WORK)).sort()).toEqual([".gitignore", "lock-1-dddd4444", "lock-nopid", `lock-x${DEAD}-dddd4444`]);
    } finally {
      cleanup();
    }
  });

  it("a swap it cannot complete: exit 74 saying so, the lock released; the next run completes it", async () => {
    const { dir, cleanup } = copy();
    try {
      renameSync(path.join(dir, "overlays"), work(dir, `paodin-fleet-old-${DEAD}-aaaa1111`));
      const r = await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@rename~paodin-fleet-old" });
      failedWith(r, esc(`cannot complete the swap of an interrupted render: cannot move ${WORK}/paodin-fleet-old-${DEAD}-aaaa1111 to overlays/: input/output error (EIO); overlays/ is missing until a render can`));
      expect(readdirSync(path.join(dir, WORK)).sort()).toEqual([".gitignore", `paodin-fleet-old-${DEAD}-aaaa1111`]);
      const again = await run(["render"], dir);
      expect(again).toEqual({ code: 0, stdout: UP_TO_DATE, stderr: `paodin-fleet: put back overlays/, which a render that was interrupted (pid ${DEAD}) had moved aside\n` });
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it("a leftover it cannot remove: exit 74 naming it", async () => {
    const { dir, cleanup } = copy();
    try {
      treeAt(dir, `${WORK}/paodin-fleet-new-${DEAD}-aaaa1111`, new Map([["a", "x\n"]]));
      const r = await run(["render", "--check"], dir, { PAODIN_FLEET_FAULTS: "EIO@unlink~paodin-fleet-new" });
      failedWith(r, esc(`cannot remove ${WORK}/paodin-fleet-new-${DEAD}-aaaa1111, which a render that was interrupted left: input/output error (EIO)`));
      expect(readdirSync(path.join(dir, WORK)).sort()).toEqual([".gitignore", `paodin-fleet-new-${DEAD}-aaaa1111`]);
    } finally {
      cleanup();
    }
  });
});

function lockHeldBy(dir: string, name: string, holder: unknown): void {
  mkdirSync(work(dir, "lock"), { recursive: true });
  writeFileSync(path.join(dir, WORK, "lock", name), typeof holder === "string" ? holder : JSON.stringify(holder));
}

/** The start time of pid 1, as a lock records it (field 22 of /proc/1/stat). */
function startOf1(): string {
  const stat = readFileSync("/proc/1/stat", "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]!;
}

describe("the lock", () => {
  const since = "2026-01-01T00:00:00.000Z";
  for (const [what, holder] of [
    ["a process that no longer runs", { pid: DEAD, host: hostname(), since }],
    ["a reused pid (another start time)", { pid: 1, host: hostname(), started: "1", since }],
  ] as const) {
    it(`held by ${what}: taken over, saying so`, async () => {
      const { dir, cleanup } = stale();
      try {
        lockHeldBy(dir, `${holder.pid}-abcd`, holder);
        const r = await run(["render"], dir);
        expect(r).toEqual({ code: 0, stdout: RENDERED, stderr: `paodin-fleet: took over the lock of overlays/ from a render that no longer runs (pid ${holder.pid}, since ${since})\n` });
        expect(leftovers(dir)).toEqual([]);
      } finally {
        cleanup();
      }
    });
  }

  it("held by a render that runs: waited for, saying so once; then taken", async () => {
    const { WorkDir, lockOutput } = await import("../src/output/workdir.js");
    const { nodeFs } = await import("../src/output/write.js");
    const { dir, cleanup } = stale();
    try {
      const held = await lockOutput(new WorkDir(path.join(dir, "overlays"), nodeFs), nodeFs);
      const [mine] = readdirSync(path.join(dir, WORK, "lock"));
      const holder = JSON.parse(readFileSync(path.join(dir, WORK, "lock", mine!), "utf8")) as { pid: number; since: string; started?: string };
      expect(holder).toEqual({ pid: process.pid, host: hostname(), started: expect.stringMatching(/^\d+$/), since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      const waiting = run(["render"], dir);
      // The waiting render has prepared its lock; let it poll a few times before the lock is released.
      for (let i = 0; i < 3000 && !readdirSync(path.join(dir, WORK)).some((n) => n.startsWith("lock-")); i++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 300));
      expect(readFileSync(path.join(dir, APPSET), "utf8")).toBe(old.get("_argocd/applicationset.yaml"));
      expect(held.release()).toEqual([]);
      expect(await waiting).toEqual({
        code: 0,
        stdout: RENDERED,
        stderr: `paodin-fleet: waiting for another render of overlays/ to finish (pid ${process.pid}, since ${holder.since})\n`,
      });
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  for (const [what, holder, who] of [
    ["a running process (pid 1)", { pid: 1, host: hostname(), started: "START", since }, `paodin-fleet (pid 1 on ${hostname()}, since ${since})`],
    ["a process on another host", { pid: DEAD, host: "elsewhere.example", since }, `paodin-fleet (pid ${DEAD} on elsewhere.example, since ${since})`],
    ["a process whose start time is not known", { pid: 1, host: hostname(), since }, `paodin-fleet (pid 1 on ${hostname()}, since ${since})`],
    ["someone unknown (a file that is not a holder)", "not json", "another paodin-fleet"],
    ["someone unknown (a holder without a host)", { pid: DEAD, since }, "another paodin-fleet"],
    ["someone unknown (a pid that is not a number)", { pid: String(DEAD), host: hostname(), since }, "another paodin-fleet"],
  ] as const) {
    it(`held by ${what}: given up after the timeout (an environment error, exit 74 in the CLI), the holder named, nothing of this render left`, async () => {
      const { WorkDir, lockOutput } = await import("../src/output/workdir.js");
      const { nodeFs } = await import("../src/output/write.js");
      const { dir, cleanup } = copy();
      try {
        lockHeldBy(dir, "1-abcd", typeof holder === "string" ? holder : JSON.parse(JSON.stringify(holder).replace("START", startOf1())));
        const waits: unknown[] = [];
        const t0 = Date.now();
        await expect(
          lockOutput(new WorkDir(path.join(dir, "overlays"), nodeFs), nodeFs, { timeoutMs: 150, pollMs: 5, show: (p) => path.relative(dir, p), onWait: (h) => waits.push(h) }),
        ).rejects.toThrow(
          new RegExp(`^${esc(`overlays/ is locked by ${who}: gave up waiting after 0 s; if no render runs (one on another machine that shares this directory?), remove ${WORK}/lock`)}$`),
        );
        expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
        expect(waits).toEqual(typeof holder === "string" || !("host" in holder) || typeof holder.pid !== "number" ? [] : [expect.objectContaining({ pid: holder.pid })]);
        expect(readdirSync(path.join(dir, WORK)).sort()).toEqual([".gitignore", "lock"]);
        expect(readdirSync(path.join(dir, WORK, "lock"))).toEqual(["1-abcd"]);
      } finally {
        cleanup();
      }
    });
  }

  it("the time it gives up after is said in seconds", async () => {
    const { WorkDir, lockOutput } = await import("../src/output/workdir.js");
    const { nodeFs } = await import("../src/output/write.js");
    const { dir, cleanup } = copy();
    try {
      lockHeldBy(dir, "1-abcd", { pid: 1, host: "elsewhere.example", since });
      await expect(lockOutput(new WorkDir(path.join(dir, "overlays"), nodeFs), nodeFs, { timeoutMs: 600, pollMs: 200 })).rejects.toThrow(
        `${path.join(dir, "overlays")}/ is locked by paodin-fleet (pid 1 on elsewhere.example, since ${since}): gave up waiting after 1 s; if no render runs (one on another machine that shares this directory?), remove ${path.join(dir, WORK, "lock")}`,
      );
    } finally {
      cleanup();
    }
  });

  it("a lock taken and released leaves nothing; the work directory's .gitignore is rewritten only when it is not paodin-fleet's", async () => {
    const { dir, cleanup } = stale();
    try {
      mkdirSync(path.join(dir, WORK));
      writeFileSync(path.join(dir, WORK, ".gitignore"), "# paodin-fleet's work directory (temporary trees and the lock): never committed\n*\n");
      // Already right: not written again (a write would fail here).
      expect(await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@writeFile~.gitignore" })).toEqual({ code: 0, stdout: RENDERED, stderr: "" });
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });
});

describe("render --check", () => {
  it("where the output directory's parent does not exist: reads without a lock, and makes nothing", async () => {
    const { dir, cleanup } = copy();
    try {
      const r = await run(["render", "--check", "--out", "build/overlays"], dir);
      expect(r.code).toBe(2);
      expect(r.stdout.split("\n").slice(0, 2)).toEqual(["build/overlays/ is stale; `paodin-fleet render` would change:", "  + build/overlays/_argocd/applicationset.yaml"]);
      expect(r.stderr).toBe("");
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  for (const code of ["EROFS", "EACCES", "EPERM"]) {
    it(`in a checkout it cannot write to (${code}): reads without the lock`, async () => {
      const { dir, cleanup } = stale();
      try {
        const r = await run(["render", "--check"], dir, { PAODIN_FLEET_FAULTS: `${code}@mkdir` });
        expect(r).toEqual({ code: 2, stdout: "overlays/ is stale; `paodin-fleet render` would change:\n  ~ overlays/_argocd/applicationset.yaml\n", stderr: "" });
        expect(leftovers(dir)).toEqual([]);
        // A render there fails, saying why.
        failedWith(await run(["render"], dir, { PAODIN_FLEET_FAULTS: `${code}@mkdir` }), `cannot lock overlays/: cannot write ${esc(WORK)}: .* \\(${code}\\); overlays/ is unchanged`);
      } finally {
        cleanup();
      }
    });
  }

  it("a work directory it cannot make for another reason: exit 74", async () => {
    const { dir, cleanup } = copy();
    try {
      failedWith(await run(["render", "--check"], dir, { PAODIN_FLEET_FAULTS: "EIO@mkdir" }), esc(`cannot write ${WORK}: input/output error (EIO)`));
      failedWith(await run(["render", "--check"], dir, { PAODIN_FLEET_FAULTS: "ENOSPC@writeFile" }), esc(`cannot write ${WORK}: no space left on the device (ENOSPC)`));
      const bug = await run(["render", "--check"], dir, { PAODIN_FLEET_FAULTS: "EINVAL@mkdir" });
      expect(bug.code).toBe(70);
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it("in a checkout it cannot write to, after a render was interrupted in its swap: exit 74, it cannot complete it", async () => {
    const { dir, cleanup } = copy();
    try {
      renameSync(path.join(dir, "overlays"), work(dir, `paodin-fleet-old-${DEAD}-aaaa1111`));
      const r = await run(["render", "--check"], dir, { PAODIN_FLEET_FAULTS: "EROFS@mkdir" });
      expect(r).toEqual({
        code: 74,
        stdout: "",
        stderr:
          "paodin-fleet: overlays/ is missing: a render was interrupted in the middle of its swap, and this checkout cannot be written, so --check cannot complete it; run paodin-fleet render where it can write\n",
      });
      // Only an old tree means that: a new one alone was never swapped in.
      renameSync(path.join(dir, WORK, `paodin-fleet-old-${DEAD}-aaaa1111`), path.join(dir, WORK, `paodin-fleet-new-${DEAD}-aaaa1111`));
      const r2 = await run(["render", "--check", "--json"], dir, { PAODIN_FLEET_FAULTS: "EROFS@mkdir" });
      expect(r2.code).toBe(2);
      expect(JSON.parse(r2.stdout)).toMatchObject({ upToDate: false, removed: [], changed: [] });
      expect((JSON.parse(r2.stdout) as { added: string[] }).added).toHaveLength(30);
      // With overlays/ there, an old tree is only a leftover (removed by the next render that can write).
      renameSync(path.join(dir, WORK, `paodin-fleet-new-${DEAD}-aaaa1111`), path.join(dir, "overlays"));
      treeAt(dir, `${WORK}/paodin-fleet-old-${DEAD}-aaaa1111`, new Map([["a", "x\n"]]));
      expect(await run(["render", "--check"], dir, { PAODIN_FLEET_FAULTS: "EROFS@mkdir" })).toEqual({ code: 0, stdout: UP_TO_DATE, stderr: "" });
      expect(readdirSync(path.join(dir, WORK)).sort()).toEqual([".gitignore", `paodin-fleet-old-${DEAD}-aaaa1111`]);
      // And with no work directory at all, a missing overlays/ is just missing.
      rmSync(path.join(dir, WORK), { recursive: true });
      rmSync(path.join(dir, "overlays"), { recursive: true });
      expect((await run(["render", "--check"], dir, { PAODIN_FLEET_FAULTS: "EROFS@mkdir" })).code).toBe(2);
    } finally {
      cleanup();
    }
  });
});

describe("PAODIN_FLEET_FAULTS (the test suite's fault injection)", () => {
  it("a rule it cannot read is an error", async () => {
    const { dir, cleanup } = copy();
    try {
      for (const rule of ["bogus", "ENOSPC@", "ENOSPC@frobnicate", "enospc@1", "E@1", "ENOSPC@1x", "ENOSPC@mkdir#x", "ENOSPC@mkdir#", "xENOSPC@1", "ENOSPC@lstat", "ENOSPC@mkdir~a,bad"]) {
        const r = await run(["render", "--check"], dir, { PAODIN_FLEET_FAULTS: rule });
        expect(r.code, rule).toBe(70);
        const bad = rule.includes(",") ? rule.split(",")[1]! : rule;
        expect(r.stderr.split("\n")[0], rule).toBe(`paodin-fleet: internal error (a bug in paodin-fleet, not in your fleet): PAODIN_FLEET_FAULTS: cannot read the rule ${JSON.stringify(bad)}`);
      }
      // Spaces and empty rules are ignored; a rule for a call that never fails changes nothing.
      expect(await run(["render", "--check"], dir, { PAODIN_FLEET_FAULTS: " , EIO@chmod ,", PAODIN_FLEET_FAULTS_TRACE: "" })).toEqual({ code: 0, stdout: UP_TO_DATE, stderr: "" });
      expect(await run(["render", "--check"], dir, { PAODIN_FLEET_FAULTS: "" })).toEqual({ code: 0, stdout: UP_TO_DATE, stderr: "" });
      // A kill rule reads too (one that never comes: this test runs in the process it would kill).
      expect(await run(["render", "--check"], dir, { PAODIN_FLEET_FAULTS: "kill@999999,kill@chmod#99,kill@rmdir~nowhere" })).toEqual({ code: 0, stdout: UP_TO_DATE, stderr: "" });
    } finally {
      cleanup();
    }
  });

  it("each kind of rule: the nth call, the nth call of one kind, every call of a kind, every call of a kind at a path", async () => {
    const { dir, cleanup } = stale();
    try {
      // Calls: mkdir (work dir), writeFile (.gitignore), mkdir (prepared lock), writeFile (holder), rename...
      failedWith(await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@2" }), esc(`cannot lock overlays/: cannot write ${WORK}: input/output error (EIO); overlays/ is unchanged`));
      expect(leftovers(dir)).toEqual([]);
      failedWith(await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@writeFile#2" }), esc(`cannot lock overlays/: cannot write ${WORK}: input/output error (EIO); overlays/ is unchanged`));
      failedWith(await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@writeFile#3" }), `cannot write ${NEW}/_argocd/applicationset\\.yaml: input/output error \\(EIO\\); overlays/ is unchanged`);
      failedWith(await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@mkdir~" }), esc(`cannot lock overlays/: cannot write ${WORK}: input/output error (EIO); overlays/ is unchanged`));
      failedWith(await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@writeFile~applicationset" }), `cannot write ${NEW}/_argocd/applicationset\\.yaml: input/output error \\(EIO\\); overlays/ is unchanged`);
      // The 43rd call is the swap's second rename: the render has succeeded once it is done.
      failedWith(await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@43" }), `cannot move the new tree ${NEW} to overlays/: input/output error \\(EIO\\); overlays/ is unchanged`);
      expect(tree(dir)).toEqual(old);
      expect(await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@44" })).toEqual({ code: 0, stdout: RENDERED, stderr: expect.stringMatching(/^paodin-fleet: could not remove the previous tree/) });
      expect(tree(dir)).toEqual(fresh);
      // Two digits, for one kind: the 10th unlink is a file of the previous tree (once the last one's is removed).
      expect((await run(["render"], dir)).code).toBe(0);
      bumpFleet(dir, "v3");
      expect(await run(["render"], dir, { PAODIN_FLEET_FAULTS: "EIO@unlink#10" })).toEqual({ code: 0, stdout: RENDERED, stderr: expect.stringMatching(/^paodin-fleet: could not remove the previous tree/) });
      expect(await run(["render"], dir)).toEqual({ code: 0, stdout: UP_TO_DATE, stderr: expect.stringMatching(/^paodin-fleet: removed what a render that was interrupted .* \(21 files\)\n$/) });
    } finally {
      cleanup();
    }
  });

  it("PAODIN_FLEET_FAULTS_TRACE: one line per call that changes the file system", async () => {
    const { dir, cleanup } = stale();
    const trace = `${dir}.trace`;
    try {
      expect(await run(["render"], dir, { PAODIN_FLEET_FAULTS_TRACE: trace })).toEqual({ code: 0, stdout: RENDERED, stderr: "" });
      const lines = readFileSync(trace, "utf8").replaceAll(dir, "D").replace(/\d+-[0-9a-f]{8}/g, "S").split("\n");
      expect(lines.slice(0, 10)).toEqual([
        `1 mkdir D/${WORK}`,
        `2 writeFile D/${WORK}/.gitignore`,
        `3 mkdir D/${WORK}/lock-S`,
        `4 writeFile D/${WORK}/lock-S/S`,
        `5 rename D/${WORK}/lock-S D/${WORK}/lock`,
        `6 mkdir D/${WORK}/paodin-fleet-new-S`,
        `7 mkdir D/${WORK}/paodin-fleet-new-S/_argocd`,
        `8 writeFile D/${WORK}/paodin-fleet-new-S/_argocd/applicationset.yaml`,
        `9 link D/overlays/_argocd/kustomization.yaml D/${WORK}/paodin-fleet-new-S/_argocd/kustomization.yaml`,
        `10 mkdir D/${WORK}/paodin-fleet-new-S/_flux`,
      ]);
      expect(lines.slice(41, 46)).toEqual([`42 rename D/overlays D/${WORK}/paodin-fleet-old-S`, `43 rename D/${WORK}/paodin-fleet-new-S D/overlays`, `44 unlink D/${WORK}/paodin-fleet-old-S/_argocd/applicationset.yaml`, `45 unlink D/${WORK}/paodin-fleet-old-S/_argocd/kustomization.yaml`, `46 rmdir D/${WORK}/paodin-fleet-old-S/_argocd`]);
      expect(lines.slice(-7)).toEqual([`79 rmdir D/${WORK}/paodin-fleet-old-S`, `80 rename D/${WORK} D/${WORK}-gone-S`, `81 unlink D/${WORK}-gone-S/lock/S`, `82 rmdir D/${WORK}-gone-S/lock`, `83 unlink D/${WORK}-gone-S/.gitignore`, `84 rmdir D/${WORK}-gone-S`, ""]);
      // A copy where a link fails, and a link carried over.
      rmSync(trace);
      symlinkSync("x", path.join(dir, "overlays/l"));
      bumpFleet(dir, "v3");
      expect((await run(["render"], dir, { PAODIN_FLEET_FAULTS_TRACE: trace, PAODIN_FLEET_FAULTS: "EMLINK@link#1" })).code).toBe(0);
      const again = readFileSync(trace, "utf8").replaceAll(dir, "D").replace(/\d+-[0-9a-f]{8}/g, "S").split("\n");
      expect(again.slice(8, 10)).toEqual([`9 link D/overlays/_argocd/kustomization.yaml D/${WORK}/paodin-fleet-new-S/_argocd/kustomization.yaml`, `10 copyFile D/overlays/_argocd/kustomization.yaml D/${WORK}/paodin-fleet-new-S/_argocd/kustomization.yaml`]);
      expect(again).toContain(`${again.findIndex((l) => l.includes("symlink")) + 1} symlink x`);
    } finally {
      rmSync(trace, { force: true });
      cleanup();
    }
  });
});

const MOUNT = canMount();

/**
 * Unmounts everything mounted under `dir`, deepest first: a render that moved a mount point
 * into its work directory (a mutant of the code under test can) must not leave it mounted.
 */
function unmountUnder(dir: string): void {
  for (let round = 0; round < 3; round++) {
    const points = readFileSync("/proc/self/mountinfo", "utf8")
      .split("\n")
      .map((l) => l.split(" ")[4]?.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
      .filter((m): m is string => m !== undefined && (m === dir || m.startsWith(`${dir}/`)))
      .sort((a, b) => b.length - a.length);
    if (points.length === 0) return;
    for (const m of points) spawnSync("umount", [m]);
  }
}

describe.skipIf(!MOUNT)("an output directory that is a mount point (this machine lets the suite mount)", () => {
  it("a mount point inside the output directory (read-only or not): exit 74 naming the first, before anything is written; --check reads it", async () => {
    // Renaming overlays/ would carry a mount along with the previous tree, where it could no
    // longer be removed, and the new tree would not have it.
    const mounts: [string, (at: string) => void][] = [
      ["overlays/host", (at) => (sh("mount", ["--bind", at, at]), sh("mount", ["-o", "remount,bind,ro", at]))],
      ["overlays/member-1", (at) => (sh("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", at]), cpSync(path.join(base!.dir, "overlays/member-1"), at, { recursive: true }))],
      ["overlays/member-2/my mount", (at) => (mkdirSync(at), sh("mount", ["--bind", at, at]))],
    ];
    for (const [i, [first]] of mounts.entries()) {
      const { dir, cleanup } = stale();
      try {
        for (const [at, mount] of mounts.slice(i)) mount(path.join(dir, at));
        const before = readTreeSync(path.join(dir, "overlays"));
        const r = await run(["render"], dir);
        expect(r, first).toEqual({
          code: 74,
          stdout: "",
          stderr: `paodin-fleet: ${first} is a mount point: a render replaces overlays/ whole, by renaming it, and the mount would go with the previous tree; unmount it, or mount the directory above overlays/ instead; overlays/ is unchanged\n`,
        });
        expect(readTreeSync(path.join(dir, "overlays"))).toEqual(before);
        expect(leftovers(dir)).toEqual([]);
        expect(spawnSync("mountpoint", ["-q", path.join(dir, first)]).status).toBe(0);
        expect((await run(["render", "--check"], dir)).code).toBe(2);
      } finally {
        unmountUnder(dir);
        cleanup();
      }
    }
  });

  for (const [kind, mount] of [
    ["a tmpfs", (at: string) => (sh("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", at]), treeAt(path.dirname(at), path.basename(at)))],
    ["a bind mount (the same file system)", (at: string) => sh("mount", ["--bind", at, at])],
  ] as const) {
    for (const name of ["overlays", "my overlays"]) {
      it(`${kind} at ${JSON.stringify(name)}: a render exits 74 before anything is written; --check reads it`, async () => {
        const { dir, cleanup } = stale();
        const at = path.join(dir, name);
        try {
          if (name !== "overlays") renameSync(path.join(dir, "overlays"), at);
          mount(at);
          const shown = name.replace(/\/$/, "");
          const r = await run(["render", "--out", name], dir);
          expect(r).toEqual({
            code: 74,
            stdout: "",
            stderr: `paodin-fleet: ${shown}/ is a mount point: a render replaces the directory whole, by renaming it, which cannot be done to a mount point; mount the directory above it instead, or render into a directory inside it (--out ${shown}/fleet); ${shown}/ is unchanged\n`,
          });
          expect(readTreeSync(at)).toEqual(old);
          expect(leftovers(dir).filter((n) => n !== name)).toEqual([]);
          expect((await run(["render", "--check", "--out", name], dir)).code).toBe(2);
          // A directory inside it is not a mount point.
          expect((await run(["render", "--out", `${name}/fleet`], dir)).code).toBe(0);
        } finally {
          unmountUnder(dir);
          cleanup();
        }
      });
    }
  }
});

describe("a session that makes its own work directory (no lock held by the caller)", () => {
  it("makes it, swaps the new tree in, and removes it; a note when it cannot", async () => {
    const { OutputSession } = await import("../src/output/session.js");
    const { writerFsFor } = await import("../src/output/faults.js");
    const files = [...fresh].map(([p, content]) => ({ path: p, content }));
    for (const [faults, notes] of [
      ["", []],
      ["EIO@rename#3", [`could not remove ${WORK}: input/output error (EIO)`]],
    ] as const) {
      for (const shown of [true, false]) {
      const { dir, cleanup } = copy();
      try {
        const out = path.join(dir, "overlays");
        // Paths in notes: as the caller shows them, else relative to the working directory (here outside it: absolute).
        const fs = writerFsFor({ PAODIN_FLEET_FAULTS: faults });
        const session = shown ? new OutputSession({ outDir: out, write: true, show: (p) => path.relative(dir, p) }, fs) : new OutputSession({ outDir: out, write: true }, fs);
        session.add(files);
        expect(session.finish()).toEqual({ added: [], changed: ["_argocd/applicationset.yaml"], removed: [], foreign: [], blocked: [], files: 30, notes: shown ? notes : notes.map((n) => n.replace(WORK, path.join(dir, WORK))) });
        expect(tree(dir)).toEqual(fresh);
        expect(leftovers(dir)).toEqual(notes.length === 0 ? [] : [WORK]);
      } finally {
        cleanup();
      }
      }
    }
  });

  it("a file where its work directory goes: named when it first writes, the output as it was", async () => {
    const { OutputSession } = await import("../src/output/session.js");
    const { dir, cleanup } = copy();
    try {
      writeFileSync(path.join(dir, WORK), "mine\n");
      const session = new OutputSession({ outDir: path.join(dir, "overlays"), write: true, show: (p) => path.relative(dir, p) });
      let thrown: unknown;
      try {
        session.add([...fresh].map(([p, content]) => ({ path: p, content })));
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toMatchObject({ name: "EnvironmentError", message: `${WORK} is a file, where paodin-fleet keeps its work directory; move it away (overlays/ is unchanged)` });
      expect(tree(dir)).toEqual(old);
      expect(readFileSync(path.join(dir, WORK), "utf8")).toBe("mine\n");
    } finally {
      cleanup();
    }
  });

  it("into an output directory that does not exist yet", async () => {
    const { OutputSession } = await import("../src/output/session.js");
    const { dir, cleanup } = testdir();
    try {
      const session = new OutputSession({ outDir: path.join(dir, "out"), write: true });
      session.add([...old].map(([p, content]) => ({ path: p, content })));
      expect(session.finish()).toMatchObject({ added: [...old.keys()].sort(), changed: [], removed: [], files: 30, notes: [] });
      expect(readTreeSync(path.join(dir, "out"))).toEqual(old);
      expect(readdirSync(dir)).toEqual(["out"]);
    } finally {
      cleanup();
    }
  });

  it("--check in a checkout it cannot write to removes nothing but an idle work directory", async () => {
    const { dir, cleanup } = copy();
    try {
      work(dir);
      expect(await run(["render", "--check"], dir, { PAODIN_FLEET_FAULTS: "EROFS@mkdir" })).toEqual({ code: 0, stdout: UP_TO_DATE, stderr: "" });
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "core.autocrlf=false", ...args], { cwd, encoding: "utf8" });
}

/** The project committed in a new repository (`main`), then its fleet changed (the applicationset's revision). */
function committed(format: "sha1" | "sha256"): { dir: string; cleanup: () => void } {
  const t = copy();
  git(t.dir, "init", "-q", "-b", "main", `--object-format=${format}`);
  git(t.dir, "add", "-A");
  git(t.dir, "commit", "-qm", "base");
  bumpFleet(t.dir);
  return t;
}

function blobs(dir: string): Map<string, string> {
  return new Map(
    git(dir, "ls-tree", "-r", "HEAD", "overlays")
      .trim()
      .split("\n")
      .map((l) => [l.split("\t")[1]!.slice("overlays/".length), l.split(" ")[2]!.split("\t")[0]!]),
  );
}

const CHANGED_JSON = { clusters: [expect.objectContaining({ cluster: "_argocd", status: "changed" })] };

describe("diff --against a git ref", () => {
  for (const format of ["sha1", "sha256"] as const) {
    it(`(${format}) reads only the blobs that differ from the rendering: the others may even be missing from the repository`, async () => {
      const { dir, cleanup } = committed(format);
      try {
        const ids = blobs(dir);
        expect(ids.size).toBe(30);
        for (const oid of ids.values()) if (oid !== ids.get("_argocd/applicationset.yaml")) rmSync(path.join(dir, ".git/objects", oid.slice(0, 2), oid.slice(2)), { force: true });
        const r = await run(["diff", "--against", "main", "--format", "json"], dir);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ added: 0, changed: 1, removed: 0, ...CHANGED_JSON });
        // The one that differs is read: missing, it is the repository's state to fix (74).
        const oid = ids.get("_argocd/applicationset.yaml")!;
        rmSync(path.join(dir, ".git/objects", oid.slice(0, 2), oid.slice(2)));
        const broken = await run(["diff", "--against", "main", "--format", "json"], dir);
        expect(broken).toEqual({
          code: 74,
          stdout: "",
          stderr: `paodin-fleet: --against: git has no object ${oid} of the committed tree (a shallow or partial clone?); fetch it, then run diff again\n`,
        });
      } finally {
        cleanup();
      }
    });
  }

  it("links and submodules committed in the output directory are not files: they read as empty, and are kept", async () => {
    const { dir, cleanup } = committed("sha1");
    try {
      // A link whose target reads like a generated file, and a submodule whose commit is not in the repository.
      symlinkSync("# Generated by paodin-fleet, or so it says", path.join(dir, "overlays/odd-link"));
      git(dir, "add", "overlays/odd-link");
      git(dir, "update-index", "--add", "--cacheinfo", `160000,${"1".repeat(40)},overlays/module`);
      git(dir, "commit", "-qm", "odd entries");
      const r = await run(["diff", "--against", "HEAD", "--format", "json"], dir);
      expect(r.stderr).toBe("");
      expect(JSON.parse(r.stdout)).toMatchObject({ added: 0, changed: 1, removed: 0, ...CHANGED_JSON });
    } finally {
      cleanup();
    }
  });

  it("an output directory committed as a file: nothing of it is the output's, every rendered file is added", async () => {
    const { dir, cleanup } = committed("sha1");
    try {
      git(dir, "rm", "-rqf", "overlays");
      writeFileSync(path.join(dir, "overlays"), "not a directory\n");
      git(dir, "add", "overlays");
      git(dir, "commit", "-qm", "overlays as a file");
      rmSync(path.join(dir, "overlays"));
      const r = await run(["diff", "--against", "HEAD", "--format", "json"], dir);
      expect(r.stderr).toBe("");
      expect(JSON.parse(r.stdout)).toMatchObject({ added: 30, changed: 0, removed: 0 });
    } finally {
      cleanup();
    }
  });

  it("a ref that reads as an option is no ref", async () => {
    const { dir, cleanup } = committed("sha1");
    try {
      for (const ref of ["-q", "--all", "--git-dir"]) {
        const r = await run(["diff", `--against=${ref}`], dir);
        expect(r, ref).toEqual({ code: 64, stdout: "", stderr: `paodin-fleet: --against ${ref} is neither a directory nor a git ref\nRun \`paodin-fleet --help\` for usage.\n` });
      }
    } finally {
      cleanup();
    }
  });
});

/** A zombie: a process that has exited and that its parent (a `sleep`) never reaps. */
async function zombie(): Promise<{ pid: number; end: () => void }> {
  const { spawn } = await import("node:child_process");
  const parent = spawn("sh", ["-c", "true & echo $!; exec sleep 30"], { stdio: ["ignore", "pipe", "ignore"] });
  const pid = await new Promise<number>((resolve) => parent.stdout.once("data", (d: Buffer) => resolve(Number(String(d).trim()))));
  for (let i = 0; i < 200; i++) {
    try {
      const st = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (st.slice(st.lastIndexOf(")") + 2).startsWith("Z")) break;
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { pid, end: () => parent.kill("SIGKILL") };
}

describe("the lock, more", () => {
  const since = "2026-01-01T00:00:00.000Z";

  it("held by a process that has exited but is not yet reaped (a zombie): taken over; its prepared lock removed", async () => {
    const z = await zombie();
    const { dir, cleanup } = stale();
    try {
      lockHeldBy(dir, `${z.pid}-abcd`, { pid: z.pid, host: hostname(), since });
      treeAt(dir, `${WORK}/lock-${z.pid}-beef`, new Map([[`${z.pid}-beef`, "{}\n"]]));
      const r = await run(["render"], dir);
      expect(r).toEqual({
        code: 0,
        stdout: RENDERED,
        stderr: `paodin-fleet: took over the lock of overlays/ from a render that no longer runs (pid ${z.pid}, since ${since})\n` + removedNote(z.pid, `${WORK}/lock-${z.pid}-beef`, 1),
      });
      expect(leftovers(dir)).toEqual([]);
    } finally {
      z.end();
      cleanup();
    }
  });

  it("the lock's rename fails as if the work directory was removed meanwhile (ENOENT) or the lock was held (EEXIST, ENOTEMPTY): tried again", async () => {
    for (const code of ["ENOENT", "EEXIST", "ENOTEMPTY"]) {
      const { dir, cleanup } = stale();
      try {
        expect(await run(["render"], dir, { PAODIN_FLEET_FAULTS: `${code}@rename#1` }), code).toEqual({ code: 0, stdout: RENDERED, stderr: "" });
        expect(leftovers(dir)).toEqual([]);
      } finally {
        cleanup();
      }
    }
    // Always ENOENT: given up after many tries, as the bug it would be.
    const { dir, cleanup } = stale();
    try {
      const r = await run(["render"], dir, { PAODIN_FLEET_FAULTS: "ENOENT@rename~lock-" });
      expect(r.code).toBe(70);
      expect(r.stderr.split("\n")[0]).toMatch(new RegExp(`^paodin-fleet: internal error \\(a bug in paodin-fleet, not in your fleet\\): ENOENT: injected fault, rename '${esc(path.join(dir, WORK))}/lock-${STAMP}'$`));
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it("a stale lock that cannot be removed is held all the same: given up after the timeout, the holder named", async () => {
    const { WorkDir, lockOutput } = await import("../src/output/workdir.js");
    const { writerFsFor } = await import("../src/output/faults.js");
    const { dir, cleanup } = copy();
    try {
      lockHeldBy(dir, `${DEAD}-abcd`, { pid: DEAD, host: hostname(), since });
      const fs = writerFsFor({ PAODIN_FLEET_FAULTS: "EIO@unlink~/lock/" });
      await expect(lockOutput(new WorkDir(path.join(dir, "overlays"), fs), fs, { timeoutMs: 100, pollMs: 5, show: (p) => path.relative(dir, p) })).rejects.toThrow(
        `overlays/ is locked by paodin-fleet (pid ${DEAD} on ${hostname()}, since ${since}): gave up waiting after 0 s`,
      );
      expect(readdirSync(path.join(dir, WORK, "lock"))).toEqual([`${DEAD}-abcd`]);
      // Removed meanwhile by another render taking it over: this one gets it next.
      const gone = writerFsFor({ PAODIN_FLEET_FAULTS: "ENOENT@unlink#1" });
      const lock = await lockOutput(new WorkDir(path.join(dir, "overlays"), gone), gone, { timeoutMs: 2000, pollMs: 5 });
      expect(lock.tookOver).toEqual([{ pid: DEAD, host: hostname(), since }]);
      expect(lock.release()).toEqual([]);
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it("something else where the work directory, its .gitignore or its lock go: named, exit 74, overlays/ and it left as they were", async () => {
    const cases: [string, (work: string) => void, string][] = [
      [WORK, (w) => writeFileSync(w, "mine\n"), "a file, where paodin-fleet keeps its work directory"],
      [WORK, (w) => symlinkSync("elsewhere", w), "a link, where paodin-fleet keeps its work directory"],
      [`${WORK}/.gitignore`, (w) => mkdirSync(path.join(w, ".gitignore/mine"), { recursive: true }), "a directory, where paodin-fleet keeps the .gitignore of its work directory (a file)"],
      [`${WORK}/.gitignore`, (w) => (mkdirSync(w), execFileSync("mkfifo", [path.join(w, ".gitignore")])), "a special file, where paodin-fleet keeps the .gitignore of its work directory (a file)"],
      [`${WORK}/lock`, (w) => (mkdirSync(w), writeFileSync(path.join(w, "lock"), "")), "a file, where paodin-fleet keeps its lock (a directory)"],
      [`${WORK}/lock`, (w) => (mkdirSync(w), symlinkSync("/", path.join(w, "lock"))), "a link, where paodin-fleet keeps its lock (a directory)"],
    ];
    for (const [what, put, said] of cases) {
      const { dir, cleanup } = stale();
      try {
        put(path.join(dir, WORK));
        const there = entriesOf(dir);
        // A fifo would block a read of it: the checks look before they read.
        for (const argv of [["render"], ["render", "--check"], ["diff"]]) {
          const r = await run(argv, dir);
          expect(r, `${said}: ${argv.join(" ")}`).toEqual({ code: 74, stdout: "", stderr: `paodin-fleet: ${what} is ${said}; move it away (overlays/ is unchanged)\n` });
        }
        expect(entriesOf(dir), said).toEqual(there);
      } finally {
        cleanup();
      }
    }
  });

  it("a work directory cut short that holds nothing but its .gitignore goes without a word", async () => {
    const { dir, cleanup } = copy();
    try {
      treeAt(dir, `${WORK}-gone-${DEAD}-abcd`, new Map([[".gitignore", "*\n"], ["lock/.gitignore", "*\n"]]));
      expect(await run(["render", "--check"], dir)).toEqual({ code: 0, stdout: UP_TO_DATE, stderr: "" });
      expect(leftovers(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });
});

describe("a failed render's own clean-up", () => {
  it("a new tree it cannot remove after a failure: the failure is reported, not the clean-up; the next render removes it", async () => {
    const { dir, cleanup } = stale();
    try {
      const r = await run(["render"], dir, { PAODIN_FLEET_FAULTS: "ENOSPC@writeFile~paodin-fleet-new,EIO@rmdir~paodin-fleet-new" });
      failedWith(r, `cannot write ${NEW}/_argocd/applicationset\\.yaml: no space left on the device \\(ENOSPC\\); overlays/ is unchanged`);
      expect(tree(dir)).toEqual(old);
      const [left] = readdirSync(path.join(dir, WORK)).filter((n) => n !== ".gitignore");
      expect(left).toMatch(new RegExp(`^paodin-fleet-new-${STAMP}$`));
      const again = await run(["render"], dir);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(RENDERED);
      expect(leftovers(dir)).toEqual([]);
      // Not a failure of the environment: the bug is reported.
      bumpFleet(dir, "v3");
      const bug = await run(["render"], dir, { PAODIN_FLEET_FAULTS: "ENOSPC@writeFile~paodin-fleet-new,EINVAL@rmdir~paodin-fleet-new" });
      expect(bug.code).toBe(70);
      expect(bug.stderr.split("\n")[0]).toMatch(new RegExp(`^paodin-fleet: internal error \\(a bug in paodin-fleet, not in your fleet\\): EINVAL: injected fault, rmdir '${esc(path.join(dir, WORK))}/paodin-fleet-new-${STAMP}/_argocd'$`));
    } finally {
      cleanup();
    }
  });

  it("into an output directory whose parent does not exist yet: made, and nothing else left", async () => {
    const { dir, cleanup } = copy();
    try {
      expect(await run(["render", "--out", "build/overlays"], dir)).toEqual({ code: 0, stdout: "Rendered 3 clusters into build/overlays/: 30 added, 0 changed, 0 removed.\n", stderr: "" });
      expect(readTreeSync(path.join(dir, "build/overlays"))).toEqual(old);
      expect(readdirSync(path.join(dir, "build"))).toEqual(["overlays"]);
      rmSync(path.join(dir, "build"), { recursive: true });
      // The parent cannot be made; or it can, and then the work directory cannot.
      for (const faults of ["EROFS@mkdir#2", "EROFS@mkdir#3"]) {
        failedWith(await run(["render", "--out", "build/overlays"], dir, { PAODIN_FLEET_FAULTS: faults }), esc("cannot lock build/overlays/: cannot write build/.overlays.paodin-fleet: read-only file system (EROFS); build/overlays/ is unchanged"));
        expect(existsSync(path.join(dir, "build/overlays"))).toBe(false);
      }
    } finally {
      cleanup();
    }
  });
});

describe("diff --against a git ref, the directory compared", () => {
  it("the whole repository (--out .), from its root or from a project in a subdirectory", async () => {
    const { dir, cleanup } = committed("sha1");
    const outer = testdir();
    try {
      const r = JSON.parse((await run(["diff", "--against", "HEAD", "--out", ".", "--format", "json"], dir)).stdout) as { added: number; removed: number; changed: number };
      // overlays/… (generated) would be pruned, clusters/… (not generated) kept, and every rendered file added at the top.
      expect([r.added, r.changed, r.removed]).toEqual([30, 0, 24]);
      cpSync(dir, path.join(outer.dir, "sub"), { recursive: true });
      rmSync(path.join(outer.dir, "sub", ".git"), { recursive: true });
      git(outer.dir, "init", "-q", "-b", "main");
      git(outer.dir, "add", "-A");
      git(outer.dir, "commit", "-qm", "base");
      const sub = JSON.parse((await run(["diff", "--against", "HEAD", "--out", ".", "--format", "json"], path.join(outer.dir, "sub"))).stdout) as typeof r;
      expect([sub.added, sub.changed, sub.removed]).toEqual([30, 0, 24]);
      const above = await run(["diff", "--against", "HEAD", "--out", ".."], dir);
      expect(above.code).toBe(64);
      expect(above.stderr).toBe(`paodin-fleet: --against a git ref: ${path.dirname(dir)} is not inside the git repository\nRun \`paodin-fleet --help\` for usage.\n`);
    } finally {
      outer.cleanup();
      cleanup();
    }
  });
});
