import { chownSync, existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OutputSession } from "../src/output/session.js";
import { FileComparer } from "../src/output/tree.js";
import { lockOutput, recoverInterrupted, WorkDir } from "../src/output/workdir.js";
import { makeDirs, MUTATING, nodeFs, removeTree, type WriterFs } from "../src/output/write.js";
import { testdir } from "./helpers/cli.js";

/**
 * What the output stage meets from other processes and from permissions: another render removing
 * the same leftovers at the same time, a file that replaced a directory, a directory the user
 * made read-only, a lock directory of another user's. Real concurrent renders meet these in
 * faults.test.ts, and a real unprivileged user in environment.test.ts (both in processes of
 * their own); here each is made to happen at one exact call, in-process, with the files on disk
 * changed just as the other process would have changed them.
 */

type Op = keyof WriterFs;

interface Trap {
  readonly op: Op;
  /** The call's (first) path, relative to the test's directory. */
  readonly at: string;
  readonly code: string;
  /** What the other process does just before the call fails. */
  readonly meanwhile?: () => void;
  /** How many calls fail (default: the first only). */
  readonly times?: number;
}

/** The real calls, but the trapped ones fail; `calls` lists the calls that change something (`op path [mode]`). */
function scripted(root: string, traps: readonly Trap[]): { fs: WriterFs; calls: string[] } {
  const calls: string[] = [];
  const left = traps.map((t) => t.times ?? 1);
  const rel = (p: unknown) => path.relative(root, String(p));
  const fs = { ...nodeFs } as Record<Op, (...args: unknown[]) => unknown>;
  for (const op of Object.keys(nodeFs) as Op[]) {
    const real = nodeFs[op] as (...args: unknown[]) => unknown;
    fs[op] = (...args: unknown[]) => {
      if ((MUTATING as readonly string[]).includes(op)) calls.push([op, rel(args[0]), ...(op === "chmod" ? [(args[1] as number).toString(8)] : [])].join(" "));
      const i = traps.findIndex((t, j) => t.op === op && t.at === rel(args[0]) && left[j]! > 0);
      if (i >= 0) {
        left[i]!--;
        traps[i]!.meanwhile?.();
        throw Object.assign(new Error(`${traps[i]!.code}: injected, ${op} '${String(args[0])}'`), { code: traps[i]!.code, syscall: op, path: String(args[0]) });
      }
      return real(...args);
    };
  }
  return { fs: fs as unknown as WriterFs, calls };
}

function files(root: string, entries: Record<string, string>): void {
  for (const [rel, content] of Object.entries(entries)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0)) c();
});
function dir(): string {
  const t = testdir();
  cleanups.push(t.cleanup);
  return t.dir;
}

describe("removing a tree that another render removes at the same time, or that the user made read-only", () => {
  const tree = { "t/a/x": "1", "t/b/y": "2", "t/c/z": "3", "t/w": "4" };

  it("a directory gone before it is listed, a file gone before it is removed, the tree itself gone before its rmdir: no error, and only what it removed is counted", () => {
    const d = dir();
    files(d, tree);
    const { fs } = scripted(d, [
      { op: "readdir", at: "t/a", code: "ENOENT", meanwhile: () => rmSync(path.join(d, "t/a"), { recursive: true }) },
      { op: "unlink", at: "t/c/z", code: "ENOENT", meanwhile: () => rmSync(path.join(d, "t/c/z")) },
      { op: "rmdir", at: "t", code: "ENOENT", meanwhile: () => rmdirSync(path.join(d, "t")) },
    ]);
    expect(removeTree(fs, path.join(d, "t"))).toBe(2);
    expect(readdirSync(d)).toEqual([]);
  });

  it("a file where a directory was listed (ENOTDIR: it replaced the directory meanwhile) is removed as a file, and counted", () => {
    const d = dir();
    files(d, tree);
    const b = path.join(d, "t/b");
    const { fs, calls } = scripted(d, [{ op: "readdir", at: "t/b", code: "ENOTDIR", meanwhile: () => (rmSync(b, { recursive: true }), writeFileSync(b, "")) }]);
    expect(removeTree(fs, path.join(d, "t"))).toBe(4);
    expect(calls).toContain("unlink t/b");
    expect(readdirSync(d)).toEqual([]);
  });

  it.each(["EACCES", "EPERM"])("a read-only directory of the user's (%s on a file in it, or EACCES listing it): made writable (0700) once, then emptied", (code) => {
    const d = dir();
    files(d, tree);
    const { fs, calls } = scripted(d, [
      { op: "unlink", at: "t/c/z", code },
      { op: "readdir", at: "t/a", code: "EACCES" },
    ]);
    expect(removeTree(fs, path.join(d, "t"))).toBe(4);
    expect(calls.filter((c) => c.startsWith("chmod")).sort()).toEqual(["chmod t/a 700", "chmod t/c 700"]);
    expect(calls.filter((c) => c === "unlink t/c/z")).toHaveLength(2);
    expect(readdirSync(d)).toEqual([]);
  });

  it.each([
    ["readdir", "t/a"],
    ["unlink", "t/c/z"],
    ["rmdir", "t/b"],
  ] as const)("any other failure (EIO at %s %s) is thrown, what is left stays", (op, at) => {
    const d = dir();
    files(d, tree);
    const { fs } = scripted(d, [{ op, at, code: "EIO" }]);
    expect(() => removeTree(fs, path.join(d, "t"))).toThrow(`EIO: injected, ${op} '${path.join(d, at)}'`);
    expect(existsSync(path.join(d, "t"))).toBe(true);
  });

  it("a work directory's .gitignore goes last, whatever order the directory lists", () => {
    const d = dir();
    files(d, { "t/.gitignore": "*\n", "t/z": "", "t/a": "", "t/m/x": "" });
    const { fs, calls } = scripted(d, []);
    expect(removeTree(fs, path.join(d, "t"), ".gitignore")).toBe(4);
    expect(calls.filter((c) => c.startsWith("unlink")).at(-1)).toBe("unlink t/.gitignore");
    expect(calls.at(-1)).toBe("rmdir t");
  });
});

