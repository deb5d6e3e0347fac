import * as sync from "node:fs";

/**
 * The file-system calls the output makes (the session, the lock, the clean-up of what an
 * interrupted render left), so that a test can make any of them fail, or kill the process at any
 * of them (see faults.ts). Synchronous: a render writes thousands of small files, which go
 * several times faster one after another than through libuv's thread pool.
 */
export interface WriterFs {
  // Calls that change the file system: each is a point where a fault can be injected.
  /** Without `recursive`, EEXIST when it exists (use `makeDirs`, which also reports EROFS as itself). */
  mkdir(p: string, opts?: { recursive: true }): unknown;
  writeFile(p: string, data: string): void;
  link(existing: string, created: string): void;
  copyFile(from: string, to: string): void;
  symlink(target: string, p: string): void;
  rename(from: string, to: string): void;
  unlink(p: string): void;
  rmdir(p: string): void;
  chmod(p: string, mode: number): void;
  // Calls that only read.
  lstat(p: string): sync.Stats;
  /** Throws (EACCES, EROFS) when this process may not write in `p`: access(2) with W_OK. */
  access(p: string): void;
  readlink(p: string): string;
  readdir(p: string): sync.Dirent[];
  readFile(p: string): string;
  exists(p: string): boolean;
}

export const nodeFs: WriterFs = {
  mkdir: (p, o) => sync.mkdirSync(p, o),
  writeFile: (p, d) => sync.writeFileSync(p, d),
  link: (a, b) => sync.linkSync(a, b),
  copyFile: (a, b) => sync.copyFileSync(a, b),
  symlink: (t, p) => sync.symlinkSync(t, p),
  rename: (a, b) => sync.renameSync(a, b),
  unlink: (p) => sync.unlinkSync(p),
  rmdir: (p) => sync.rmdirSync(p),
  chmod: (p, m) => sync.chmodSync(p, m),
  lstat: (p) => sync.lstatSync(p),
  access: (p) => sync.accessSync(p, sync.constants.W_OK),
  readlink: (p) => sync.readlinkSync(p),
  readdir: (p) => sync.readdirSync(p, { withFileTypes: true }),
  readFile: (p) => sync.readFileSync(p, "utf8"),
  exists: (p) => sync.existsSync(p),
};

/**
 * `mkdir -p`, one directory at a time: Node.js's recursive mkdir reports a read-only file system
 * (EROFS) as ENOENT, which would read as a bug.
 */
export function makeDirs(fs: WriterFs, dir: string, made: string[] = []): void {
  try {
    fs.mkdir(dir);
    made.push(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return;
    const parent = dir.slice(0, Math.max(dir.lastIndexOf("/"), 1));
    if (code !== "ENOENT" || parent === dir) throw e;
    makeDirs(fs, parent, made);
    try {
      fs.mkdir(dir);
      made.push(dir);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== "EEXIST") throw again;
    }
  }
}

/** The calls of `WriterFs` that change the file system. */
export const MUTATING = ["mkdir", "writeFile", "link", "copyFile", "symlink", "rename", "unlink", "rmdir", "chmod"] as const;

/**
 * Removes a tree file by file, deepest first, and the directory itself last; a directory that
 * refuses (EACCES: a read-only directory of the user's) is made writable and tried again.
 * Returns how many files it removed (not those another render removed first). `last` names an
 * entry of the top directory to remove after everything else (a work directory's `.gitignore`,
 * so that git ignores it to the end).
 */
export function removeTree(fs: WriterFs, dir: string, last?: string): number {
  let files = 0;
  const walk = (d: string, top: boolean): void => {
    let entries: sync.Dirent[];
    try {
      entries = fs.readdir(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return;
      if (code === "ENOTDIR") {
        fs.unlink(d);
        files++;
        return;
      }
      if (code !== "EACCES") throw e;
      fs.chmod(d, 0o700);
      entries = fs.readdir(d);
    }
    if (top && last !== undefined) entries.sort((a, b) => Number(a.name === last) - Number(b.name === last));
    for (const entry of entries) {
      const p = `${d}/${entry.name}`;
      if (entry.isDirectory()) walk(p, false);
      else if (unlinkWritable(fs, d, p)) files++;
    }
    try {
      fs.rmdir(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  };
  walk(dir, true);
  return files;
}

/** False when the file was gone already (removed by another render meanwhile). */
function unlinkWritable(fs: WriterFs, dir: string, p: string): boolean {
  try {
    fs.unlink(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return false;
    if (code !== "EACCES" && code !== "EPERM") throw e;
    // A directory the user made read-only: ours to remove, so made writable first.
    fs.chmod(dir, 0o700);
    fs.unlink(p);
  }
  return true;
}
