import { processIo } from "./io.js";
import { main } from "./main.js";

// No top-level await: the bundle is CommonJS, so that the launcher can run it from V8's code cache.
void main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