describe("making directories that another render makes at the same time", () => {
  it("a directory made by another between this one's two tries is not an error; `made` lists only what this one made", () => {
    const d = dir();
    const { fs } = scripted(d, [{ op: "mkdir", at: "p/q", code: "ENOENT" }, { op: "mkdir", at: "p/q", code: "EEXIST", meanwhile: () => mkdirSync(path.join(d, "p/q")) }]);
    const made: string[] = [];
    makeDirs(fs, path.join(d, "p/q"), made);
    expect(made).toEqual([path.join(d, "p")]);
    expect(existsSync(path.join(d, "p/q"))).toBe(true);
  });

  it("any other failure of the second try is thrown as itself (EROFS)", () => {
    const d = dir();
    const { fs } = scripted(d, [{ op: "mkdir", at: "p/q", code: "ENOENT" }, { op: "mkdir", at: "p/q", code: "EROFS" }]);
    expect(() => makeDirs(fs, path.join(d, "p/q"))).toThrow(`EROFS: injected, mkdir '${path.join(d, "p/q")}'`);
  });
});

describe("the work directory removed by another render at the same time", () => {
  const work = (d: string, fs: WriterFs) => new WorkDir(path.join(d, "overlays"), fs);

  it("gone before it is listed, or before it is renamed aside: removed, as far as this render is concerned", () => {
    const d = dir();
    files(d, { ".overlays.paodin-fleet/.gitignore": "*\n" });
    const gone = () => rmSync(path.join(d, ".overlays.paodin-fleet"), { recursive: true });
    expect(work(d, scripted(d, [{ op: "readdir", at: ".overlays.paodin-fleet", code: "ENOENT", meanwhile: gone }]).fs).removeIfIdle()).toBe(true);
    files(d, { ".overlays.paodin-fleet/.gitignore": "*\n" });
    expect(work(d, scripted(d, [{ op: "rename", at: ".overlays.paodin-fleet", code: "ENOENT", meanwhile: gone }]).fs).removeIfIdle()).toBe(true);
    expect(readdirSync(d)).toEqual([]);
  });

  it("any other failure listing or renaming it is thrown, and it stays", () => {
    const d = dir();
    files(d, { ".overlays.paodin-fleet/.gitignore": "*\n" });
    for (const op of ["readdir", "rename"] as const) {
      expect(() => work(d, scripted(d, [{ op, at: ".overlays.paodin-fleet", code: "EIO" }]).fs).removeIfIdle()).toThrow("EIO: injected");
      expect(readdirSync(d)).toEqual([".overlays.paodin-fleet"]);
    }
  });
});

