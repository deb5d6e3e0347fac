import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exampleFleet, readTreeSync, run } from "./helpers/cli.js";
import { BIN, canMount, sh } from "./helpers/processes.js";

/**
 * Failures of the machine, not of the fleet: a full disk, a read-only project, a mount point
 * as the output directory, directories another user owns. Each is one line naming the path and
 * the cause, exit 74, no stack trace, and the output as it was. They use real file systems
 * (tmpfs, read-only bind mounts) where this machine lets the suite mount them, and a real
 * unprivileged user (nobody) where it runs as root; where it cannot, the test says so and is
 * skipped (the same failures are injected at every step in test/faults.test.ts).
 */
const MOUNT = canMount();
const ROOT = process.getuid?.() === 0;
if (!MOUNT) console.warn("environment.test.ts: cannot mount file systems here; the tmpfs and bind-mount cases are skipped");
if (!ROOT) console.warn("environment.test.ts: not root; the cases that run as another user are skipped");

const changeRevision = (dir: string, to: string): void => {
  const file = path.join(dir, "clusters/fleet.yaml");
  writeFileSync(file, exampleFleet()["clusters/fleet.yaml"]!.replace("targetRevision: main", `targetRevision: ${to}`));
};

/** A project on a file system of its own: `mount` is called on `dir` by the test. */
function project(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "paodin-fleet-env-"));
  return {
    dir,
    cleanup: () => {
      for (let i = 0; i < 3 && spawnSync("mountpoint", ["-q", dir]).status === 0; i++) spawnSync("umount", [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function writeFleet(dir: string, files: Record<string, string> = exampleFleet()): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
}

/** What the project holds besides the fleet and its rendering. */
const extra = (dir: string): string[] => readdirSync(dir).filter((n) => !["clusters", "overlays", "lost+found"].includes(n));

const oneLine = (stderr: string): void => {
  expect(stderr.split("\n").filter((l) => l !== "")).toHaveLength(1);
  expect(stderr).not.toMatch(/internal error|^\s+at /m);
};

describe.skipIf(!MOUNT)("on real file systems", () => {
  it("a full disk (a small tmpfs): exit 74 naming the file and ENOSPC, the old tree kept, nothing left", async () => {
    const { dir, cleanup } = project();
    try {
      sh("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", dir]);
      writeFleet(dir);
      expect((await run(["render"], dir)).code).toBe(0);
      const before = readTreeSync(path.join(dir, "overlays"));
      // Every file's header names clusters/fleet.yaml: renaming it rewrites every file. Then
      // the disk is filled to within a few pages of full.
      const { renameSync } = await import("node:fs");
      renameSync(path.join(dir, "clusters/fleet.yaml"), path.join(dir, "clusters/the-fleet.yaml"));
      const { bavail, bsize } = statfsSync(dir);
      const filler = path.join(dir, "filler");
      try {
        writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 3 * bsize)));
      } catch {
        // Full already.
      }
      const r = await run(["render"], dir);
      expect(r.code, r.stderr).toBe(74);
      oneLine(r.stderr);
      expect(r.stderr).toMatch(/^paodin-fleet: cannot (write|lock|make) .*: no space left on the device \(ENOSPC\); overlays\/ is unchanged\n$/);
      expect(readTreeSync(path.join(dir, "overlays"))).toEqual(before);
      expect(extra(dir)).toEqual(["filler"]);
      rmSync(filler);
      const again = await run(["render"], dir);
      expect(again.code, again.stderr).toBe(0);
      expect(extra(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it("a read-only project: render exits 74 with EROFS; --check still reads it", async () => {
    const { dir, cleanup } = project();
    try {
      writeFleet(dir);
      expect((await run(["render"], dir)).code).toBe(0);
      changeRevision(dir, "ro");
      sh("mount", ["--bind", dir, dir]);
      sh("mount", ["-o", "remount,bind,ro", dir]);
      const before = readTreeSync(path.join(dir, "overlays"));
      const r = await run(["render"], dir);
      expect(r.code, r.stderr).toBe(74);
      oneLine(r.stderr);
      expect(r.stderr).toBe("paodin-fleet: cannot lock overlays/: cannot write .overlays.paodin-fleet: read-only file system (EROFS); overlays/ is unchanged\n");
      expect(readTreeSync(path.join(dir, "overlays"))).toEqual(before);
      const check = await run(["render", "--check"], dir);
      expect(check.code, check.stderr).toBe(2);
      expect(check.stdout).toContain("  ~ overlays/_argocd/applicationset.yaml\n");
      expect(check.stderr).toBe("");
    } finally {
      cleanup();
    }
  });

  for (const [kind, mount] of [
    ["a read-only bind mount", (src: string, at: string) => (sh("mount", ["--bind", src, at]), sh("mount", ["-o", "remount,bind,ro", at]))],
    ["a tmpfs", (src: string, at: string) => (sh("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", at]), cpSync(src, at, { recursive: true }))],
  ] as const) {
    it(`overlays/ on ${kind} (a mount point): exit 74 saying so, before anything is written`, async () => {
      const { dir, cleanup } = project();
      const src = mkdtempSync(path.join(tmpdir(), "paodin-fleet-src-"));
      try {
        writeFleet(dir);
        expect((await run(["render"], dir)).code).toBe(0);
        cpSync(path.join(dir, "overlays"), src, { recursive: true });
        mount(src, path.join(dir, "overlays"));
        changeRevision(dir, "mounted");
        const before = readTreeSync(path.join(dir, "overlays"));
        const r = await run(["render"], dir);
        expect(r.code, r.stderr).toBe(74);
        oneLine(r.stderr);
        expect(r.stderr).toBe(
          "paodin-fleet: overlays/ is a mount point: a render replaces the directory whole, by renaming it, which cannot be done to a mount point; mount the directory above it instead, or render into a directory inside it (--out overlays/fleet); overlays/ is unchanged\n",
        );
        expect(readTreeSync(path.join(dir, "overlays"))).toEqual(before);
        expect(extra(dir)).toEqual([]);
        // Reading it is fine.
        expect((await run(["render", "--check"], dir)).code).toBe(2);
      } finally {
        spawnSync("umount", [path.join(dir, "overlays")]);
        cleanup();
        rmSync(src, { recursive: true, force: true });
      }
    });
  }
});

describe.skipIf(!MOUNT)("init on real file systems", () => {
  /** Fills the file system of `dir` to within `pages` pages of full. */
  const fill = (dir: string, pages: number): void => {
    const { bavail, bsize } = statfsSync(dir);
    writeFileSync(path.join(dir, "filler"), Buffer.alloc(Math.max(0, (bavail - pages) * bsize)));
  };
  const NEW = ["clusters/", ".github/workflows/paodin-fleet.yml", ".gitlab-ci.yml"].join(", ");

  it("a full disk at package.json: exit 74 naming it and what init wrote before; the package.json that was there kept whole", async () => {
    const { dir, cleanup } = project();
    try {
      sh("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir]);
      // Far more pages than are left once the fleet's files (a page each) are written.
      const mine = `${JSON.stringify({ name: "mine", description: "x".repeat(100_000) }, null, 4)}\n`;
      writeFileSync(path.join(dir, "package.json"), mine);
      fill(dir, 12);
      const r = await run(["init"], dir);
      expect(r).toEqual({
        code: 74,
        stdout: "",
        stderr: `paodin-fleet: cannot write package.json: no space left on the device (ENOSPC)\ninit wrote ${NEW} before that, and nothing else: remove ${NEW}, then run init again once that is fixed\n`,
      });
      expect(readFileSync(path.join(dir, "package.json"), "utf8")).toBe(mine);
      expect(readdirSync(dir).sort()).toEqual([".github", ".gitlab-ci.yml", "clusters", "filler", "package.json"]);
      // Done as it says: init runs through.
      rmSync(path.join(dir, "filler"));
      for (const f of ["clusters", ".github", ".gitlab-ci.yml"]) rmSync(path.join(dir, f), { recursive: true });
      const again = await run(["init"], dir);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"))).toMatchObject({ name: "mine", scripts: { render: "paodin-fleet render" } });
    } finally {
      cleanup();
    }
  });

  it("a full disk at a fleet file: the file cut short removed, the complete ones named; a read-only directory: init wrote nothing", async () => {
    const { dir, cleanup } = project();
    try {
      sh("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir]);
      fill(dir, 2);
      const r = await run(["init"], dir);
      expect(r.code).toBe(74);
      expect(r.stderr).toMatch(/^paodin-fleet: cannot write clusters\/[a-z0-9-]+\.yaml: no space left on the device \(ENOSPC\)\ninit wrote clusters\/ before that, and nothing else: remove clusters\/, then run init again once that is fixed\n$/);
      expect(readdirSync(dir).sort()).toEqual(["clusters", "filler"]);
      const left = readTreeSync(path.join(dir, "clusters"));
      expect(left.size).toBe(2);
      rmSync(path.join(dir, "filler"));
      rmSync(path.join(dir, "clusters"), { recursive: true });
      expect((await run(["init"], dir)).code).toBe(0);
      const whole = readTreeSync(path.join(dir, "clusters"));
      for (const [f, text] of left) expect(text, f).toBe(whole.get(f));
    } finally {
      cleanup();
    }
    const ro = project();
    try {
      sh("mount", ["--bind", ro.dir, ro.dir]);
      sh("mount", ["-o", "remount,bind,ro", ro.dir]);
      expect(await run(["init"], ro.dir)).toEqual({
        code: 74,
        stdout: "",
        stderr: "paodin-fleet: cannot write clusters/fleet.yaml: read-only file system (EROFS)\ninit wrote nothing: run init again once that is fixed\n",
      });
      expect(readdirSync(ro.dir)).toEqual([]);
    } finally {
      ro.cleanup();
    }
  });
});

/** The bin as the unprivileged user nobody, for whom permissions hold. */
function asNobody(args: readonly string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, uid: 65534, gid: 65534, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => void (stdout += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => void (stderr += d.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Whether nobody can run the bin where this checkout lives (a clone under a 0700 directory,
 * as `mktemp -d` makes it, is out of its reach): the suite needs it, and says so when it skips.
 */
const NOBODY_CAN_RUN =
  ROOT && spawnSync(process.execPath, ["-e", `require("fs").accessSync(${JSON.stringify(BIN)}, require("fs").constants.R_OK)`], { uid: 65534, gid: 65534 }).status === 0;

describe.skipIf(!NOBODY_CAN_RUN)(`as an unprivileged user${ROOT && !NOBODY_CAN_RUN ? " [skipped: nobody cannot read this checkout's bin]" : ""}`, () => {
  function nobodysProject(): { dir: string; cleanup: () => void } {
    const dir = mkdtempSync(path.join(tmpdir(), "paodin-fleet-nobody-"));
    writeFleet(dir);
    chmodSync(dir, 0o777);
    for (const d of [dir, path.join(dir, "clusters")]) chownSync(d, 65534, 65534);
    for (const f of readdirSync(path.join(dir, "clusters"))) chownSync(path.join(dir, "clusters", f), 65534, 65534);
    return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }

  it("a read-only directory of its own in the old tree is made writable to be removed: the render succeeds, nothing is left", async () => {
    const { dir, cleanup } = nobodysProject();
    try {
      expect((await asNobody(["render"], dir)).code).toBe(0);
      chmodSync(path.join(dir, "overlays/host"), 0o555);
      chmodSync(path.join(dir, "overlays"), 0o555);
      changeRevision(dir, "v2");
      const r = await asNobody(["render"], dir);
      expect(r, r.stderr).toMatchObject({ code: 0, stdout: "Rendered 3 clusters into overlays/: 0 added, 1 changed, 0 removed.\n", stderr: "" });
      expect(extra(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it("a directory of someone else's that it cannot empty: exit 74 before the swap, the old tree kept", async () => {
    const { dir, cleanup } = nobodysProject();
    try {
      expect((await asNobody(["render"], dir)).code).toBe(0);
      const host = path.join(dir, "overlays/host");
      chownSync(host, 0, 0);
      chmodSync(host, 0o755);
      changeRevision(dir, "v2");
      const before = readTreeSync(path.join(dir, "overlays"));
      const r = await asNobody(["render"], dir);
      expect(r.code, r.stderr).toBe(74);
      oneLine(r.stderr);
      expect(r.stderr).toBe("paodin-fleet: cannot replace overlays/host: permission denied (EACCES); overlays/ is unchanged\n");
      expect(readTreeSync(path.join(dir, "overlays"))).toEqual(before);
      expect(extra(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it("a project it cannot write to: exit 74 with EACCES; --check still works", async () => {
    const { dir, cleanup } = nobodysProject();
    try {
      expect((await asNobody(["render"], dir)).code).toBe(0);
      chownSync(dir, 0, 0);
      chmodSync(dir, 0o755);
      changeRevision(dir, "v2");
      const r = await asNobody(["render"], dir);
      expect(r.code, r.stderr).toBe(74);
      oneLine(r.stderr);
      expect(r.stderr).toBe("paodin-fleet: cannot lock overlays/: cannot write .overlays.paodin-fleet: permission denied (EACCES); overlays/ is unchanged\n");
      expect((await asNobody(["render", "--check"], dir)).code).toBe(2);
      expect(extra(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });
});
