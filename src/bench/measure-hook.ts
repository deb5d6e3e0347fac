/**
 * Loaded into the measured process with NODE_OPTIONS=--import: records the process's peak
 * resident memory when it exits, so the bench times the real `bin` and still knows its memory.
 */
import { writeFileSync } from "node:fs";

const target = process.env.PAODIN_FLEET_BENCH_RSS_FILE;
if (target !== undefined) {
  process.on("exit", () => writeFileSync(target, String(process.resourceUsage().maxRSS * 1024)));
}