describe("the lock, against other processes", () => {
  const since = "2026-01-01T00:00:00.000Z";
  const hold = (d: string, pid: number): void => files(d, { [`.overlays.paodin-fleet/lock/${pid}-abcd`]: `${JSON.stringify({ pid, host: hostname(), since })}\n` });
  const take = (d: string, fs: WriterFs, timeoutMs = 2000) => lockOutput(new WorkDir(path.join(d, "overlays"), fs), fs, { timeoutMs, pollMs: 1, show: (p) => path.relative(d, p) });

  it("released between this render's try and its look at the holder: taken on the next try", async () => {
    const d = dir();
    hold(d, 99999);
    const lockDir = path.join(d, ".overlays.paodin-fleet/lock");
    const { fs } = scripted(d, [{ op: "readdir", at: ".overlays.paodin-fleet/lock", code: "ENOENT", meanwhile: () => rmSync(lockDir, { recursive: true }) }]);
    const lock = await take(d, fs);
    expect(lock.tookOver).toEqual([]);
    expect(lock.release()).toEqual([]);
    expect(readdirSync(d)).toEqual([]);
  });

  it("a lock directory it cannot list (another user's): held by someone unknown, given up after the timeout", async () => {
    const d = dir();
    hold(d, 99999);
    const { fs } = scripted(d, [{ op: "readdir", at: ".overlays.paodin-fleet/lock", code: "EACCES", times: Infinity }]);
    await expect(take(d, fs, 50)).rejects.toThrow(/^overlays\/ is locked by another paodin-fleet: gave up waiting after 0 s; if no render runs .*, remove \.overlays\.paodin-fleet\/lock$/);
    expect(readdirSync(path.join(d, ".overlays.paodin-fleet"))).toEqual([".gitignore", "lock"]);
  });

  it("held by a process of another user's (kill answers EPERM): it runs, so the lock is waited for, never taken over", async () => {
    const d = dir();
    hold(d, 99999);
    const kill = process.kill.bind(process);
    vi.spyOn(process, "kill").mockImplementation((pid, signal) => {
      if (pid === 99999 && signal === 0) throw Object.assign(new Error("kill EPERM"), { code: "EPERM" });
      return kill(pid, signal);
    });
    await expect(take(d, nodeFs, 50)).rejects.toThrow(`overlays/ is locked by paodin-fleet (pid 99999 on ${hostname()}, since ${since}): gave up waiting after 0 s`);
  });

  it("a work directory removed under it at every try (another render releasing it, again and again): given up after 1000 tries, as the bug it would be, nothing left", async () => {
    const d = dir();
    const { fs, calls } = scripted(d, []);
    const always: WriterFs = { ...fs, rename: (a, b) => (path.basename(b) === "lock" ? raise("ENOENT", a) : fs.rename(a, b)) };
    let tries = 0;
    const counted: WriterFs = { ...always, rename: (a, b) => (path.basename(b) === "lock" && tries++, always.rename(a, b)) };
    await expect(take(d, counted)).rejects.toThrow(/^ENOENT: injected, rename '.*\/\.overlays\.paodin-fleet\/lock-\d+-[0-9a-f]{8}'$/);
    expect(tries).toBe(1000);
    expect(calls.filter((c) => c.startsWith("mkdir .overlays.paodin-fleet/lock-"))).toHaveLength(1);
    expect(readdirSync(d)).toEqual([]);
  });
});

function raise(code: string, p: string): never {
  throw Object.assign(new Error(`${code}: injected, rename '${p}'`), { code, syscall: "rename", path: p });
}

describe("what an interrupted render left, where another render is cleaning up too", () => {
  const show = (d: string) => (p: string) => path.relative(d, p);

  it("a work directory it cannot list, or a leftover gone before it is looked into: nothing to do, no error", () => {
    const d = dir();
    files(d, { "overlays/a": "", ".overlays.paodin-fleet/paodin-fleet-new-99999-abcd/x/y": "1" });
    const work = (fs: WriterFs) => new WorkDir(path.join(d, "overlays"), fs);
    expect(recoverInterrupted(work(scripted(d, [{ op: "readdir", at: ".overlays.paodin-fleet", code: "EIO" }]).fs), scripted(d, [{ op: "readdir", at: ".overlays.paodin-fleet", code: "EIO" }]).fs, show(d))).toEqual([]);
    const leftover = path.join(d, ".overlays.paodin-fleet/paodin-fleet-new-99999-abcd");
    const { fs } = scripted(d, [{ op: "readdir", at: ".overlays.paodin-fleet/paodin-fleet-new-99999-abcd", code: "ENOENT", meanwhile: () => rmSync(leftover, { recursive: true }) }]);
    expect(recoverInterrupted(work(fs), fs, show(d))).toEqual([]);
    expect(readdirSync(path.join(d, ".overlays.paodin-fleet"))).toEqual([]);
  });

  it("the count of files removed leaves out what the other render removed first", () => {
    const d = dir();
    files(d, { "overlays/a": "", ".overlays.paodin-fleet/paodin-fleet-new-99999-abcd/x": "1", ".overlays.paodin-fleet/paodin-fleet-new-99999-abcd/y": "2" });
    const y = path.join(d, ".overlays.paodin-fleet/paodin-fleet-new-99999-abcd/y");
    const { fs } = scripted(d, [{ op: "unlink", at: path.relative(d, y), code: "ENOENT", meanwhile: () => rmSync(y) }]);
    expect(recoverInterrupted(new WorkDir(path.join(d, "overlays"), fs), fs, show(d))).toEqual([
      "removed what a render that was interrupted (pid 99999) left behind: .overlays.paodin-fleet/paodin-fleet-new-99999-abcd (1 file)",
    ]);
  });
});

