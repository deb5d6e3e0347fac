import fc from "fast-check";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORMATS } from "../src/validate/formats.js";
import { exampleFleet, run, testdir } from "./helpers/cli.js";
import { buildGoProgram, goAvailable, removeGoPrograms, runGoProgram } from "./helpers/go.js";
import { withNodeAddresses } from "./helpers/variants.js";

/**
 * Exposure limited to known networks. The networks are read the way Kubernetes components
 * read `loadBalancerSourceRanges` and `ipBlock.cidr`: Go's net.ParseCIDR, run by test/gocidr.
 * The rendered objects themselves are golden (test/golden/*-restricted), checked by kustomize
 * and against the API's own schemas with the other variants.
 */

const isCIDR = FORMATS.cidr!.validate;
const NEEDS_GO = "needs the go command (Debian: apt-get install golang-go)";
if (!goAvailable() && !process.env.CI) console.warn(`test/exposure.test.ts (Go's reading) is skipped: it ${NEEDS_GO}`);

/** Accepted by Go but refused here on purpose: a prefix length with leading zeros, which Kubernetes 1.33 warns about as non-canonical. */
const STRICTER = (s: string) => /\/0[0-9]/.test(s);

const CASES = [
  ...["10.0.0.0/24", "10.0.1.10/32", "0.0.0.0/0", "255.255.255.255/32", "192.168.0.0/16", "10.0.0.0/8", "1.2.3.4/0"],
  ...["010.0.0.0/24", "10.0.0.300/24", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0", "/24", "10.0.0/24", "10.0.0.0.0/24", " 10.0.0.0/24", "10.0.0.0/24 "],
  ...["10.0.0.0/024", "10.0.0.0/00", "10.0.0.0/+24", "10.0.0.0/2a", "10.0.0.0//24", "1e1.0.0.0/8", "0x0a.0.0.0/8"],
  ...["fd00::/64", "::/0", "::1/128", "2001:db8::/32", "2001:DB8::/32", "::ffff:10.0.0.0/104", "fe80::1%eth0/64", "fd00::/129", "fd00:::/64", "1::2::3/64", "::ffff:010.0.0.0/104"],
  ...["fd00::1.2.3.4/128", "1:2:3:4:5:6:7:8/128", "1:2:3:4:5:6:7:8:9/128", "1:2:3:4:5:6:7::/128", "[fd00::]/64", "fd00::/064", "g::/64", ":/64", "::/", "::"],
];

const cidrLike = fc.oneof(
  fc.tuple(fc.array(fc.oneof(fc.nat(300).map(String), fc.constantFrom("01", "00", "", "-1", "1a")), { minLength: 3, maxLength: 5 }), fc.oneof(fc.nat(40).map(String), fc.constantFrom("", "08", "-0"))).map(([octets, p]) => `${octets.join(".")}/${p}`),
  fc.tuple(fc.array(fc.oneof(fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16)), fc.constantFrom("", "ffff", "1.2.3.4", "G")), { minLength: 1, maxLength: 9 }), fc.nat(140)).map(([groups, p]) => `${groups.join(":")}/${p}`),
  fc.string({ maxLength: 20 }),
);

describe.skipIf(!goAvailable())("fleet networks read as Go's net.ParseCIDR reads them", () => {
  let binary = "";
  beforeAll(() => {
    binary = buildGoProgram("gocidr");
  }, 120_000);
  afterAll(() => removeGoPrograms());

  const parseWithGo = (values: readonly string[]): boolean[] => {
    return runGoProgram<boolean[]>(binary, values);
  };
  const disagreements = (values: readonly string[]) => {
    const go = parseWithGo(values);
    return values.flatMap((v, i) => {
      const ours = isCIDR(v);
      if (ours === go[i]) return [];
      if (!ours && go[i] && STRICTER(v)) return [];
      return [`${JSON.stringify(v)}: Go ${go[i] ? "accepts" : "refuses"}, paodin-fleet ${ours ? "accepts" : "refuses"}`];
    });
  };

  it("agrees on a table of valid, invalid and borderline networks", () => {
    expect(disagreements(CASES)).toEqual([]);
    // The table reaches both answers, and the strict case.
    expect(CASES.filter(isCIDR).length).toBeGreaterThan(10);
    expect(parseWithGo(["10.0.0.0/024"])).toEqual([true]);
    expect(isCIDR("10.0.0.0/024")).toBe(false);
  });

  it("never accepts what Go refuses, on generated strings", () => {
    const values = fc.sample(cidrLike, { numRuns: 20_000, seed: 42 });
    expect(disagreements(values)).toEqual([]);
    expect(values.filter(isCIDR).length).toBeGreaterThan(200);
  });
});

