import { Resolver } from "node:dns/promises";

/** The DNS lookups domain verification needs; passed in so tests can run their own DNS server. */
export interface DnsLookup {
  resolveTxt(name: string): Promise<string[][]>;
  resolveCname(name: string): Promise<string[]>;
}

export function systemDnsLookup(servers?: string[]): DnsLookup {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (servers && servers.length > 0) resolver.setServers(servers);
  return {
    resolveTxt: (name) => resolver.resolveTxt(name),
    resolveCname: (name) => resolver.resolveCname(name),
  };
}

/** What one lookup found: the records, none (the name or type does not exist), or no answer. */
export type DnsAnswer<T> =
  | { kind: "found"; records: T[] }
  | { kind: "absent" }
  | { kind: "unknown" };

/** Answers that say the record is not there; anything else (timeout, SERVFAIL, refused) says nothing. */
const absentCodes = new Set(["ENOTFOUND", "ENODATA"]);

/** The longest one lookup may take, whatever the resolver's own retries add up to. */
export const dnsLookupDeadlineMs = 10_000;

/**
 * One lookup, classified: a timeout or a server failure is `unknown`, never `absent`, so a DNS
 * outage can't be mistaken for a record that was removed.
 */
export async function lookupAnswer<T>(
  lookup: () => Promise<T[]>,
  deadlineMs = dnsLookupDeadlineMs,
): Promise<DnsAnswer<T>> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<DnsAnswer<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "unknown" }), deadlineMs);
  });
  const answer = lookup().then(
    (records): DnsAnswer<T> =>
      records.length > 0 ? { kind: "found", records } : { kind: "absent" },
    (error: unknown): DnsAnswer<T> =>
      absentCodes.has(String((error as { code?: unknown }).code))
        ? { kind: "absent" }
        : { kind: "unknown" },
  );
  try {
    return await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export const recordsOf = <T>(answer: DnsAnswer<T>): T[] =>
  answer.kind === "found" ? answer.records : [];
