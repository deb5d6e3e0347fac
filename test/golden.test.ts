import { cpSync, mkdirSync, rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readTreeSync } from "./helpers/cli.js";
import { renderVariant, VARIANTS } from "./helpers/variants.js";

describe("golden overlays", () => {
  it.each(Object.keys(VARIANTS))("%s renders exactly as committed", async (name) => {
    const { out, cleanup } = await renderVariant(name);
    try {
      const golden = VARIANTS[name]!.golden;
      if (process.env.UPDATE_GOLDEN === "1" && name !== "central") {
        rmSync(golden, { recursive: true, force: true });
        mkdirSync(golden, { recursive: true });
        cpSync(out, golden, { recursive: true });
      }
      expect(readTreeSync(out)).toEqual(readTreeSync(golden));
    } finally {
      cleanup();
    }
  });
});
