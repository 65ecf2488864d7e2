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
