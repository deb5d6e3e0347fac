import type { Issue } from "../diagnostics/issue.js";
import { issueAt, type SourceDoc } from "../load/source.js";

/**
 * Keys that hold object-store credentials in Thanos' objstore configurations (S3, GCS,
 * Azure, Swift, COS, OSS, BOS, OCI), and a few generic ones. A string under any of them in
 * a fleet file is a credential in Git, and would end up in plain text in overlays/.
 */
const CREDENTIAL_KEYS = new Set(
  [
    "access_key", "secret_key", "access_key_id", "secret_access_key", "session_token", "sse_encryption_key",
    "service_account", "storage_account_key", "account_key", "password", "secret_id", "secret_id_key",
    "application_credential_secret", "access_key_secret", "secret_access_key_id", "private_key", "privatekey",
    "token", "api_key", "apikey", "client_secret", "sas_token", "connection_string",
  ].map(normalise),
);

/** Patterns of credentials that have a recognisable shape wherever they appear. */
const CREDENTIAL_VALUES: readonly [RegExp, string][] = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
];

export const PLAIN_SECRET_ADVICE =
  "credentials must not be written in the fleet: they would be committed and rendered in plain text into overlays/. " +
  "Read them from your secret store with central.objectStorage.source.externalSecret.credentials, " +
  "or provide the Secret as existingSecret, sealedSecret or sops";

function normalise(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, "");
}

/** What every pattern of CREDENTIAL_VALUES needs in the text: most strings have none, and are looked at once. */
const MAYBE_CREDENTIAL = /AKIA|ASIA|PRIVATE KEY/;
/** Keys repeat across documents (`name`, `labels`): normalised once each. */
const credentialKeyMemo = new Map<string, boolean>();

function isCredentialKey(key: string): boolean {
  let hit = credentialKeyMemo.get(key);
  if (hit === undefined) {
    hit = CREDENTIAL_KEYS.has(normalise(key));
    if (credentialKeyMemo.size < 10_000) credentialKeyMemo.set(key, hit);
  }
  return hit;
}

/** Every plain-text credential in a fleet document, wherever it is written. */
export function plainTextSecrets(src: SourceDoc): Issue[] {
  const issues: Issue[] = [];
  // One path, extended and shortened as the walk goes; copied only for an issue.
  const path: (string | number)[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === "string") {
      const key = path.at(-1);
      if (typeof key === "string" && value !== "" && isCredentialKey(key)) {
        issues.push(issueAt(src, [...path], "plain-text-secret", `looks like a credential in plain text; ${PLAIN_SECRET_ADVICE}`));
        return;
      }
      if (!MAYBE_CREDENTIAL.test(value)) return;
      for (const [re, what] of CREDENTIAL_VALUES) {
        if (re.test(value)) {
          issues.push(issueAt(src, [...path], "plain-text-secret", `contains ${what}; ${PLAIN_SECRET_ADVICE}`));
          return;
        }
      }
      return;
    }
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        visit(value[i]);
        path.pop();
      }
    } else {
      for (const [k, v] of Object.entries(value)) {
        path.push(k);
        visit(v);
        path.pop();
      }
    }
  };
  visit(src.value);
  return issues;
}
