/**
 * What a credential in clear looks like: the one list of credential keys and value patterns
 * that the fleet's input check (plain-secrets.ts) and the output scan (src/check/credential-scan.ts)
 * share, and one walk over plain data that both run. Data, not text: values are read as
 * the consumer reads them, whatever quoting or escaping a YAML file gave them, and a
 * string that holds a file (kubesphere.yaml, an ExternalSecret's thanos.yaml template) is
 * read line by line as the file it is.
 */

/**
 * Keys that hold object-store credentials in Thanos' objstore configurations (S3, GCS,
 * Azure, Swift, COS, OSS, BOS, OCI), and a few generic ones; compared without case, `-`
 * and `_` (`secretKey`, `secret-key` and `SECRET_KEY` are `secret_key`; `privatekey` and
 * `apikey` are `private_key` and `api_key`).
 */
const CREDENTIAL_KEYS = new Set(
  [
    "access_key", "secret_key", "access_key_id", "secret_access_key", "session_token", "sse_encryption_key",
    "service_account", "storage_account_key", "account_key", "password", "secret_id", "secret_id_key",
    "application_credential_secret", "access_key_secret", "secret_access_key_id", "private_key",
    "token", "api_key", "client_secret", "sas_token", "connection_string",
  ].map(normalise),
);

/**
 * Fields that name a credential rather than hold one: an ExternalSecret's
 * `data[].secretKey` is the key the operator writes the secret store's value under.
 */
const NAMING_FIELDS = new Set(["secretKey"]);

/** Patterns of credentials that have a recognisable shape wherever they appear. */
const CREDENTIAL_VALUES: readonly [RegExp, string][] = [
  [/(?:^|[^0-9A-Z])(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])/, "an AWS access key id"],
  [/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/, "a private key"],
];
/** What every pattern of CREDENTIAL_VALUES needs in the text: most strings have none, and are looked at once. */
const MAYBE_CREDENTIAL = /AKIA|ASIA|PRIVATE KEY/;

/** Values that are not credentials: empty, a template expression (External Secrets), SOPS ciphertext. */
const SAFE_VALUE = /^(?:|\{\{.*\}\}|ENC\[.*\])$/s;

/** A `key: value` line of an embedded YAML file. */
const KEY_LINE = /^\s*(?:-\s+)?["']?([A-Za-z0-9_.-]+)["']?\s*:\s*(.*?)\s*$/;
/** `"key": value` pairs anywhere in a line of embedded JSON (or YAML flow style). */
const JSON_PAIR = /["']([A-Za-z0-9_.-]+)["']\s*:\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^,}\]\s]+)/g;

function normalise(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, "");
}

/** Keys repeat across documents (`name`, `labels`): normalised once each. */
const credentialKeyMemo = new Map<string, boolean>();

export function isCredentialKey(key: string): boolean {
  let hit = credentialKeyMemo.get(key);
  if (hit === undefined) {
    hit = !NAMING_FIELDS.has(key) && CREDENTIAL_KEYS.has(normalise(key));
    if (credentialKeyMemo.size < 10_000) credentialKeyMemo.set(key, hit);
  }
  return hit;
}

function isSafe(value: string): boolean {
  const v = value.trim();
  const unquoted = /^(["']).*\1$/s.test(v) ? v.slice(1, -1) : v;
  return SAFE_VALUE.test(unquoted.trim());
}

export interface CredentialFinding {
  /** Where in the data: keys and indexes. */
  readonly path: readonly (string | number)[];
  /** "an AWS access key id", "a value for secret_key". */
  readonly what: string;
  /** The credential sits under its key (not only matched by its shape). */
  readonly byKey: boolean;
  /** 1-based line inside a string that holds a file, when found there. */
  readonly line?: number;
}

/** Every credential in clear in `value`, in document order. */
export function findCredentials(value: unknown): CredentialFinding[] {
  const found: CredentialFinding[] = [];
  // One path, extended and shortened as the walk goes; copied only for a finding.
  const path: (string | number)[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === "string") {
      const key = path.at(-1);
      if (typeof key === "string" && isCredentialKey(key) && !isSafe(v)) {
        found.push({ path: [...path], what: `a value for ${key}`, byKey: true });
        return;
      }
      if (v.includes("\n")) return embedded(v, path, found);
      const shape = shapeOf(v);
      if (shape !== undefined) found.push({ path: [...path], what: shape, byKey: false });
      return;
    }
    if (v === null || typeof v !== "object") return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        visit(v[i]);
        path.pop();
      }
    } else {
      for (const [k, x] of Object.entries(v)) {
        path.push(k);
        visit(x);
        path.pop();
      }
    }
  };
  visit(value);
  return found;
}

function shapeOf(text: string): string | undefined {
  if (!MAYBE_CREDENTIAL.test(text)) return undefined;
  return CREDENTIAL_VALUES.find(([re]) => re.test(text))?.[1];
}

/** A string that holds a file: each `key: value` line as that file's reader would see it. */
function embedded(text: string, path: readonly (string | number)[], found: CredentialFinding[]): void {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const shape = shapeOf(lines[i]!);
    if (shape !== undefined) {
      found.push({ path: [...path], what: shape, byKey: false, line: i + 1 });
      continue;
    }
    const pairs = [...lines[i]!.matchAll(JSON_PAIR)].map((p) => [p[1]!, p[2]!] as const);
    const m = KEY_LINE.exec(lines[i]!);
    if (m !== null && !m[2]!.startsWith("{")) {
      const rest = m[2]!.replace(/\s+#.*$/, "");
      // A key that opens a block (`secret_key: |`) holds the lines below it.
      pairs.push([m[1]!, /^[|>][-+0-9]*$/.test(rest) ? (lines[i + 1] ?? "") : rest]);
    }
    const hit = pairs.find(([key, value]) => isCredentialKey(key) && !isSafe(value));
    if (hit !== undefined) found.push({ path: [...path], what: `a value for ${hit[0]}`, byKey: true, line: i + 1 });
  }
}
