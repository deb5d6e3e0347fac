/**
 * String formats of the fleet schemas and of Kubernetes' OpenAPI, with the message a
 * person reads when a value does not match. ajv checks them; ajv-issues.ts words them.
 */
import { isIPv6 } from "node:net";

export interface Format {
  readonly validate: (value: string) => boolean;
  readonly message: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Kubernetes resource.Quantity: a signed decimal with an optional SI, binary-SI or exponent suffix.
const QUANTITY = /^[+-]?(\d+|\d+\.\d*|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
// Go's time.ParseDuration units; µ written as an escape, so that the bundle stays ASCII.
const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|\u00b5s|ms|s|m|h))+$/;

/**
 * A network as the API server reads `loadBalancerSourceRanges` and a NetworkPolicy's
 * `ipBlock.cidr`: Go's net.ParseCIDR (no zone, IPv4 octets without leading zeros, a prefix
 * no longer than the address).
 */
function isCIDR(v: string): boolean {
  const slash = v.lastIndexOf("/");
  if (slash < 0) return false;
  const address = v.slice(0, slash);
  const prefix = v.slice(slash + 1);
  const v4 = /^(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){3}$/.test(address) && address.split(".").every((o) => Number(o) <= 255);
  const bits = v4 ? 32 : isIPv6(address) && !address.includes("%") ? 128 : 0;
  return bits > 0 && /^(0|[1-9][0-9]{0,2})$/.test(prefix) && Number(prefix) <= bits;
}

export const FORMATS: Readonly<Record<string, Format>> = {
  cidr: { validate: isCIDR, message: "must be a network in CIDR notation, such as 10.0.1.0/24 or fd00::/64 (IPv4 octets without leading zeros, a prefix of at most 32 or 128 bits)" },
  "dns1123-label": {
    validate: (v) => v.length <= 63 && DNS_LABEL.test(v),
    message: "must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)",
  },
  "dns1123-subdomain": {
    validate: (v) => v.length <= 253 && DNS_SUBDOMAIN.test(v) && v.split(".").every((l) => l.length <= 63),
    message: "must be a DNS-1123 subdomain (DNS labels joined by '.', at most 253 characters)",
  },
  duration: { validate: (v) => DURATION.test(v), message: "must be a duration such as 30s, 10m or 1h30m" },
  quantity: { validate: (v) => QUANTITY.test(v), message: "must be a Kubernetes quantity such as 100m, 512Mi or 2" },
  byte: { validate: (v) => BASE64.test(v), message: "must be base64-encoded" },
  "date-time": { validate: (v) => DATE_TIME.test(v), message: "must be an RFC 3339 date-time such as 2024-01-31T12:00:00Z" },
  // Numeric formats: the type keyword already checks integers; the range is what the API server enforces.
  int32: { validate: () => true, message: "must be a 32-bit integer" },
  int64: { validate: () => true, message: "must be a 64-bit integer" },
};

export const NUMBER_FORMATS: Readonly<Record<string, (n: number) => boolean>> = {
  int32: (n) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647,
  int64: (n) => Number.isSafeInteger(n),
};

/** The formats as ajv takes them, at run time and in the precompiled validators. */
export const AJV_FORMATS: Readonly<Record<string, { type: "string"; validate: (v: string) => boolean } | { type: "number"; validate: (n: number) => boolean }>> =
  Object.fromEntries(
    Object.entries(FORMATS).map(([name, f]) => {
      const numeric = NUMBER_FORMATS[name];
      return [name, numeric !== undefined ? { type: "number" as const, validate: numeric } : { type: "string" as const, validate: f.validate }];
    }),
  );
