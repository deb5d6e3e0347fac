import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { exampleFleet, run, testdir } from "./helpers/cli.js";
import type { Issue } from "../src/diagnostics/issue.js";
import { loadAndValidate } from "../src/pipeline.js";
import { assetsOf, checkAssets, secretNamespaces } from "../src/resolve/assets.js";
import type { Asset, ResolvedFleet } from "../src/resolve/model.js";
import { resolveFleet } from "../src/resolve/resolve.js";

/**
 * resolve/assets.ts driven directly: fleets resolved from the example fleet, then the files
 * they name checked from texts held in memory, with the exact issues (file, line:col, message)
 * and the exact text copied through.
 */

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

async function fleetOf(files: Record<string, string>): Promise<ResolvedFleet> {
  const { dir, cleanup } = testdir(files);
  cleanups.push(cleanup);
  const { valid } = await loadAndValidate({ cwd: dir, clustersDir: "clusters" });
  const r = resolveFleet(valid);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

const withSource = (files: Record<string, string>, source: string): Record<string, string> => {
  files["clusters/fleet.yaml"] = files["clusters/fleet.yaml"]!.replace(/      source:\n[\s\S]*?(?=  gitops:)/, `      source:\n${source}`);
  return files;
};
const SEALED_SOURCE = "        sealedSecret:\n          file: ../secrets/s.yaml\n";
const SOPS_SOURCE = "        sops:\n          file: ../secrets/s.yaml\n";
const KS = "kubesphere-monitoring-system";

/** Central, sealed Secret, one namespace. */
let sealed: ResolvedFleet;
/** Central, sealed Secret, ingestors in zz-ns, the fleet's namespace (twice) and aa-ns. */
let sealed3: ResolvedFleet;
/** Central, SOPS Secret, one namespace. */
let sops: ResolvedFleet;
/** Central, configMap strategy: the host with kubesphere/host.yaml, member-1 with kubesphere/member.yaml, member-2 with none. */
let ks: ResolvedFleet;
/** Central, every cluster with kubesphere/member.yaml, and a sealed Secret. */
let shared: ResolvedFleet;
/** Scattered, with a base and a sealed Secret named all the same. */
let scattered: ResolvedFleet;

beforeAll(async () => {
  sealed = await fleetOf(withSource(exampleFleet(), SEALED_SOURCE));
  const three = withSource(exampleFleet(), SEALED_SOURCE);
  three["clusters/fleet.yaml"] = three["clusters/fleet.yaml"]!.replace(
    "    objectStorage:\n",
    ["    ingestors:", "    - name: z", "      namespace: zz-ns", "    - name: d", "    - name: e", "      namespace: kubesphere-monitoring-system", "    - name: a", "      namespace: aa-ns", "    objectStorage:", ""].join("\n"),
  );
  sealed3 = await fleetOf(three);
  sops = await fleetOf(withSource(exampleFleet(), SOPS_SOURCE));
  const k = exampleFleet();
  k["clusters/fleet.yaml"] += "  kubesphere:\n    strategy: configMap\n    base: ../kubesphere/member.yaml\n";
  k["clusters/host.yaml"] += "  overrides:\n    kubesphere:\n      base: ../kubesphere/host.yaml\n";
  k["clusters/members.yaml"] += "  overrides:\n    kubesphere:\n      strategy: clusterConfiguration\n";
  ks = await fleetOf(k);
  const sh = withSource(exampleFleet(), SEALED_SOURCE);
  sh["clusters/fleet.yaml"] += "  kubesphere:\n    strategy: configMap\n    base: ../kubesphere/member.yaml\n";
  shared = await fleetOf(sh);
  const sc = withSource(exampleFleet(), SEALED_SOURCE);
  sc["clusters/fleet.yaml"] = sc["clusters/fleet.yaml"]!.replace("mode: central", "mode: scattered") + "  kubesphere:\n    strategy: configMap\n    base: ../kubesphere/member.yaml\n";
  scattered = await fleetOf(sc);
});

const secretFile = (f: ResolvedFleet): Asset => (f.host.central.objectStorage.source as { file: Asset }).file;
const issue = (file: string, line: number, col: number, message: string): Issue => ({ code: "invalid-asset", severity: "error", file, line, col, message });
const issuesOf = (f: ResolvedFleet, texts: Map<string, string>): readonly Issue[] => {
  const r = checkAssets(f, texts);
  // Accepted: whatever is left are warnings (none are expected); refused: the errors and warnings together.
  return r.ok ? r.warnings : r.issues;
};

const FROM_LIVE = "take the base from the live cluster: kubectl -n kubesphere-system get configmap kubesphere-config -o jsonpath='{.data.kubesphere\\.yaml}'";
const JWT = (what: string) => `${what} authentication.jwtSecret: the rendered kubesphere-config replaces ks-apiserver's whole configuration, and without the cluster's own JWT secret every KubeSphere login token stops working; ${FROM_LIVE}`;
const NO_MULTICLUSTER = `has no multicluster section: the rendered kubesphere-config replaces ks-apiserver's whole configuration, and without it ks-apiserver runs as if the cluster were in no multi-cluster setup; ${FROM_LIVE}`;
const NOT_MAPPING = "must be a YAML mapping: the content of kubesphere-config's kubesphere.yaml key";
const MONITORING = "monitoring must be a mapping (it gets monitoring.endpoint)";
const missing = (what: string, ns: string) => `has no ${what} "objectstorage" for namespace ${ns}; the Store and every ingestor read the Secret from their own namespace, so the file needs one document per namespace`;

describe("which files a fleet names", () => {
  it("lists the namespaces that need the Secret sorted, each once", () => {
    expect(secretNamespaces(sealed3)).toEqual(["aa-ns", KS, "zz-ns"]);
    expect(secretNamespaces(sealed)).toEqual([KS]);
  });

  it("names no file in scattered mode, whatever the settings say", () => {
    // resolve already drops the base and the Secret source in scattered mode...
    expect(scattered.mode).toBe("scattered");
    expect(assetsOf(scattered)).toEqual([]);
    expect(checkAssets(scattered, new Map([[secretFile(shared).path, "not: [valid"]]))).toMatchObject({ ok: true, warnings: [] });
    // ...and assetsOf itself names nothing for a fleet that is not central, even one that still carries both.
    const notCentral = { ...shared, mode: "scattered" } as ResolvedFleet;
    expect(assetsOf(shared)).toHaveLength(4);
    expect(assetsOf(notCentral)).toEqual([]);
    const texts = new Map([
      [secretFile(shared).path, "not: [valid"],
      [shared.host.kubesphere.base!.path, "- a\n"],
    ]);
    expect(checkAssets(notCentral, texts)).toMatchObject({ ok: true, warnings: [] });
  });

  it("names each base and the Secret file with their kind", () => {
    expect(assetsOf(sealed)).toEqual([{ kind: "secret", asset: secretFile(sealed) }]);
    expect(assetsOf(ks).map((n) => [n.kind, n.asset.display])).toEqual([
      ["base", "kubesphere/host.yaml"],
      ["base", "kubesphere/member.yaml"],
    ]);
    expect(assetsOf(shared).map((n) => [n.kind, n.asset.display])).toEqual([
      ["base", "kubesphere/member.yaml"],
      ["base", "kubesphere/member.yaml"],
      ["base", "kubesphere/member.yaml"],
      ["secret", "secrets/s.yaml"],
    ]);
  });
});

describe("files checked once, unread files skipped", () => {
  it("skips a file that could not be read (no text)", () => {
    expect(checkAssets(ks, new Map())).toMatchObject({ ok: true, warnings: [] });
    expect(checkAssets(sealed, new Map())).toMatchObject({ ok: true, warnings: [] });
  });

  it("checks a base used by three clusters once", () => {
    const base = assetsOf(shared)[0]!.asset;
    const texts = new Map([
      [base.path, "multicluster:\n  clusterRole: member\n"],
      [secretFile(shared).path, "hello\n"],
    ]);
    expect(issuesOf(shared, texts)).toEqual([
      issue("kubesphere/member.yaml", 1, 1, JWT("has no")),
      issue("kubesphere/member.yaml", 2, 16, 'multicluster.clusterRole is "member", but this base is used by host (host): give each role a base of its own, for example the host\'s with spec.overrides.kubesphere.base in its Cluster'),
      issue("secrets/s.yaml", 1, 1, missing("SealedSecret", KS)),
      issue("secrets/s.yaml", 1, 1, "is not a Kubernetes object"),
    ]);
  });
});

describe("a kubesphere.yaml base", () => {
  const REST = "authentication:\n  jwtSecret: test-jwt-secret\nmulticluster:\n  enable: true\n";
  const host = (text: string) => issuesOf(ks, new Map([[ks.host.kubesphere.base!.path, text]]));
  const member = (text: string) => issuesOf(ks, new Map([[ks.members[0]!.kubesphere.base!.path, text]]));
  const H = "kubesphere/host.yaml";

  it("is accepted with its jwtSecret and multicluster section, with or without monitoring", () => {
    expect(host(REST)).toEqual([]);
    expect(host(`monitoring:\n  endpoint: http://x\n${REST}`)).toEqual([]);
    const r = checkAssets(ks, new Map([[ks.host.kubesphere.base!.path, `monitoring:\n  endpoint: http://x\n${REST}`]]));
    if (!r.ok) throw new Error("refused");
    expect(r.value.kubesphereBase(ks.host.kubesphere.base!).toJS()).toEqual({ monitoring: { endpoint: "http://x" }, authentication: { jwtSecret: "test-jwt-secret" }, multicluster: { enable: true } });
  });

  it("must be a mapping", () => {
    expect(host("- a\n- b\n")).toEqual([issue(H, 1, 1, NOT_MAPPING)]);
    expect(host("just text\n")).toEqual([issue(H, 1, 1, NOT_MAPPING)]);
  });

  it("accepts a monitoring with nothing in it yet: the endpoint fills it in", () => {
    for (const empty of ["monitoring:\n", "monitoring: null\n", "monitoring: ~\n"]) {
      expect(host(`${REST}${empty}`), empty).toEqual([]);
      const r = checkAssets(ks, new Map([[ks.host.kubesphere.base!.path, `${REST}${empty}`]]));
      if (!r.ok) throw new Error("refused");
      expect(r.value.kubesphereBase(ks.host.kubesphere.base!).toJS().monitoring).toBeNull();
    }
  });

  it("with `monitoring:` empty, renders a kubesphere-config that kustomize builds and that has the endpoint", async () => {
    const files = exampleFleet();
    files["clusters/fleet.yaml"] += "  kubesphere:\n    strategy: configMap\n    base: ../kubesphere/kubesphere.yaml\n";
    files["kubesphere/kubesphere.yaml"] = `${REST}monitoring:\n`;
    const { dir, cleanup } = testdir(files);
    try {
      const r = await run(["render"], dir);
      expect(r.code, r.stderr).toBe(0);
      const built = execFileSync("kubectl", ["kustomize", path.join(dir, "overlays/host")], { encoding: "utf8" });
      expect(built).toContain("name: kubesphere-config");
      const cm = parse(readFileSync(path.join(dir, "overlays/host/configmap_kubesphere-system_kubesphere-config.yaml"), "utf8")) as { data: Record<string, string> };
      expect((parse(cm.data["kubesphere.yaml"]!) as { monitoring: { endpoint: string } }).monitoring.endpoint).toMatch(/^http:\/\//);
    } finally {
      cleanup();
    }
  });

  it("refuses a monitoring that is not a mapping, where it is", () => {
    expect(host(`${REST}monitoring: 5\n`)).toEqual([issue(H, 5, 13, MONITORING)]);
    expect(host(`${REST}monitoring:\n  - a\n`)).toEqual([issue(H, 6, 3, MONITORING)]);
  });

  it("needs authentication.jwtSecret: missing, or empty, where it is", () => {
    const MC = "multicluster:\n  enable: true\n";
    expect(host(MC)).toEqual([issue(H, 1, 1, JWT("has no"))]);
    expect(host(`${MC}authentication:\n  other: x\n`)).toEqual([issue(H, 4, 3, JWT("has no"))]);
    expect(host(`${MC}authentication:\n  jwtSecret: ""\n`)).toEqual([issue(H, 4, 14, JWT("has an empty"))]);
    expect(host(`${MC}authentication: {}\n`)).toEqual([issue(H, 3, 17, JWT("has no"))]);
    expect(host(`${MC}authentication:\n  jwtSecret:\n`)).toEqual([issue(H, 4, 13, JWT("has an empty"))]);
    expect(host(`${MC}authentication:\n  jwtSecret: 5\n`)).toEqual([issue(H, 4, 14, JWT("has a number, not a string, as"))]);
  });

  it("needs a multicluster mapping", () => {
    const AUTH = "authentication:\n  jwtSecret: s\n";
    expect(host(AUTH)).toEqual([issue(H, 1, 1, NO_MULTICLUSTER)]);
    expect(host(`${AUTH}multicluster: 5\n`)).toEqual([issue(H, 1, 1, NO_MULTICLUSTER)]);
    expect(host(`${AUTH}multicluster: {}\n`)).toEqual([]);
  });

  it("has the role of every cluster that uses it, and of no other", () => {
    expect(host(`${REST}  clusterRole: host\n`)).toEqual([]);
    expect(member(`${REST}  clusterRole: member\n`)).toEqual([]);
    expect(member(`${REST}  clusterRole: host\n`)).toEqual([
      issue("kubesphere/member.yaml", 5, 16, 'multicluster.clusterRole is "host", but this base is used by member-1 (member): give each role a base of its own, for example the host\'s with spec.overrides.kubesphere.base in its Cluster'),
    ]);
  });

  it("refuses a repeated key with its own message, and a syntax error with its first line", () => {
    expect(host(`${REST}authentication: {}\n`)).toEqual([issue(H, 5, 1, 'is not valid YAML: the key "authentication" appears twice in the same mapping')]);
    expect(host(`${REST}x: [\n`)).toEqual([issue(H, 6, 1, "is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]")]);
  });
});

const sealedDoc = (ns: string, o: { name?: string; data?: string; head?: string } = {}) =>
  `${o.head ?? "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n"}metadata:\n  name: ${o.name ?? "objectstorage"}\n  namespace: ${ns}\nspec:\n  encryptedData:\n    thanos.yaml: ${o.data ?? "AgB".padEnd(120, "x")}\n`;
const SOPS_META = "sops:\n  age:\n  - recipient: age1qz\n    enc: x\n  lastmodified: \"2026-01-01T00:00:00Z\"\n  mac: ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi=,type:str]\n  version: 3.9.0\n";
const ENC = "ENC[AES256_GCM,data:dGhhbm9z,iv:aXY=,tag:dGFn,type:str]";
const sopsDoc = (o: { head?: string; meta?: string; data?: string; sopsMeta?: string } = {}) =>
  `${o.head ?? "apiVersion: v1\nkind: Secret\n"}${o.meta ?? `metadata:\n  name: objectstorage\n  namespace: ${KS}\n`}type: Opaque\n${o.data ?? `data:\n  thanos.yaml: ${ENC}\n`}${o.sopsMeta ?? SOPS_META}`;

describe("a sealed Secret file", () => {
  const S = "secrets/s.yaml";
  const check = (text: string, f = sealed) => issuesOf(f, new Map([[secretFile(f).path, text]]));
  const GOOD = sealedDoc(KS);
  /** A bad document after a good one, so that its position (its "---", line 9) is not 1:1. */
  const after = (bad: string) => check(`${GOOD}---\n${bad}`);

  it("picks each namespace's document and copies its text trimmed, with one newline", () => {
    const text = `${sealedDoc("zz-ns")}\n\n\n---\n${sealedDoc(KS)}  \n\n---\n${sealedDoc("aa-ns")}`;
    const r = checkAssets(sealed3, new Map([[secretFile(sealed3).path, text]]));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const file = secretFile(sealed3);
    expect(r.value.secretFor(file, "zz-ns").text).toBe(sealedDoc("zz-ns"));
    expect(r.value.secretFor(file, KS).text).toBe(`---\n${sealedDoc(KS)}`);
    expect(r.value.secretFor(file, "aa-ns").text).toBe(`---\n${sealedDoc("aa-ns")}`);
    expect(r.value.secretFor(file, "aa-ns").object.metadata).toEqual({ name: "objectstorage", namespace: "aa-ns" });
  });

  it("reads aliases as the fleet's own files do, within the same limit, and copies them as written", () => {
    const aliased = sealedDoc(KS).replace("  name: objectstorage\n", "  name: &n objectstorage\n  labels:\n    app: *n\n");
    const r = checkAssets(sealed, new Map([[secretFile(sealed).path, aliased]]));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.value.secretFor(secretFile(sealed), KS).text).toBe(aliased);
    expect(r.value.secretFor(secretFile(sealed), KS).object.metadata).toEqual({ name: "objectstorage", namespace: KS, labels: { app: "objectstorage" } });
    const laughs = `${GOOD}---\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`;
    expect(check(laughs)).toEqual([issue(S, 9, 1, "YAML aliases expand to too much data (limit 100 expansions per document): Excessive alias count indicates a resource exhaustion attack")]);
  });

  it("needs a document for each namespace", () => {
    expect(check(sealedDoc("aa-ns"), sealed3)).toEqual([issue(S, 1, 1, missing("SealedSecret", KS)), issue(S, 1, 1, missing("SealedSecret", "zz-ns"))]);
  });

  it("reports a syntax error where it is, and still reads the other documents", () => {
    expect(check(`${GOOD}---\nx: [\n`)).toEqual([issue(S, 11, 1, "is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]")]);
    expect(after(GOOD.replace("spec:", "metadata: {}\nspec:"))).toEqual([issue(S, 15, 1, 'is not valid YAML: the key "metadata" appears twice in the same mapping')]);
  });

  it("refuses what is not a Kubernetes object", () => {
    expect(after("hello\n")).toEqual([issue(S, 9, 1, "is not a Kubernetes object")]);
    // A document that is null (empty, `~`, a stray `---`) is no object at all: skipped, as kubectl skips it.
    expect(after("null\n")).toEqual([]);
    expect(after("---\n---\n")).toEqual([]);
    expect(after("- a\n")).toEqual([issue(S, 9, 1, "is not a Kubernetes object")]);
  });

  it("refuses a wrong apiVersion, and a wrong kind, each alone", () => {
    expect(after(sealedDoc(KS, { head: "apiVersion: bitnami.com/v1\nkind: SealedSecret\n" }))).toEqual([issue(S, 9, 1, "is a SealedSecret (bitnami.com/v1), not a SealedSecret (bitnami.com/v1alpha1); seal the Secret with kubeseal")]);
    expect(after(sealedDoc(KS, { head: "apiVersion: bitnami.com/v1alpha1\nkind: Secret\n" }))).toEqual([issue(S, 9, 1, "is a Secret (bitnami.com/v1alpha1), not a SealedSecret (bitnami.com/v1alpha1); seal the Secret with kubeseal")]);
  });

  it("needs metadata.name and metadata.namespace, each alone", () => {
    const META = "must name its Secret and namespace in metadata (kubeseal seals for one namespace)";
    expect(after(GOOD.replace("  name: objectstorage\n", ""))).toEqual([issue(S, 9, 1, META)]);
    expect(after(GOOD.replace(`  namespace: ${KS}\n`, ""))).toEqual([issue(S, 9, 1, META)]);
    expect(after(GOOD.replace(/metadata:\n(  .*\n)+/, ""))).toEqual([issue(S, 9, 1, META)]);
  });

  it("needs long base64 ciphertext in spec.encryptedData", () => {
    const body = "A".repeat(64);
    expect(after(GOOD.replace(/spec:\n[\s\S]*$/, "spec: {}\n"))).toEqual([issue(S, 9, 1, 'has no spec.encryptedData["thanos.yaml"]')]);
    expect(after(GOOD.replace(/spec:\n[\s\S]*$/, "spec:\n  encryptedData:\n    other: x\n"))).toEqual([issue(S, 9, 1, 'has no spec.encryptedData["thanos.yaml"]')]);
    const NOT = 'spec.encryptedData["thanos.yaml"] is not sealed data (kubeseal writes long base64 ciphertext)';
    expect(after(sealedDoc(KS, { data: `"!${body}"` }))).toEqual([issue(S, 9, 1, NOT)]);
    expect(after(sealedDoc(KS, { data: `"${body}!"` }))).toEqual([issue(S, 9, 1, NOT)]);
    expect(after(sealedDoc(KS, { data: "A".repeat(63) }))).toEqual([issue(S, 9, 1, NOT)]);
    expect(check(sealedDoc(KS, { data: body }))).toEqual([]);
    expect(check(sealedDoc(KS, { data: `${"A".repeat(62)}==` }))).toEqual([]);
  });

  it("names the fleet's Secret", () => {
    expect(after(sealedDoc(KS, { name: "other" }))).toEqual([issue(S, 9, 1, 'names the Secret "other"; the fleet\'s is "objectstorage" (central.objectStorage.secretName)')]);
  });
});

describe("a SOPS Secret file", () => {
  const S = "secrets/s.yaml";
  const check = (text: string) => issuesOf(sops, new Map([[secretFile(sops).path, text]]));
  const GOOD = sopsDoc();
  const LINES = GOOD.split("\n").length; // the bad document starts on this line, after "---"
  const after = (bad: string) => check(`${GOOD}---\n${bad}`);
  const NOT_SOPS = "is not encrypted with SOPS (no sops metadata with a mac and keys); encrypt it with sops --encrypt";

  it("is accepted and copied as written", () => {
    const r = checkAssets(sops, new Map([[secretFile(sops).path, `${GOOD}\n\n`]]));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.value.secretFor(secretFile(sops), KS).text).toBe(GOOD);
  });

  it("says Secret, not SealedSecret, when a namespace has none", () => {
    expect(check(sopsDoc({ meta: "metadata:\n  name: objectstorage\n  namespace: other\n" }))).toEqual([issue(S, 1, 1, missing("Secret", KS))]);
  });

  it("refuses what is not a Kubernetes object, and a wrong apiVersion or kind, each alone", () => {
    expect(after("hello\n")).toEqual([issue(S, LINES, 1, "is not a Kubernetes object")]);
    expect(after("~\n")).toEqual([]);
    expect(after("[1]\n")).toEqual([issue(S, LINES, 1, "is not a Kubernetes object")]);
    expect(after(sopsDoc({ head: "apiVersion: v2\nkind: Secret\n" }))).toEqual([issue(S, LINES, 1, "is a Secret (v2), not a v1 Secret")]);
    expect(after(sopsDoc({ head: "apiVersion: v1\nkind: ConfigMap\n" }))).toEqual([issue(S, LINES, 1, "is a ConfigMap (v1), not a v1 Secret")]);
    // `sops --encrypt` without --encrypted-regex encrypts every value, apiVersion and kind too.
    const WHOLE = "has its apiVersion and kind encrypted: paodin-fleet must read the Secret's kind, name and namespace, so encrypt only its data (sops --encrypt --encrypted-regex '^(data|stringData)$')";
    expect(after(sopsDoc({ head: `apiVersion: ${ENC}\nkind: ${ENC}\n` }))).toEqual([issue(S, LINES, 1, WHOLE)]);
    expect(after(sopsDoc({ head: `apiVersion: v1\nkind: ${ENC}\n` }))).toEqual([issue(S, LINES, 1, WHOLE)]);
    expect(after(sopsDoc({ head: `apiVersion: ${ENC}\nkind: Secret\n` }))).toEqual([issue(S, LINES, 1, WHOLE)]);
    // Only a string is SOPS ciphertext: a list holding one is a wrong apiVersion.
    expect(after(sopsDoc({ head: `apiVersion:\n- ${ENC}\nkind: Secret\n` }))).toEqual([issue(S, LINES, 1, `is a Secret (${ENC}), not a v1 Secret`)]);
  });

  it("accepts each key group alone, and refuses sops metadata without one or without a mac", () => {
    const meta = (groups: string) => `sops:\n${groups}  mac: ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi=,type:str]\n  version: 3.9.0\n`;
    // The key types of sops v3.13.2 (stores/stores.go); releases before 3.9 write the unused ones as empty lists.
    for (const group of ["kms", "gcp_kms", "hckms", "azure_kv", "hc_vault", "age", "pgp", "key_groups"]) {
      expect(check(sopsDoc({ sopsMeta: meta(`  ${group}:\n  - x: y\n`) })), group).toEqual([]);
      expect(after(sopsDoc({ sopsMeta: meta(`  ${group}: null\n`) })), group).toEqual([issue(S, LINES, 1, NOT_SOPS)]);
      expect(after(sopsDoc({ sopsMeta: meta(`  ${group}: []\n`) })), group).toEqual([issue(S, LINES, 1, NOT_SOPS)]);
    }
    expect(check(sopsDoc({ sopsMeta: meta("  kms: []\n  pgp: []\n  age:\n  - recipient: r\n    enc: e\n") }))).toEqual([]);
    // `sops:` alone, or null: refused, not a crash.
    expect(after(sopsDoc({ sopsMeta: "sops:\n" }))).toEqual([issue(S, LINES, 1, NOT_SOPS)]);
    expect(after(sopsDoc({ sopsMeta: "sops: 5\n" }))).toEqual([issue(S, LINES, 1, NOT_SOPS)]);
    expect(after(sopsDoc({ sopsMeta: meta("") }))).toEqual([issue(S, LINES, 1, NOT_SOPS)]);
    expect(after(sopsDoc({ sopsMeta: meta("  other:\n  - x: y\n") }))).toEqual([issue(S, LINES, 1, NOT_SOPS)]);
    expect(after(sopsDoc({ sopsMeta: SOPS_META.replace(/  mac: .*\n/, "") }))).toEqual([issue(S, LINES, 1, NOT_SOPS)]);
    expect(after(sopsDoc({ sopsMeta: "" }))).toEqual([issue(S, LINES, 1, NOT_SOPS)]);
    expect(after(sopsDoc({ sopsMeta: "sops: 5\n" }))).toEqual([issue(S, LINES, 1, NOT_SOPS)]);
  });

  it("needs metadata.name and metadata.namespace, each alone", () => {
    const META = "must name its Secret and namespace in metadata";
    expect(after(sopsDoc({ meta: `metadata:\n  namespace: ${KS}\n` }))).toEqual([issue(S, LINES, 1, META)]);
    expect(after(sopsDoc({ meta: "metadata:\n  name: objectstorage\n" }))).toEqual([issue(S, LINES, 1, META)]);
    expect(after(sopsDoc({ meta: "" }))).toEqual([issue(S, LINES, 1, META)]);
  });

  it("needs the key, every value encrypted, and the value exactly an ENC[…] string", () => {
    expect(after(sopsDoc({ data: "data: {}\n" }))).toEqual([issue(S, LINES, 1, 'has no data["thanos.yaml"]')]);
    expect(after(sopsDoc({ data: `data:\n  other: ${ENC}\n` }))).toEqual([issue(S, LINES, 1, 'has no data["thanos.yaml"]')]);
    expect(check(sopsDoc({ data: `stringData:\n  thanos.yaml: ${ENC}\n` }))).toEqual([]);
    expect(check(sopsDoc({ data: "data:\n  thanos.yaml: ENC[AES256_GCM,data:,iv:aXY=,tag:dGFn,type:str]\n" }))).toEqual([]);
    const plain = (k: string) => `value "${k}" is not SOPS-encrypted (ENC[AES256_GCM,…]); encrypt the whole data section`;
    expect(after(sopsDoc({ data: `data:\n  thanos.yaml: ${ENC}\n  other: plain\n` }))).toEqual([issue(S, LINES, 1, plain("other"))]);
    expect(after(sopsDoc({ data: `data:\n  thanos.yaml: "x${ENC}"\n` }))).toEqual([issue(S, LINES, 1, plain("thanos.yaml"))]);
    expect(after(sopsDoc({ data: `data:\n  thanos.yaml: "${ENC}x"\n` }))).toEqual([issue(S, LINES, 1, plain("thanos.yaml"))]);
    expect(after(sopsDoc({ data: `data:\n  thanos.yaml:\n  - ${ENC}\n` }))).toEqual([issue(S, LINES, 1, plain("thanos.yaml"))]);
  });
});
