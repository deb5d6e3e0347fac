import { describe, expect, it } from "vitest";
import { terminalProgress } from "../src/cli/progress.js";

function io(tty: boolean) {
  let err = "";
  return { io: { cwd: "/", env: {}, stdout: { write: () => undefined }, stderr: { write: (s: string) => void (err += s), isTTY: tty } }, out: () => err };
}

describe("progress", () => {
  it("shows on a terminal once a render takes over a second, and clears its line", () => {
    let t = 0;
    const { io: term, out } = io(true);
    const p = terminalProgress(term, () => t);
    p.progress("rendering clusters", 1, 1000);
    expect(out()).toBe("");
    t = 1500;
    p.progress("rendering clusters", 600, 1000);
    t = 1550;
    p.progress("rendering clusters", 601, 1000); // throttled
    t = 1700;
    p.progress("rendering clusters", 1000, 1000);
    p.finish();
    expect(out()).toBe("\r\x1b[Krendering clusters 600/1000\r\x1b[Krendering clusters 1000/1000\r\x1b[K");
  });

  it("shows nothing when stderr is not a terminal", () => {
    let t = 0;
    const { io: pipe, out } = io(false);
    const p = terminalProgress(pipe, () => t);
    t = 5000;
    p.progress("rendering clusters", 5, 10);
    p.finish();
    expect(out()).toBe("");
  });
});
