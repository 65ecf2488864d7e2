import type { RequestLogPosition } from "./request-log-query.js";

/** Pure: a page position as the opaque cursor the API hands out (`<epoch ms>.<id>`, base64url). */
export function encodePosition(position: RequestLogPosition): string {
  return Buffer.from(`${position.time}.${position.id}`).toString("base64url");
}

/** Pure: the position in a cursor, or undefined when it is not one this store made. */
export function decodePosition(cursor: string): RequestLogPosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return undefined;
  const match = /^(\d{1,15})\.(\d{1,19})$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!match) return undefined;
  const id = BigInt(match[2]!);
  if (id > 9_223_372_036_854_775_807n) return undefined;
  return { time: Number(match[1]), id: id.toString() };
}