describe("restricted exposure from the command line", () => {
  it("names every network that is not one, in the Fleet and in the Cluster, with positions", async () => {
    const files = exampleFleet();
    files["clusters/fleet.yaml"] = files["clusters/fleet.yaml"]!.replace("    type: NodePort\n", "    type: NodePort\n    sourceRanges: [10.0.0.256/24, 10.0.0.0/8]\n");
    files["clusters/host.yaml"] += "  nodeAddresses: [10.0.0.0/24, fd00::/200]\n";
    const { dir, cleanup } = testdir(files);
    try {
      const r = await run(["validate"], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("clusters/fleet.yaml:19:20 spec.exposure.sourceRanges[0]: must be a network in CIDR notation");
      expect(r.stderr).toContain("clusters/host.yaml:10:32 spec.nodeAddresses[1]: must be a network in CIDR notation");
      expect(r.stderr).toContain("2 errors; nothing was written.");
    } finally {
      cleanup();
    }
  });

  it("restrictToFleet in scattered mode needs the host's nodeAddresses, and only the host's", async () => {
    const files = exampleFleet();
    files["clusters/fleet.yaml"] = files["clusters/fleet.yaml"]!.replace("mode: central", "mode: scattered").replace("    type: NodePort\n", "    type: NodePort\n    restrictToFleet: true\n");
    const { dir, cleanup } = testdir(files);
    try {
      const r = await run(["validate"], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        "clusters/host.yaml:8:1 spec: nodeAddresses is required: exposure.restrictToFleet admits to the Thanos sidecar of member-1 only the networks its clients' traffic comes from, and this cluster declares none (its nodes' addresses, or its NAT gateway's, such as 10.0.1.0/24)\n1 error; nothing was written.\n",
      );
    } finally {
      cleanup();
    }
  });

  it("admits each member's sidecar to the host's nodes only, and the gateway to every cluster's", async () => {
    const files = withNodeAddresses(exampleFleet());
    files["clusters/fleet.yaml"] = files["clusters/fleet.yaml"]!.replace("    type: NodePort\n", "    type: NodePort\n    restrictToFleet: true\n");
    const central = testdir(files);
    const scattered = testdir({ ...files, "clusters/fleet.yaml": files["clusters/fleet.yaml"]!.replace("mode: central", "mode: scattered") });
    try {
      expect((await run(["render"], central.dir)).code).toBe(0);
      expect((await run(["render"], scattered.dir)).code).toBe(0);
      const policy = (dir: string, file: string) => readFileSync(path.join(dir, "overlays", file), "utf8");
      const gateway = policy(central.dir, "host/networkpolicy.networking.k8s.io_kubesphere-monitoring-system_gateway-central-external.yaml");
      expect(gateway.match(/cidr: \S+/g)).toEqual(["cidr: 10.0.0.0/24", "cidr: 10.0.0.0/24", "cidr: 10.0.1.0/24", "cidr: 10.0.2.0/24"]);
      const sidecar = policy(scattered.dir, "member-2/networkpolicy.networking.k8s.io_kubesphere-monitoring-system_prometheus-k8s-thanos-sidecar.yaml");
      // Its own nodes on any port, the host's on the sidecar's port.
      expect(sidecar).toContain("  - from:\n    - namespaceSelector: {}\n    - ipBlock:\n        cidr: 10.0.2.0/24\n  - from:\n    - ipBlock:\n        cidr: 10.0.0.0/24\n    ports:\n    - port: 10901\n      protocol: TCP\n");
    } finally {
      central.cleanup();
      scattered.cleanup();
    }
  });
});
