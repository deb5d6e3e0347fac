import path from "node:path";
import { exampleFleet, REPO, run, testdir } from "./cli.js";

/**
 * Golden overlays, reviewed like code: the example fleet's rendering is the committed
 * overlays/ itself, and its variants live under test/golden/<name>/. UPDATE_GOLDEN=1
 * rewrites them from the current renderer (review the diff before committing).
 */
export const VARIANTS: Record<string, { golden: string; edit: (files: Record<string, string>) => Record<string, string> }> = {
  central: { golden: path.join(REPO, "overlays"), edit: (f) => f },
  scattered: {
    golden: path.join(REPO, "test", "golden", "scattered"),
    edit: (f) => ({ ...f, "clusters/fleet.yaml": f["clusters/fleet.yaml"]!.replace("mode: central", "mode: scattered") }),
  },
  "central-configmap": {
    golden: path.join(REPO, "test", "golden", "central-configmap"),
    // A base per role, as ks-apiserver's kubesphere.yaml differs between host and members.
    edit: (f) => ({
      ...f,
      "clusters/fleet.yaml": `${f["clusters/fleet.yaml"]!}  kubesphere:\n    strategy: configMap\n    base: ../kubesphere/member.yaml\n`,
      "clusters/host.yaml": `${f["clusters/host.yaml"]!}  overrides:\n    kubesphere:\n      base: ../kubesphere/host.yaml\n`,
      "kubesphere/host.yaml": kubesphereYaml("host"),
      "kubesphere/member.yaml": kubesphereYaml("member"),
    }),
  },
  // The gateway admits only the fleet's nodes, serves HTTPS, and every Prometheus trusts its CA.
  "central-restricted": {
    golden: path.join(REPO, "test", "golden", "central-restricted"),
    edit: (f) => ({
      ...withNodeAddresses(f),
      "clusters/fleet.yaml": f["clusters/fleet.yaml"]!
        .replace("    type: NodePort\n", "    type: NodePort\n    restrictToFleet: true\n    sourceRanges: [192.168.100.0/24]\n")
        .replace('gatewayURL: "http://', 'gatewayURL: "https://')
        .replace(/( +)(gatewayURL: .*\n)/, "$1$2$1remoteWriteTLS:\n$1  caSecret: {name: paodin-gateway-ca, key: ca.crt}\n")
        .replace(/( +)(image: registry\.example\.com\/replace-me\/paodin-monitoring-gateway.*\n)/, "$1$2$1serverCertificate: paodin-gateway-tls\n"),
    }),
  },
  // Each member's sidecar behind a cloud load balancer that admits the host's nodes only.
  "scattered-restricted": {
    golden: path.join(REPO, "test", "golden", "scattered-restricted"),
    edit: (f) => ({
      ...withNodeAddresses(f),
      "clusters/fleet.yaml": f["clusters/fleet.yaml"]!
        .replace("mode: central", "mode: scattered")
        .replace("    type: NodePort\n", "    type: LoadBalancer\n    restrictToFleet: true\n")
        .replace('sidecarAddress: "{{cluster.labels.node-ip}}:30901"', 'sidecarAddress: "{{cluster.name}}-sidecar.example.com:10901"'),
    }),
  },
};

/** Every cluster of the example declares the network its nodes are in (10.0.<n>.0/24, from its node-ip label). */
export function withNodeAddresses(f: Record<string, string>): Record<string, string> {
  const declare = (text: string) => text.replace(/node-ip: 10\.0\.(\d+)\.10\n((?:.*\n)*?)spec:\n/g, "node-ip: 10.0.$1.10\n$2spec:\n  nodeAddresses: [10.0.$1.0/24]\n");
  return { ...f, "clusters/host.yaml": declare(f["clusters/host.yaml"]!), "clusters/members.yaml": declare(f["clusters/members.yaml"]!) };
}

/** ks-apiserver's configuration as KubeSphere 3.3 ships it, abridged. */
function kubesphereYaml(role: "host" | "member"): string {
  return [
    "# ks-apiserver configuration, as KubeSphere 3.3 ships it (abridged)",
    "authentication:",
    "  authenticateRateLimiterMaxTries: 10",
    "  jwtSecret: \"example-jwt-secret-of-this-cluster\"",
    "monitoring:",
    "  endpoint: http://prometheus-operated.kubesphere-monitoring-system.svc:9090",
    "  enableGPUMonitoring: false",
    "multicluster:",
    "  enable: true",
    `  clusterRole: ${role}`,
    "",
  ].join("\n");
}

/** Renders a variant of the example fleet into a temporary directory and returns that directory. */
export async function renderVariant(name: string): Promise<{ dir: string; out: string; cleanup: () => void }> {
  const variant = VARIANTS[name]!;
  const { dir, cleanup } = testdir(variant.edit(exampleFleet()));
  const result = await run(["render", "--out", "out"], dir);
  if (result.code !== 0) throw new Error(`render of ${name} failed:\n${result.stderr}`);
  return { dir, out: path.join(dir, "out"), cleanup };
}

