import { ansi, plain, type Style } from "../diagnostics/format.js";

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
  return { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr };
}
