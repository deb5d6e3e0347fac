import type { Issue } from "../diagnostics/issue.js";
import { issueAt, type SourceDoc } from "../load/source.js";
import { findCredentials } from "./credentials.js";

export const PLAIN_SECRET_ADVICE =
  "credentials must not be written in the fleet: they would be committed and rendered in plain text into overlays/. " +
  "Read them from your secret store with central.objectStorage.source.externalSecret.credentials, " +
  "or provide the Secret as existingSecret, sealedSecret or sops";

/** Every plain-text credential in a fleet document, wherever it is written (credentials.ts knows what one looks like). */
export function plainTextSecrets(src: SourceDoc): Issue[] {
  return findCredentials(src.value).map((f) => {
    const where = f.line === undefined ? "" : ` (line ${f.line} of the text)`;
    const message = f.byKey ? `looks like a credential in plain text${where}` : `contains ${f.what}${where}`;
    return issueAt(src, f.path, "plain-text-secret", `${message}; ${PLAIN_SECRET_ADVICE}`);
  });
}
