/** Checks on resolved setting values that a schema cannot express. Pure; each returns a message or nothing. */

/** A gateway base URL: http(s), a host, no query or fragment. Returned without a trailing slash. */
export function checkGatewayURL(raw: string): { url: string } | { message: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { message: `${JSON.stringify(raw)} is not a URL; write it as http://<host>:<port>, such as http://10.0.0.10:30990` };
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return { message: `must be an http:// or https:// URL, not ${u.protocol}` };
  // WHATWG's URL escapes them; KubeSphere's installer schema (`^https?://[^\s?#]+$`) and the URL
  // as written into every Prometheus do not.
  if (/[\s\p{Cc}]/u.test(raw)) return { message: `${JSON.stringify(raw)} has a space or control character in it; write it as %20 (or the character's %XX)` };
  if (u.search !== "" || u.hash !== "") return { message: "must not have a query (?…) or fragment (#…): the cluster name and API path are appended to it" };
  if (u.username !== "" || u.password !== "") return { message: "must not carry credentials: it is rendered in plain text into every cluster's Prometheus" };
  return { url: raw.replace(/\/+$/, "") };
}

/** `host:port` as Thanos Query's --store takes it. */
export function checkStoreAddress(raw: string): string | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?):(\d{1,5})$/.exec(raw);
  if (m === null) return `${JSON.stringify(raw)} is not host:port, such as 10.0.0.21:30901 or member-1-sidecar.example.com:10901`;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return `port ${port} is out of range (1-65535)`;
  return undefined;
}

/**
 * A GitOps repository must pin what it deploys: a digest, or a tag other than `latest`.
 * Returns why the reference is not pinned, or nothing.
 */
export function unpinnedReason(image: string): string | undefined {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return undefined;
  if (image.includes("@")) return "its digest is not sha256:<64 hex digits>";
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.indexOf(":");
  if (colon < 0) return "it has no tag, so it means the moving tag latest";
  const tag = lastSegment.slice(colon + 1);
  if (tag === "latest") return "its tag latest moves";
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) return `its tag ${JSON.stringify(tag)} is not a valid tag`;
  return undefined;
}

