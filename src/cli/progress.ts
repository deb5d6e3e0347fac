import type { Io } from "./io.js";

/** Reports `done` of `total` for one stage. */
export type Progress = (stage: string, done: number, total: number) => void;

/**
 * A one-line progress display on a terminal, for renders that take more than about a
 * second (large fleets); nothing at all when stderr is not a terminal (CI logs stay clean).
 */
export function terminalProgress(io: Io, now: () => number = () => performance.now()): { progress: Progress; finish: () => void } {
  if (io.stderr.isTTY !== true) return { progress: () => undefined, finish: () => undefined };
  const start = now();
  let last = 0;
  let shown = false;
  return {
    progress: (stage, done, total) => {
      const t = now();
      if (t - start < 1000 || (t - last < 100 && done < total)) return;
      last = t;
      shown = true;
      io.stderr.write(`\r\x1b[K${stage} ${done}/${total}`);
    },
    finish: () => {
      if (shown) io.stderr.write("\r\x1b[K");
      shown = false;
    },
  };
}
