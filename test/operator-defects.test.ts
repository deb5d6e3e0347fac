import { describe, expect, it } from "vitest";
import { exampleFleet, run, testdir } from "./helpers/cli.js";

/** Settings the operator mishandles at this API version: warnings with positions, errors with --strict. */
function fleetWithDefects(): Record<string, string> {
  const files = exampleFleet();
  const fleet = files["clusters/fleet.yaml"]!.replace(/( {10}image: .*paodin-monitoring-gateway.*\n)/, "$1          logLevel: verbose\n").replace(
    "    objectStorage:\n",
    [
      "    store:",
      "      spec:",
      "        thanos:",
      "          compact:",
      "            downsamplingDisable: true",
      "            retention:",
      "              retention5m: 30d",
      "              retention1h: 90d",
      "    objectStorage:",
      "",
    ].join("\n"),
  );
  return { ...files, "clusters/fleet.yaml": fleet };
}

describe("operator defects", () => {
  it("are warned about, with positions, and the render goes on", async () => {
    const { dir, cleanup } = testdir(fleetWithDefects());
    try {
      const r = await run(["render"], dir);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(
        [
          "clusters/fleet.yaml:29:21 spec.central.service.spec.gateway.logLevel: warning the gateway accepts only debug, info, warn, error (the CRD does not say so; any other value makes the container exit)",
          "clusters/fleet.yaml:34:34 spec.central.store.spec.thanos.compact.downsamplingDisable: warning the operator passes this to Thanos Compact as a pointer address (--downsampling.disable=0xc…), which Thanos rejects, so the compactor cannot start; leave it out",
          "clusters/fleet.yaml:37:28 spec.central.store.spec.thanos.compact.retention.retention1h: warning is ignored by the operator: it passes retention5m as the 1h-resolution retention too (and none at all without retention5m)",
          "",
        ].join("\n"),
      );
    } finally {
      cleanup();
    }
  });

  it("a data volume the operator's quoted data directory never uses (--tsdb.path=\"/thanos\", --data-dir=\"/thanos\")", async () => {
    const files = exampleFleet();
    files["clusters/fleet.yaml"] = files["clusters/fleet.yaml"]!.replace(
      "    objectStorage:\n",
      [
        "    store:",
        "      spec:",
        "        thanos:",
        "          storeGateway:",
        "            dataVolume:",
        "              emptyDir: {}",
        "    ingestors:",
        "    - name: softs",
        "      spec:",
        "        dataVolume:",
        "          emptyDir: {}",
        "    objectStorage:",
        "",
      ].join("\n"),
    );
    const { dir, cleanup } = testdir(files);
    try {
      const r = await run(["render"], dir);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(
        [
          `clusters/fleet.yaml:34:15 spec.central.store.spec.thanos.storeGateway.dataVolume: warning has no effect at this operator revision: Thanos Store gets its data directory with literal quotes ("/thanos"), so its data lands in the container's own filesystem, not on this volume, and is lost with the pod`,
          `clusters/fleet.yaml:39:11 spec.central.ingestors[0].spec.dataVolume: warning has no effect at this operator revision: Thanos Receive gets its data directory with literal quotes ("/thanos"), so its data lands in the container's own filesystem, not on this volume, and is lost with the pod`,
          "",
        ].join("\n"),
      );
    } finally {
      cleanup();
    }
  });

  it("two ingestors in one namespace, whose pods the operator labels alike", async () => {
    const files = exampleFleet();
    files["clusters/fleet.yaml"] = files["clusters/fleet.yaml"]!.replace(
      "    objectStorage:\n",
      ["    ingestors:", "    - name: softs", "    - name: tenant-a", "      spec:", "        tenants: [member-1]", "    - name: other", "      namespace: monitoring-b", "    objectStorage:", ""].join("\n"),
    );
    const { dir, cleanup } = testdir(files);
    try {
      const r = await run(["validate"], dir);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(
        'clusters/fleet.yaml:31:13 spec.central.ingestors[1].name: warning shares namespace kubesphere-monitoring-system with ingestor "softs": at this operator revision all ingestor pods carry the same single label, so their StatefulSets and Services select each other\'s pods; give each ingestor a namespace of its own\n',
      );
    } finally {
      cleanup();
    }
  });

  it("fail the run with --strict, and nothing is written", async () => {
    const { dir, cleanup } = testdir(fleetWithDefects());
    try {
      const r = await run(["render", "--strict"], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("3 errors; nothing was written.");
      expect(r.stderr).not.toContain("warning");
    } finally {
      cleanup();
    }
  });
});
