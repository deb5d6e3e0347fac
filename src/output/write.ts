import * as sync from "node:fs";
import path from "node:path";
import type { Changes } from "./tree.js";

/** The file-system calls the writer makes, so that a test can make one of them fail midway. */
export interface WriterFs {
  mkdir(p: string, opts: { recursive: true }): Promise<unknown>;
  writeFile(p: string, data: string | Buffer): Promise<void>;
  link(existing: string, created: string): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  lstat(p: string): Promise<{ isSymbolicLink(): boolean; isFile(): boolean }>;
  readlink(p: string): Promise<string>;
  symlink(target: string, p: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(p: string, opts: { recursive: true; force: true }): Promise<void>;
  access(p: string): Promise<void>;
}

/**
 * Synchronous calls behind a promise interface: a render writes thousands of small files,
 * which go several times faster one after another than through libuv's thread pool.
 */
const now = <T>(f: () => T): Promise<T> => {
  try {
    return Promise.resolve(f());
  } catch (e) {
    return Promise.reject(e as Error);
  }
};

export const nodeFs: WriterFs = {
  mkdir: (p, o) => now(() => sync.mkdirSync(p, o)),
  writeFile: (p, d) => now(() => sync.writeFileSync(p, d)),
  link: (a, b) => now(() => sync.linkSync(a, b)),
  copyFile: (a, b) => now(() => sync.copyFileSync(a, b)),
  lstat: (p) => now(() => sync.lstatSync(p)),
  readlink: (p) => now(() => sync.readlinkSync(p)),
  symlink: (t, p) => now(() => sync.symlinkSync(t, p)),
  rename: (a, b) => now(() => sync.renameSync(a, b)),
  rm: (p, o) => now(() => sync.rmSync(p, o)),
  access: (p) => now(() => sync.accessSync(p)),
};

/**
 * Replaces `outDir` with the final tree, all or nothing: the new tree is built in a
 * temporary directory beside it (unchanged files are hard-linked, so their bytes and times
 * stay as they were), then swapped in with two renames. A failure before the swap leaves
 * `outDir` untouched and removes the temporary tree.
 */
export async function writeTree(outDir: string, changes: Changes, fs: WriterFs = nodeFs, progress?: (done: number, total: number) => void): Promise<void> {
  const parent = path.dirname(outDir);
  const base = path.basename(outDir);
  const stamp = `${process.pid}-${Date.now().toString(36)}`;
  const tmp = path.join(parent, `.${base}.paodin-fleet-new-${stamp}`);
  const old = path.join(parent, `.${base}.paodin-fleet-old-${stamp}`);
  await fs.mkdir(parent, { recursive: true });
  try {
    await fs.mkdir(tmp, { recursive: true });
    const made = new Set<string>();
    let done = 0;
    for (const [rel, content] of [...changes.final].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const target = path.join(tmp, ...rel.split("/"));
      const dir = path.dirname(target);
      if (!made.has(dir)) {
        await fs.mkdir(dir, { recursive: true });
        made.add(dir);
      }
      if (changes.unchanged.has(rel)) await carryOver(fs, path.join(outDir, ...rel.split("/")), target);
      else await fs.writeFile(target, content);
      progress?.(++done, changes.final.size);
    }
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  const exists = await fs.access(outDir).then(
    () => true,
    () => false,
  );
  if (exists) await fs.rename(outDir, old);
  try {
    await fs.rename(tmp, outDir);
  } catch (e) {
    if (exists) await fs.rename(old, outDir).catch(() => undefined);
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  if (exists) await fs.rm(old, { recursive: true, force: true });
}

async function carryOver(fs: WriterFs, from: string, to: string): Promise<void> {
  const info = await fs.lstat(from);
  if (info.isSymbolicLink()) return fs.symlink(await fs.readlink(from), to);
  try {
    await fs.link(from, to);
  } catch {
    await fs.copyFile(from, to);
  }
}
