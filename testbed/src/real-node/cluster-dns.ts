/**
 * The real node's cluster DNS, the decisions: a DNS query read from its UDP packet, the answer
 * for `<service>.<namespace>.svc.<cluster domain>` (the Service's cluster IP; a headless
 * Service's ready endpoints), and the reply
 * packet (RFC 1035). Pure; cluster-dns-server.ts does the I/O. Only what pods of a test need:
 * A records of Services; AAAA of a Service is an empty answer, every other name NXDOMAIN
 * (pods on the testbed reach nothing off the machine, so there is nothing to forward to).
 */

export const DNS_TYPE_A = 1;
export const DNS_TYPE_AAAA = 28;
const CLASS_IN = 1;
const HEADER_BYTES = 12;
const MAX_NAME_BYTES = 255;
/** Seconds a pod may cache an answer: short, as Services come and go within a test. */
export const ANSWER_TTL_SECONDS = 5;

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export const RCODE = { noError: 0, formatError: 1, nxDomain: 3, notImplemented: 4 } as const;

export interface DnsQuery {
  id: number;
  /** The header's RD bit, echoed back. */
  recursionDesired: boolean;
  /** Lower case, without the trailing dot. */
  name: string;
  type: number;
  qclass: number;
  /** The question section's bytes, echoed back in the reply. */
  question: Buffer;
}

/** The one question of a standard query, or undefined when the packet is not one. */
export function parseDnsQuery(packet: Buffer): DnsQuery | undefined {
  if (packet.length < HEADER_BYTES + 5) return undefined;
  const flags = packet.readUInt16BE(2);
  const isQuery = (flags & 0x8000) === 0 && ((flags >> 11) & 0xf) === 0;
  if (!isQuery || packet.readUInt16BE(4) !== 1) return undefined;
  const labels: string[] = [];
  let offset = HEADER_BYTES;
  for (;;) {
    const length = packet[offset];
    if (length === undefined || length > 63) return undefined; // no compression in questions
    offset += 1;
    if (length === 0) break;
    if (offset + length > packet.length) return undefined;
    labels.push(packet.toString("latin1", offset, offset + length).toLowerCase());
    offset += length;
    if (offset - HEADER_BYTES > MAX_NAME_BYTES) return undefined;
  }
  if (offset + 4 > packet.length) return undefined;
  return {
    id: packet.readUInt16BE(0),
    recursionDesired: (flags & 0x0100) !== 0,
    name: labels.join("."),
    type: packet.readUInt16BE(offset),
    qclass: packet.readUInt16BE(offset + 2),
    question: packet.subarray(HEADER_BYTES, offset + 4),
  };
}

/**
 * A Service's addresses: its cluster IP, or a headless one's ready endpoints (possibly none);
 * undefined when there is no such Service.
 */
export type ServiceLookup = (namespace: string, name: string) => string[] | undefined;

export interface DnsAnswer {
  rcode: number;
  /** IPv4 addresses answered as A records. */
  addresses: string[];
}

/**
 * `<service>.<namespace>.svc.<clusterDomain>` → the Service's addresses (`lookup`).
 */
export function answerQuery(
  query: Pick<DnsQuery, "name" | "type" | "qclass">,
  clusterDomain: string,
  lookup: ServiceLookup,
): DnsAnswer {
  if (query.qclass !== CLASS_IN) return { rcode: RCODE.notImplemented, addresses: [] };
  const suffix = `.svc.${clusterDomain}`;
  if (!query.name.endsWith(suffix)) return { rcode: RCODE.nxDomain, addresses: [] };
  const parts = query.name.slice(0, -suffix.length).split(".");
  if (parts.length !== 2) return { rcode: RCODE.nxDomain, addresses: [] };
  const [service, namespace] = parts as [string, string];
  const found = lookup(namespace, service);
  if (found === undefined) return { rcode: RCODE.nxDomain, addresses: [] };
  // The name exists: a type it has no record of is an empty answer, not NXDOMAIN.
  const addresses = query.type === DNS_TYPE_A ? found.filter((a) => IPV4.test(a)) : [];
  return { rcode: RCODE.noError, addresses };
}

/** The reply packet: the question echoed, authoritative, the answer's A records. */
export function makeDnsReply(query: DnsQuery, answer: DnsAnswer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt16BE(query.id, 0);
  const flags = 0x8000 | 0x0400 | (query.recursionDesired ? 0x0100 : 0) | (answer.rcode & 0xf);
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answer.addresses.length, 6);
  const records = answer.addresses.map((address) => {
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc000 | HEADER_BYTES, 0); // the name: a pointer to the question's
    record.writeUInt16BE(DNS_TYPE_A, 2);
    record.writeUInt16BE(CLASS_IN, 4);
    record.writeUInt32BE(ANSWER_TTL_SECONDS, 6);
    record.writeUInt16BE(4, 10);
    address.split(".").forEach((octet, i) => {
      record[12 + i] = Number(octet);
    });
    return record;
  });
  return Buffer.concat([header, query.question, ...records]);
}

/** A reply of FORMERR to a packet that is no query this server reads (id kept if present). */
export function makeFormatErrorReply(packet: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  if (packet.length >= 2) header.writeUInt16BE(packet.readUInt16BE(0), 0);
  header.writeUInt16BE(0x8000 | RCODE.formatError, 2);
  return header;
}
