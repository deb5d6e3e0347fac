import { ansi, plain, type Style } from "../diagnostics/format.js";
import { causeOf, isSystemError } from "../diagnostics/environment.js";
import { EXIT } from "./exit-codes.js";

/** What a command may touch of the outside world besides files: streams, environment, working directory. */
export interface Io {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: { write(s: string): void; readonly isTTY?: boolean };
  readonly stderr: { write(s: string): void; readonly isTTY?: boolean };
}

/** Colour only on a terminal, never with NO_COLOR (any value) or TERM=dumb. */
export function useColour(stream: Io["stderr"], env: Io["env"]): boolean {
  return env.NO_COLOR === undefined && env.TERM !== "dumb" && stream.isTTY === true;
}

export function styleFor(stream: Io["stderr"], env: Io["env"]): Style {
  return useColour(stream, env) ? ansi : plain;
}

export function processIo(): Io {
  return { cwd: process.cwd(), env: process.env, stdout: guarded(process.stdout, "standard output"), stderr: guarded(process.stderr, "standard error") };
}

/**
 * A process stream that outlives its reader: when the reader goes away (`render --check | head`),
 * writing fails with EPIPE; from then on output is dropped, quietly, and the command finishes as
 * it would have (a render still completes its swap) with its own exit code. Any other failure
 * (ENOSPC behind a redirection) is said once on stderr and makes the exit code 74.
 */
function guarded(stream: NodeJS.WriteStream, name: string): Io["stdout"] {
  let closed = false;
  stream.on("error", (e: Error) => {
    closed = true;
    if (isSystemError(e) && e.code === "EPIPE") return;
    process.exitCode = EXIT.environment;
    process.once("exit", () => {
      process.exitCode = EXIT.environment;
      if (stream !== process.stderr) {
        try {
          process.stderr.write(`paodin-fleet: cannot write to ${name}: ${isSystemError(e) ? causeOf(e) : e.message}\n`);
        } catch {
          // Nowhere left to say it.
        }
      }
    });
  });
  return {
    get isTTY() {
      return stream.isTTY;
    },
    write(s: string) {
      if (closed || stream.destroyed) return;
      stream.write(s);
    },
  };
}