describe("an output tree the user made read-only, or that holds another user's directory", () => {
  const rendered = "# Generated by paodin-fleet";

  function project(d: string): { files: { path: string; content: string }[] } {
    files(d, { "overlays/host/a.yaml": `${rendered} x\n`, "overlays/host/b.yaml": `${rendered} x\n` });
    return { files: [{ path: "host/a.yaml", content: `${rendered} y\n` }, { path: "host/b.yaml", content: `${rendered} x\n` }] };
  }

  it("its own directories, read-only (EACCES for access W_OK): the output directory made writable (its mode | 0700) just before the swap, the render done", () => {
    const d = dir();
    const p = project(d);
    const { fs, calls } = scripted(d, [
      { op: "access", at: "overlays", code: "EACCES" },
      { op: "access", at: "overlays/host", code: "EACCES" },
    ]);
    const session = new OutputSession({ outDir: path.join(d, "overlays"), write: true, show: (q) => path.relative(d, q) }, fs);
    session.add(p.files);
    expect(session.finish()).toMatchObject({ changed: ["host/a.yaml"], notes: [] });
    const chmod = calls.findIndex((c) => c.startsWith("chmod overlays "));
    expect(calls[chmod]).toBe("chmod overlays 40755");
    expect(calls[chmod + 1]).toBe("rename overlays");
    expect(readdirSync(d)).toEqual(["overlays"]);
  });

  it("a file of the tree that cannot be read (EIO) after the scan: an environment error naming it, whether rendered or left over", () => {
    const d = dir();
    const p = project(d);
    const open = () => new OutputSession({ outDir: path.join(d, "overlays"), write: false, show: (q) => path.relative(d, q) }, nodeFs);
    const eio = (f: string) => Object.assign(new Error(`EIO: injected, open '${f}'`), { code: "EIO", syscall: "open", path: f });
    vi.spyOn(FileComparer.prototype, "same").mockImplementation((f) => {
      throw eio(f);
    });
    expect(() => open().add(p.files)).toThrow("cannot read overlays/host/a.yaml: input/output error (EIO); overlays/ is unchanged");
    vi.spyOn(FileComparer.prototype, "ours").mockImplementation((f) => {
      throw eio(f);
    });
    const leftover = open();
    expect(() => leftover.finish()).toThrow("cannot read overlays/host/a.yaml: input/output error (EIO); overlays/ is unchanged");
  });

  it("another user's directory it cannot write in: refused before anything is written, naming it", () => {
    const d = dir();
    const p = project(d);
    chownSync(path.join(d, "overlays/host"), 65534, 65534);
    const { fs, calls } = scripted(d, [{ op: "access", at: "overlays/host", code: "EACCES" }]);
    const open = () => new OutputSession({ outDir: path.join(d, "overlays"), write: true, show: (q) => path.relative(d, q) }, fs);
    expect(open).toThrow("cannot replace overlays/host: permission denied (EACCES); overlays/ is unchanged");
    expect(calls).toEqual([]);
    // Read-only on a read-only file system (EROFS): refused also when it is its own.
    const { fs: rofs } = scripted(d, [{ op: "access", at: "overlays", code: "EROFS" }]);
    expect(() => new OutputSession({ outDir: path.join(d, "overlays"), write: true, show: (q) => path.relative(d, q) }, rofs)).toThrow("cannot replace overlays: read-only file system (EROFS); overlays/ is unchanged");
    // --check writes nothing, and so asks nothing.
    expect(() => new OutputSession({ outDir: path.join(d, "overlays"), write: false }, fs)).not.toThrow();
    void p;
  });
});
