import { createSocket, type RemoteInfo } from "node:dgram";
import { onHarnessTeardown } from "@slipway/shared/harness-teardown";

/**
 * A tiny authoritative DNS server on 127.0.0.1 for tests: it answers TXT and CNAME queries from
 * a zone the test edits, and NXDOMAIN for names it holds nothing for. The app under test reaches
 * it through the real resolver (`systemDnsLookup(["127.0.0.1:<port>"])`), so the wire format,
 * TXT chunking and case-insensitive matching are exercised as they would be in production.
 *
 * Only what the resolver sends is understood: one question, optional EDNS OPT in the additional
 * section (ignored), no TCP (answers stay far below 512 bytes).
 */
export interface TestDnsServer {
  /** `127.0.0.1:<port>`, ready for `Resolver#setServers`. */
  address: string;
  /** Publishes (or replaces) the records of one type at a name. */
  setRecord(name: string, type: "TXT" | "CNAME", values: string[]): void;
  removeRecord(name: string, type: "TXT" | "CNAME"): void;
  /** Every question received, lowercased, as `TYPE name`: proves the app actually asked. */
  queries: string[];
  close(): Promise<void>;
}

const recordTypes = { CNAME: 5, TXT: 16 } as const;
const typeNames = new Map<number, string>(
  Object.entries(recordTypes).map(([name, code]) => [code, name]),
);
const rcode = { noError: 0, formErr: 1, notImp: 4, nxDomain: 3 } as const;
const ttlSeconds = 60;

/** Reads the uncompressed name a query's question starts with; returns it and the offset after it. */
function readName(message: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let at = offset;
  for (;;) {
    const length = message.readUInt8(at);
    if (length === 0) return { name: labels.join("."), end: at + 1 };
    // Compression pointers never appear in a question the resolver sends; treat them as malformed.
    if (length > 63) throw new Error("unsupported label");
    labels.push(message.toString("latin1", at + 1, at + 1 + length));
    at += 1 + length;
  }
}

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, "").split(".").filter(Boolean);
  return Buffer.concat([
    ...parts.map((part) =>
      Buffer.concat([Buffer.from([part.length]), Buffer.from(part, "latin1")]),
    ),
    Buffer.from([0]),
  ]);
}

/** A TXT value longer than 255 bytes is split into several character-strings, as real zones do. */
function encodeTxt(value: string): Buffer {
  const bytes = Buffer.from(value, "utf8");
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length || chunks.length === 0; at += 255) {
    const chunk = bytes.subarray(at, at + 255);
    chunks.push(Buffer.from([chunk.length]), chunk);
  }
  return Buffer.concat(chunks);
}

function answerRecord(type: number, rdata: Buffer): Buffer {
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16BE(0xc00c, 0); // pointer to the question's name, so its case is echoed exactly
  fixed.writeUInt16BE(type, 2);
  fixed.writeUInt16BE(1, 4); // class IN
  fixed.writeUInt32BE(ttlSeconds, 6);
  fixed.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([fixed, rdata]);
}

function reply(query: Buffer, questionEnd: number, code: number, answers: Buffer[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // same id
  const recursionDesired = query.readUInt16BE(2) & 0x0100;
  // QR=1, opcode 0, AA=1, RD copied, RA=1, rcode.
  header.writeUInt16BE(0x8000 | 0x0400 | recursionDesired | 0x0080 | code, 2);
  header.writeUInt16BE(questionEnd > 12 ? 1 : 0, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, query.subarray(12, questionEnd), ...answers]);
}

function respond(
  query: Buffer,
  zone: Map<string, Map<number, string[]>>,
  queries: string[],
): Buffer {
  if (query.length < 12) throw new Error("short message");
  if (query.readUInt16BE(4) !== 1 || (query.readUInt16BE(2) & 0x7800) !== 0) {
    return reply(query, 12, rcode.notImp, []);
  }
  const { name, end } = readName(query, 12);
  const type = query.readUInt16BE(end);
  const questionEnd = end + 4;
  const key = name.toLowerCase();
  queries.push(`${typeNames.get(type) ?? type} ${key}`);
  const records = zone.get(key);
  if (!records) return reply(query, questionEnd, rcode.nxDomain, []);
  const values = records.get(type) ?? [];
  const rdata = values.map((value) =>
    type === recordTypes.TXT ? encodeTxt(value) : encodeName(value),
  );
  return reply(
    query,
    questionEnd,
    rcode.noError,
    rdata.map((data) => answerRecord(type, data)),
  );
}

/** Starts the server on a free port; it stops when the test file finishes. */
export async function startTestDnsServer(): Promise<TestDnsServer> {
  const zone = new Map<string, Map<number, string[]>>();
  const queries: string[] = [];
  const socket = createSocket("udp4");
  socket.on("message", (message: Buffer, remote: RemoteInfo) => {
    let response: Buffer;
    try {
      response = respond(message, zone, queries);
    } catch {
      if (message.length < 12) return;
      response = reply(message.subarray(0, 12), 12, rcode.formErr, []);
    }
    socket.send(response, remote.port, remote.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      socket.off("error", reject);
      resolve();
    });
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  };
  onHarnessTeardown(close);

  return {
    address: `127.0.0.1:${socket.address().port}`,
    queries,
    setRecord(name, type, values) {
      const key = name.replace(/\.$/, "").toLowerCase();
      const records = zone.get(key) ?? new Map<number, string[]>();
      records.set(recordTypes[type], [...values]);
      zone.set(key, records);
    },
    removeRecord(name, type) {
      const key = name.replace(/\.$/, "").toLowerCase();
      zone.get(key)?.delete(recordTypes[type]);
      if (zone.get(key)?.size === 0) zone.delete(key);
    },
    close,
  };
}
