import { readdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exampleFleet, readTreeSync, run, testdir } from "./helpers/cli.js";

/** What every kubesphere.yaml base must hold besides the lines a test is about (resolve/assets.ts). */
const BASE_REST = "authentication:\n  jwtSecret: test-jwt-secret\nmulticluster:\n  enable: true\n";

/**
 * Hostile inputs that cannot live as files in test/corpus (links, binary and huge files):
 * each is refused with a clear, positioned error, exit 1, no stack trace, and a previously
 * rendered overlays/ left byte-identical.
 */
async function refused(extra: (dir: string) => void, files: Record<string, string> = exampleFleet()): Promise<string> {
  const { dir, cleanup } = testdir(files);
  try {
    expect((await run(["render"], dir)).code).toBe(0);
    const before = readTreeSync(path.join(dir, "overlays"));
    extra(dir);
    const r = await run(["render"], dir);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(readTreeSync(path.join(dir, "overlays"))).toEqual(before);
    return r.stderr.replace(dir, "<dir>");
  } finally {
    cleanup();
  }
}

describe("hostile input", () => {
  it("a link to a file outside the project", async () => {
    const outside = testdir({ "secret.yaml": "apiVersion: paodin-fleet/v1alpha1\nkind: Cluster\n" });
    try {
      const err = await refused((dir) => symlinkSync(path.join(outside.dir, "secret.yaml"), path.join(dir, "clusters/evil.yaml")));
      expect(err).toMatch(/^clusters\/evil\.yaml is a symbolic link to .*secret\.yaml, outside the project; fleet files must live in it$/m);
    } finally {
      outside.cleanup();
    }
  });

  it("a link to a directory outside the project", async () => {
    const err = await refused((dir) => symlinkSync("/etc", path.join(dir, "clusters/etc")));
    expect(err).toContain("clusters/etc is a symbolic link to /etc, outside the project; fleet files must live in it");
  });

  it("files that are not text", async () => {
    expect(await refused((dir) => writeFileSync(path.join(dir, "clusters/bin.yaml"), Buffer.from([0x6b, 0x00, 0x01, 0x02])))).toContain("clusters/bin.yaml is not a text file (it contains NUL bytes)");
    expect(await refused((dir) => writeFileSync(path.join(dir, "clusters/latin1.yaml"), Buffer.from([0x6b, 0x3a, 0x20, 0xe9, 0x0a])))).toContain("clusters/latin1.yaml is not UTF-8 text");
  });

  it("a file over the size limit", async () => {
    const err = await refused((dir) => writeFileSync(path.join(dir, "clusters/huge.yaml"), `# ${"x".repeat(9 * 1024 * 1024)}\n`));
    expect(err).toMatch(/clusters\/huge\.yaml is \d+ bytes, more than the limit of 8388608/);
  });

  it("too many documents in one file", async () => {
    const err = await refused((dir) => writeFileSync(path.join(dir, "clusters/many.yaml"), Array.from({ length: 20_001 }, () => "{}").join("\n---\n")));
    expect(err).toContain("clusters/many.yaml:1:1 has 20001 YAML documents, more than the limit of 20000");
  });

  it("nesting deeper than the limit", async () => {
    const deep = `apiVersion: paodin-fleet/v1alpha1\nkind: Cluster\nmetadata:\n  name: deep\n  annotations: ${"{a: ".repeat(70)}1${"}".repeat(70)}\nspec:\n  role: member\n`;
    expect(await refused((dir) => writeFileSync(path.join(dir, "clusters/deep.yaml"), deep))).toContain("nesting is deeper than the limit of 64");
  });

  it("a mapping with a hundred thousand keys is read in linear time", async () => {
    const labels = Array.from({ length: 100_000 }, (_, i) => `    k${i}: v`).join("\n");
    const err = await refused((dir) => writeFileSync(path.join(dir, "clusters/wide.yaml"), `apiVersion: paodin-fleet/v1alpha1\nkind: Cluster\nmetadata:\n  name: wide\n  labels:\n${labels}\n    k5: again\nspec:\n  role: member\n`));
    expect(err).toContain('clusters/wide.yaml:100006:5 YAML: the key "k5" appears twice in the same mapping');
  });

  it("a referenced file outside the project", async () => {
    const files = exampleFleet();
    files["clusters/fleet.yaml"] += "  kubesphere:\n    strategy: configMap\n    base: ../../../../../../../../etc/hostname\n";
    const { dir, cleanup } = testdir(files);
    try {
      const r = await run(["render"], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^clusters\/fleet\.yaml:\d+:\d+ spec\.kubesphere\.base: .* outside the project; files the fleet names must live in it$/m);
    } finally {
      cleanup();
    }
  });

  it("a credential that reaches the output any other way is caught before anything is written", async () => {
    const files = exampleFleet();
    files["clusters/fleet.yaml"] += "  kubesphere:\n    strategy: configMap\n    base: ../kubesphere/kubesphere.yaml\n";
    files["kubesphere/kubesphere.yaml"] = `monitoring:\n  endpoint: x\ns3:\n  endpoint: s3.example.com\n  accessKeyID: AKIAIOSFODNN7EXAMPLE\n  secret_key: wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n${BASE_REST}`;
    const { dir, cleanup } = testdir(files);
    try {
      const r = await run(["render"], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('overlays/host/configmap_kubesphere-system_kubesphere-config.yaml data["kubesphere.yaml"]: the rendered file would hold an AWS access key id in clear (line 5 of the embedded text)');
      expect(r.stderr).toContain('overlays/member-1/configmap_kubesphere-system_kubesphere-config.yaml data["kubesphere.yaml"]: the rendered file would hold a value for secret_key in clear (line 6 of the embedded text)');
      expect(r.stderr).not.toContain("wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY");
      // Overlays are written into a new tree as they are rendered: none of it may stay behind.
      expect(readdirSync(dir).sort()).toEqual(["clusters", "kubesphere"]);
    } finally {
      cleanup();
    }
  });
});

describe("credentials in clear, whatever the quoting", () => {
  const withBase = (base: string) => {
    const files = exampleFleet();
    files["clusters/fleet.yaml"] += "  kubesphere:\n    strategy: configMap\n    base: ../kubesphere/kubesphere.yaml\n";
    files["kubesphere/kubesphere.yaml"] = base + BASE_REST;
    return files;
  };

  // A comment line with a trailing space makes the emitter write kubesphere.yaml as one
  // double-quoted line, where "\n  secret_key: …" once hid the key from a line-based scan.
  for (const [name, base, what] of [
    ["a trailing space forces a double-quoted scalar", "# ks-apiserver config \nmonitoring:\n  endpoint: x\ns3:\n  secret_key: wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n", "a value for secret_key in clear (line 5 of the embedded text)"],
    ["an access key id after an escaped newline", "# x \nmonitoring:\n  endpoint: x\nkey: AKIAIOSFODNN7EXAMPLE\n", "an AWS access key id in clear (line 4 of the embedded text)"],
    ["a password", "monitoring:\n  endpoint: x\nredis:\n  password: hunter2hunter2\n", "a value for password in clear (line 4 of the embedded text)"],
    ["a token, JSON style", "monitoring:\n  endpoint: x\nextra: |\n  {\"token\": \"abc123abc123\",\n   \"name\": \"x\"}\n", "a value for token in clear"],
  ] as const) {
    it(`is refused in a rendered ConfigMap: ${name}`, async () => {
      const { dir, cleanup } = testdir(withBase(base));
      try {
        const r = await run(["render"], dir);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toContain(`overlays/host/configmap_kubesphere-system_kubesphere-config.yaml data["kubesphere.yaml"]: the rendered file would hold ${what}`);
        expect(r.stderr).not.toMatch(/wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY|hunter2|abc123/);
        expect(readdirSync(dir).sort()).toEqual(["clusters", "kubesphere"]);
      } finally {
        cleanup();
      }
    });
  }

  it("the input check and the output scan know the same keys", async () => {
    const { findCredentials } = await import("../src/validate/credentials.js");
    for (const key of ["password", "token", "secret_key", "secretAccessKey", "SAS_TOKEN", "client-secret"]) {
      expect(findCredentials({ [key]: "x1" }).map((f) => f.what), key).toEqual([`a value for ${key}`]);
      expect(findCredentials({ file: `a: b\n${key}: x1\n` }).map((f) => f.line), key).toEqual([2]);
    }
    // Names of credentials and templates of them are not credentials.
    expect(findCredentials({ secretKey: "access_key", secret_key: '{{ index . "secret_key" | toJson }}', token: "", password: "ENC[AES256_GCM,data:x]" })).toEqual([]);
    expect(findCredentials({ t: 'config:\n  secret_key: {{ index . "secret_key" | toJson }}\n  access_key: ""\n' })).toEqual([]);
  });
});

describe("sealed and SOPS secrets", () => {
  const central = (source: string) => {
    const files = exampleFleet();
    files["clusters/fleet.yaml"] = files["clusters/fleet.yaml"]!.replace(/      source:\n[\s\S]*?(?=  gitops:)/, `      source:\n${source}`);
    return files;
  };
  const sealed = (ns: string, data = "AgB".padEnd(120, "x")) =>
    `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: objectstorage\n  namespace: ${ns}\nspec:\n  encryptedData:\n    thanos.yaml: ${data}\n  template:\n    metadata:\n      name: objectstorage\n      namespace: ${ns}\n`;
  const sops = (value: string) =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: objectstorage\n  namespace: kubesphere-monitoring-system\ntype: Opaque\ndata:\n  thanos.yaml: ${value}\nsops:\n  age:\n  - recipient: age1qz\n    enc: |\n      -----BEGIN AGE ENCRYPTED FILE-----\n      YWdl\n      -----END AGE ENCRYPTED FILE-----\n  lastmodified: "2026-01-01T00:00:00Z"\n  mac: ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi=,type:str]\n  version: 3.9.0\n`;

  it("a sealed Secret is copied through byte for byte", async () => {
    const files = { ...central("        sealedSecret:\n          file: ../secrets/objectstorage.sealed.yaml\n"), "secrets/objectstorage.sealed.yaml": sealed("kubesphere-monitoring-system") };
    const { dir, cleanup } = testdir(files);
    try {
      const r = await run(["render"], dir);
      expect(r.code, r.stderr).toBe(0);
      const out = readTreeSync(path.join(dir, "overlays/host")).get("sealedsecret.bitnami.com_kubesphere-monitoring-system_objectstorage.yaml")!;
      expect(out).toBe(`# Generated by paodin-fleet from clusters/fleet.yaml, clusters/host.yaml, secrets/objectstorage.sealed.yaml. Do not edit: change the fleet and run paodin-fleet render.\n${sealed("kubesphere-monitoring-system")}`);
    } finally {
      cleanup();
    }
  });

  it("a SOPS Secret is copied through, and the host's Flux Kustomization decrypts it", async () => {
    const value = "ENC[AES256_GCM,data:dGhhbm9z,iv:aXY=,tag:dGFn,type:str]";
    const files = { ...central("        sops:\n          file: ../secrets/objectstorage.sops.yaml\n"), "secrets/objectstorage.sops.yaml": sops(value) };
    const { dir, cleanup } = testdir(files);
    try {
      const r = await run(["render"], dir);
      expect(r.code, r.stderr).toBe(0);
      const tree = readTreeSync(path.join(dir, "overlays"));
      expect(tree.get("host/secret_kubesphere-monitoring-system_objectstorage.yaml")).toContain(`thanos.yaml: ${value}`);
      expect(tree.get("_flux/host.yaml")).toContain("decryption:\n    provider: sops\n");
      expect(tree.get("_flux/member-1.yaml")).not.toContain("decryption");
    } finally {
      cleanup();
    }
  });

  it("a file that only claims to be sealed or encrypted is refused", async () => {
    for (const [source, file, content, message] of [
      ["sealedSecret", "s.yaml", sealed("kubesphere-monitoring-system", "c2VjcmV0"), 'spec.encryptedData["thanos.yaml"] is not sealed data'],
      ["sealedSecret", "s.yaml", sealed("other"), "has no SealedSecret \"objectstorage\" for namespace kubesphere-monitoring-system"],
      ["sealedSecret", "s.yaml", sops("ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]"), "is a Secret (v1), not a SealedSecret"],
      ["sops", "s.yaml", sops("dGhhbm9zOiBzZWNyZXQ="), 'value "thanos.yaml" is not SOPS-encrypted'],
      ["sops", "s.yaml", sops("ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]").replace(/sops:[\s\S]*$/, ""), "is not encrypted with SOPS"],
    ] as const) {
      const files = { ...central(`        ${source}:\n          file: ../secrets/${file}\n`), [`secrets/${file}`]: content };
      const { dir, cleanup } = testdir(files);
      try {
        const r = await run(["render"], dir);
        expect(r.code, message).toBe(1);
        expect(r.stderr, message).toContain(message);
        expect(r.stderr).not.toContain("c2VjcmV0");
      } finally {
        cleanup();
      }
    }
  });
});



