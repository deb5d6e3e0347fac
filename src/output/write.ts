import * as sync from "node:fs";

/**
 * The file-system calls the output session makes, so that a test can make one of them fail
 * midway. Synchronous: a render writes thousands of small files, which go several times faster
 * one after another than through libuv's thread pool.
 */
export interface WriterFs {
  mkdir(p: string, opts: { recursive: true }): unknown;
  writeFile(p: string, data: string): void;
  link(existing: string, created: string): void;
  copyFile(from: string, to: string): void;
  lstat(p: string): { isSymbolicLink(): boolean };
  readlink(p: string): string;
  symlink(target: string, p: string): void;
  rename(from: string, to: string): void;
  rm(p: string, opts: { recursive: true; force: true }): void;
  exists(p: string): boolean;
}

export const nodeFs: WriterFs = {
  mkdir: (p, o) => sync.mkdirSync(p, o),
  writeFile: (p, d) => sync.writeFileSync(p, d),
  link: (a, b) => sync.linkSync(a, b),
  copyFile: (a, b) => sync.copyFileSync(a, b),
  lstat: (p) => sync.lstatSync(p),
  readlink: (p) => sync.readlinkSync(p),
  symlink: (t, p) => sync.symlinkSync(t, p),
  rename: (a, b) => sync.renameSync(a, b),
  rm: (p, o) => sync.rmSync(p, o),
  exists: (p) => sync.existsSync(p),
};
