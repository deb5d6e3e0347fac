import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exampleFleet, run, testdir } from "./helpers/cli.js";

/**
 * Every fleet file read or refused: a render never drops a cluster because a file was skipped
 * without a word. Hidden files and folders and links to directories are named in a warning (an
 * error with --strict); upper-case extensions are read; a fleet file that is a link is read only
 * when it leads inside the fleet's directory, and what one that leads elsewhere holds is never
 * shown.
 */

const member = (name: string) => `apiVersion: paodin-fleet/v1alpha1\nkind: Cluster\nmetadata:\n  name: ${name}\n  labels:\n    node-ip: 10.0.9.10\nspec:\n  role: member\n`;

/** The example fleet rendered, then changed by `edit`; the second render's result. */
async function renderAfter(edit: (dir: string) => void, args: readonly string[] = []) {
  const { dir, cleanup } = testdir({ ...exampleFleet(), "clusters/member-9.yaml": member("member-9") });
  try {
    expect((await run(["render"], dir)).code).toBe(0);
    edit(dir);
    const r = await run(["render", ...args], dir);
    return { ...r, member9: existsSync(path.join(dir, "overlays/member-9")), member2: existsSync(path.join(dir, "overlays/member-2")) };
  } finally {
    cleanup();
  }
}

describe("fleet files that are not read are named", () => {
  it("a hidden file: a warning, and the cluster it held is pruned only with it", async () => {
    const r = await renderAfter((dir) => renameSync(path.join(dir, "clusters/member-9.yaml"), path.join(dir, "clusters/.member-9.yaml")));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("clusters/.member-9.yaml warning is hidden (its name starts with a dot), so it is not read; rename it if it belongs to the fleet\n");
    expect(r.stdout).toMatch(/removed/);
    expect(r.member9).toBe(false);
  });

  it("validate and diff name a hidden file too, as render does", async () => {
    const { dir, cleanup } = testdir({ ...exampleFleet(), "clusters/.member-9.yaml": member("member-9") });
    try {
      const warning = "clusters/.member-9.yaml warning is hidden (its name starts with a dot), so it is not read; rename it if it belongs to the fleet\n";
      const v = await run(["validate"], dir);
      expect(v.code).toBe(0);
      expect(v.stderr).toBe(warning);
      expect((await run(["diff"], dir)).stderr).toBe(warning);
      expect((await run(["validate", "--strict"], dir)).code).toBe(1);
    } finally {
      cleanup();
    }
  });

  it("a hidden directory: one warning naming it and the YAML files in it", async () => {
    const r = await renderAfter((dir) => {
      mkdirSync(path.join(dir, "clusters/.drafts"));
      renameSync(path.join(dir, "clusters/member-9.yaml"), path.join(dir, "clusters/.drafts/member-9.yaml"));
      writeFileSync(path.join(dir, "clusters/.drafts/member-10.yml"), member("member-10"));
      writeFileSync(path.join(dir, "clusters/.drafts/README.md"), "drafts\n");
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("clusters/.drafts warning is a hidden directory (its name starts with a dot): the 2 YAML files in it (member-10.yml, member-9.yaml) are not read; rename it if they belong to the fleet\n");
  });

  it("--strict: every skipped file is an error, and nothing is written", async () => {
    const r = await renderAfter((dir) => renameSync(path.join(dir, "clusters/member-9.yaml"), path.join(dir, "clusters/.member-9.yaml")), ["--strict"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("clusters/.member-9.yaml is hidden (its name starts with a dot), so it is not read; rename it if it belongs to the fleet\n1 error; nothing was written.\n");
    expect(r.member9).toBe(true);
  });

  it("a skipped file is named with the errors it causes (a host in a hidden file)", async () => {
    const { dir, cleanup } = testdir(exampleFleet());
    try {
      renameSync(path.join(dir, "clusters/host.yaml"), path.join(dir, "clusters/.host.yaml"));
      const r = await run(["render"], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("clusters/.host.yaml warning is hidden (its name starts with a dot), so it is not read");
      expect(r.stderr).toMatch(/host/);
    } finally {
      cleanup();
    }
  });

  it("upper-case extensions are read", async () => {
    const r = await renderAfter((dir) => {
      renameSync(path.join(dir, "clusters/member-9.yaml"), path.join(dir, "clusters/member-9.YAML"));
      writeFileSync(path.join(dir, "clusters/member-10.Yml"), member("member-10"));
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.member9).toBe(true);
  });

  it("a link to a directory elsewhere in the project: a warning (links to directories are not followed)", async () => {
    const r = await renderAfter((dir) => {
      mkdirSync(path.join(dir, "more"));
      renameSync(path.join(dir, "clusters/member-9.yaml"), path.join(dir, "more/member-9.yaml"));
      symlinkSync("../more", path.join(dir, "clusters/more"));
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("clusters/more warning is a link to a directory (more), which is not followed: the YAML files there are not part of the fleet\n");
    expect(r.member9).toBe(false);
  });

  it("a link to a directory inside the fleet's directory: nothing to say, its files are read where they are", async () => {
    const r = await renderAfter((dir) => {
      mkdirSync(path.join(dir, "clusters/real"));
      renameSync(path.join(dir, "clusters/member-9.yaml"), path.join(dir, "clusters/real/member-9.yaml"));
      symlinkSync("real", path.join(dir, "clusters/alias"));
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.member9).toBe(true);
  });

  it("a named pipe with a YAML name: a warning, never opened", async () => {
    const r = await renderAfter((dir) => {
      const made = spawnSync("mkfifo", [path.join(dir, "clusters/pipe.yaml")]);
      if (made.status !== 0) throw new Error("mkfifo failed");
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("clusters/pipe.yaml warning is not a regular file (a pipe, socket or device), so it is not read\n");
  });
});

describe("fleet files that are links", () => {
  it("are read when they lead inside the fleet's directory", async () => {
    const r = await renderAfter((dir) => {
      mkdirSync(path.join(dir, "clusters/.store"));
      renameSync(path.join(dir, "clusters/member-9.yaml"), path.join(dir, "clusters/.store/member-9.yaml"));
      symlinkSync(".store/member-9.yaml", path.join(dir, "clusters/member-9.yaml"));
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.member9).toBe(true);
    expect(r.stderr).toContain("clusters/.store warning is a hidden directory");
  });

  it("are refused when they lead elsewhere, even inside the project, and what they hold is never shown", async () => {
    const { dir, cleanup } = testdir({ ...exampleFleet(), ".env": "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\nkind: [\n" });
    try {
      symlinkSync("../.env", path.join(dir, "clusters/leak.yaml"));
      const r = await run(["render"], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe("clusters/leak.yaml is a symbolic link to .env, outside the fleet's directory clusters; a fleet file that is a link must lead inside it\n1 error; nothing was written.\n");
      expect(r.stderr).not.toMatch(/wJalr|AWS_SECRET|kind/);
    } finally {
      cleanup();
    }
  });
});