describe("the credential scan pins every key and pattern, in the fleet and in the output", () => {
  const KEYS = [
    "access_key", "secret_key", "access_key_id", "secret_access_key", "session_token", "sse_encryption_key",
    "service_account", "storage_account_key", "account_key", "password", "secret_id", "secret_id_key",
    "application_credential_secret", "access_key_secret", "secret_access_key_id", "private_key", "privatekey",
    "token", "api_key", "apikey", "client_secret", "sas_token", "connection_string",
  ];

  it("knows each credential key, in any case and with - or _, as a value and inside an embedded file", async () => {
    const { findCredentials } = await import("../src/validate/credentials.js");
    for (const key of KEYS) {
      for (const spelling of [key, key.toUpperCase(), key.replace(/_/g, "-"), key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())]) {
        // An ExternalSecret's data[].secretKey names a key; it holds no secret.
        if (spelling === "secretKey") continue;
        expect(findCredentials({ a: { [spelling]: "s3cr3t-value" } }).map((f) => [f.path.join("."), f.what]), spelling).toEqual([[`a.${spelling}`, `a value for ${spelling}`]]);
        expect(findCredentials({ file: `x: 1\n  ${spelling}: "s3cr3t-value"\n` }).map((f) => f.line), spelling).toEqual([2]);
        expect(findCredentials({ file: `{"x": 1, "${spelling}": "s3cr3t-value"}\n` }).map((f) => f.line), spelling).toEqual([1]);
      }
    }
    expect(findCredentials({ bucket: "s3cr3t-value", file: "bucket: x\nregion: y\n" })).toEqual([]);
  });

  it("finds a private key and an access key id anywhere in a string, not only at its start", async () => {
    const { findCredentials } = await import("../src/validate/credentials.js");
    const key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----";
    expect(findCredentials({ note: `see below\n\n${key}\n` }).map((f) => [f.what, f.line])).toEqual([["a private key", 3]]);
    expect(findCredentials({ note: `prefix ${key.replace(/\n/g, " ")}` }).map((f) => f.what)).toEqual(["a private key"]);
    expect(findCredentials({ note: "-----BEGIN OPENSSH PRIVATE KEY-----" }).map((f) => f.what)).toEqual(["a private key"]);
    expect(findCredentials({ note: "-----BEGIN PRIVATE KEY-----" }).map((f) => f.what)).toEqual(["a private key"]);
    expect(findCredentials({ note: "id=AKIAIOSFODNN7EXAMPLE;" }).map((f) => f.what)).toEqual(["an AWS access key id"]);
    expect(findCredentials({ note: "ASIAIOSFODNN7EXAMPLE" }).map((f) => f.what)).toEqual(["an AWS access key id"]);
    // Longer runs of capitals are not access key ids.
    expect(findCredentials({ note: "XAKIAIOSFODNN7EXAMPLEX" })).toEqual([]);
    expect(findCredentials({ note: "-----BEGIN CERTIFICATE-----" })).toEqual([]);
  });

  it("refuses a private key that reaches a rendered file through a label", async () => {
    const files = exampleFleet();
    files["clusters/host.yaml"] = files["clusters/host.yaml"]!.replace("  labels:\n", "  labels:\n    note: \"-----BEGIN EC PRIVATE KEY----- abc\"\n");
    files["clusters/fleet.yaml"] = files["clusters/fleet.yaml"]!.replace('gatewayURL: "http://{{host.labels.node-ip}}:30990"', 'gatewayURL: "http://{{host.labels.node-ip}}:30990/{{host.labels.note}}"');
    const { dir, cleanup } = testdir(files);
    try {
      const r = await run(["render"], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("contains a private key");
      expect(readdirSync(dir).sort()).toEqual(["clusters"]);
    } finally {
      cleanup();
    }
  });
});
