import type { ForwardHeaders } from "../../request/forward-headers.js";

/**
 * The forwarded headers as the flat `[name, value…]` list a request head is written from; with
 * `Transfer-Encoding: chunked` added when a body of unknown length follows (the client's own
 * framing is hop-by-hop and was removed).
 */
export function requestHeadFields(headers: ForwardHeaders, chunked: boolean): string[] {
  const fields: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (typeof value === "string") fields.push(name, value);
    else for (const item of value) fields.push(name, item);
  }
  if (chunked) fields.push("transfer-encoding", "chunked");
  return fields;
}
