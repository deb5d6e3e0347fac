// Runs the bundled CLI with the arguments given and saves V8's code cache of it on exit
// (see src/cli/launch.ts). scripts/bundle.mjs calls it after building the bundle.
import { launch } from "../dist/cli/launch.js";

launch({ writeCodeCache: true });
