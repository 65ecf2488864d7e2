import { domainToASCII } from "node:url";
import { AppError } from "@slipway/shared";
import { parse } from "tldts";

export interface CanonicalDomain {
  /** Lowercase ASCII, Punycode for Unicode labels, no trailing dot. */
  name: string;
  /** The registrable domain itself (acme.com, acme.co.uk): it cannot hold a CNAME. */
  isApex: boolean;
}

const invalid = (detail: string, fix?: string) =>
  new AppError("bad_request", detail, {
    errors: [{ location: "body.domain", message: detail, ...(fix ? { fix } : {}) }],
  });

/** Pure: validates a user-typed hostname and tells apex from subdomain by the public suffix list. */
export function canonicalizeDomain(input: string): CanonicalDomain {
  const trimmed = input.trim().replace(/\.$/, "");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) || /[/:?#@\s]/.test(trimmed)) {
    throw invalid(
      `'${input}' is not a bare hostname`,
      "Send only the name, e.g. 'api.acme.com': no scheme, port or path.",
    );
  }
  const ascii = domainToASCII(trimmed.toLowerCase());
  if (!ascii) throw invalid(`'${input}' is not a valid domain name`);
  if (ascii.length > 253) throw invalid("a domain name is at most 253 characters");
  const labels = ascii.split(".");
  if (labels.length < 2) throw invalid(`'${input}' needs at least two labels, such as 'acme.com'`);
  for (const label of labels) {
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) {
      throw invalid(`'${label}' is not a valid DNS label in '${input}'`);
    }
  }
  const parsed = parse(ascii);
  if (parsed.isIp) throw invalid("an IP address is not a domain name");
  if (!parsed.isIcann || !parsed.domain) {
    throw invalid(
      `'${ascii}' is a public suffix or not under a known top-level domain`,
      "Attach a name you registered, such as 'acme.co.uk' or 'api.acme.co.uk'.",
    );
  }
  return { name: ascii, isApex: parsed.domain === ascii };
}

/**
 * Pure: refuses a custom domain at or under the preview domain. Slipway names deployments and
 * environments there; a workspace that could attach one of those names as its own domain
 * (domains win over preview names in Sentinel) would take another workspace's traffic.
 */
export function assertOutsidePreviewDomain(name: string, previewDomain: string): void {
  if (name === previewDomain || name.endsWith(`.${previewDomain}`)) {
    throw invalid(
      `'${name}' is under '${previewDomain}', where Slipway names deployments itself`,
      "Attach a name you registered; every deployment already answers under the preview domain.",
    );
  }
}

export const verificationRecordPrefix = "_slipway";
export const verificationValuePrefix = "slipway-verification=";
export const dnsRecordTtl = 60;

export interface DnsRecordView {
  type: "CNAME" | "ALIAS" | "TXT";
  name: string;
  value: string;
  ttl: number;
  verified: boolean;
  note?: string;
}

/** Pure: the two records a domain needs, one for routing and one proving ownership. */
export function dnsRecordsFor(
  domain: {
    name: string;
    isApex: boolean;
    verificationToken: string;
    routingVerified: boolean;
    ownershipVerified: boolean;
  },
  target: string,
): DnsRecordView[] {
  return [
    domain.isApex
      ? {
          type: "ALIAS",
          name: domain.name,
          value: target,
          ttl: dnsRecordTtl,
          verified: domain.routingVerified,
          note: "An apex domain cannot hold a CNAME: use your provider's ALIAS, ANAME or flattened CNAME.",
        }
      : {
          type: "CNAME",
          name: domain.name,
          value: target,
          ttl: dnsRecordTtl,
          verified: domain.routingVerified,
          note: "Routes traffic for this name to Slipway.",
        },
    {
      type: "TXT",
      name: `${verificationRecordPrefix}.${domain.name}`,
      value: `${verificationValuePrefix}${domain.verificationToken}`,
      ttl: dnsRecordTtl,
      verified: domain.ownershipVerified,
      note: "Proves you control this name; keep it while the domain is attached.",
    },
  ];
}
