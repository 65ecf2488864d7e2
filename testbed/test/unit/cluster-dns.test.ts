import { describe, expect, it } from "vitest";
import {
  ANSWER_TTL_SECONDS,
  answerQuery,
  DNS_TYPE_A,
  DNS_TYPE_AAAA,
  makeDnsReply,
  makeFormatErrorReply,
  parseDnsQuery,
  RCODE,
} from "../../src/real-node/cluster-dns.js";

/** A standard query as glibc's resolver sends it (RD set, one question). */
function queryPacket(name: string, type: number, id = 0x1234): Buffer {
  const labels = name.split(".").map((label) => {
    const bytes = Buffer.from(label, "latin1");
    return Buffer.concat([Buffer.from([bytes.length]), bytes]);
  });
  const header = Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  const tail = Buffer.from([0, type >> 8, type & 0xff, 0, 1]);
  return Buffer.concat([header, ...labels, tail]);
}

const services: Record<string, string[]> = {
  "slipway-system/slipway-postgresql": ["10.96.0.42"],
  "slipway-system/slipway-buildkitd": ["10.245.0.17"],
  "slipway-system/slipway-starting": [],
};
const lookup = (namespace: string, name: string) => services[`${namespace}/${name}`];

describe("parseDnsQuery", () => {
  it("reads the id, the lower-cased name and the type of one question", () => {
    const query = parseDnsQuery(
      queryPacket("Slipway-PostgreSQL.slipway-system.svc.cluster.local", 1),
    );
    expect(query).toMatchObject({
      id: 0x1234,
      recursionDesired: true,
      name: "slipway-postgresql.slipway-system.svc.cluster.local",
      type: DNS_TYPE_A,
      qclass: 1,
    });
  });

  it("refuses what is no standard query: a reply, a truncated name, a compression pointer", () => {
    const reply = queryPacket("a.b", 1);
    reply[2] = 0x81;
    expect(parseDnsQuery(reply)).toBeUndefined();
    expect(parseDnsQuery(queryPacket("a.b", 1).subarray(0, 15))).toBeUndefined();
    const pointer = Buffer.concat([
      queryPacket("a", 1).subarray(0, 12),
      Buffer.from([0xc0, 0x0c, 0, 0, 1, 0, 1]),
    ]);
    expect(parseDnsQuery(pointer)).toBeUndefined();
    expect(parseDnsQuery(Buffer.alloc(3))).toBeUndefined();
  });
});

describe("answerQuery", () => {
  const ask = (name: string, type = DNS_TYPE_A) =>
    answerQuery({ name, type, qclass: 1 }, "cluster.local", lookup);

  it("answers a Service's name with its cluster IP", () => {
    expect(ask("slipway-postgresql.slipway-system.svc.cluster.local")).toEqual({
      rcode: RCODE.noError,
      addresses: ["10.96.0.42"],
    });
  });

  it("answers a headless Service's name with its ready endpoints", () => {
    expect(ask("slipway-buildkitd.slipway-system.svc.cluster.local").addresses).toEqual([
      "10.245.0.17",
    ]);
  });

  it("gives an existing name without an IPv6 or cluster address an empty answer, not NXDOMAIN", () => {
    // glibc asks A and AAAA together; NXDOMAIN for AAAA would fail the whole lookup.
    expect(ask("slipway-postgresql.slipway-system.svc.cluster.local", DNS_TYPE_AAAA)).toEqual({
      rcode: RCODE.noError,
      addresses: [],
    });
    expect(ask("slipway-starting.slipway-system.svc.cluster.local")).toEqual({
      rcode: RCODE.noError,
      addresses: [],
    });
  });

  it("says NXDOMAIN for unknown Services, the search list's other expansions and other names", () => {
    for (const name of [
      "nope.slipway-system.svc.cluster.local",
      "slipway-postgresql.slipway-system.svc.slipway-system.svc.cluster.local",
      "slipway-system.svc.cluster.local",
      "registry.npmjs.org",
    ]) {
      expect(ask(name).rcode, name).toBe(RCODE.nxDomain);
    }
  });
});

describe("makeDnsReply", () => {
  it("echoes the id and question and carries the A record, authoritative, with a short TTL", () => {
    const packet = queryPacket("slipway-postgresql.slipway-system.svc.cluster.local", 1, 0xbeef);
    const query = parseDnsQuery(packet)!;
    const reply = makeDnsReply(query, { rcode: RCODE.noError, addresses: ["10.96.0.42"] });
    expect(reply.readUInt16BE(0)).toBe(0xbeef);
    expect(reply.readUInt16BE(2)).toBe(0x8000 | 0x0400 | 0x0100); // QR, AA, RD; NOERROR
    expect([reply.readUInt16BE(4), reply.readUInt16BE(6)]).toEqual([1, 1]);
    expect(reply.subarray(12, packet.length)).toEqual(packet.subarray(12));
    const record = reply.subarray(packet.length);
    expect(record.readUInt16BE(0)).toBe(0xc00c);
    expect(record.readUInt32BE(6)).toBe(ANSWER_TTL_SECONDS);
    expect([...record.subarray(12)]).toEqual([10, 96, 0, 42]);
  });

  it("answers NXDOMAIN with no records and FORMERR to a packet it cannot read", () => {
    const query = parseDnsQuery(queryPacket("x.y", 1))!;
    const reply = makeDnsReply(query, { rcode: RCODE.nxDomain, addresses: [] });
    expect(reply.readUInt16BE(2) & 0xf).toBe(RCODE.nxDomain);
    expect(reply.readUInt16BE(6)).toBe(0);
    expect(makeFormatErrorReply(Buffer.from([0xab, 0xcd, 0x81])).readUInt16BE(0)).toBe(0xabcd);
  });
});
