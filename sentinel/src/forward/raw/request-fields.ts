import type { ForwardHeaders } from "../../request/forward-headers.js";

/**
 * One Content-Length. The parser accepts copies that agree (`5, 5`, or two fields) as RFC 9110
 * allows, but an app's parser may not (llhttp refuses both): the app gets the number once.
 */
function singleLength(value: string | string[]): string {
  const first = typeof value === "string" ? value : value[0]!;
  const comma = first.indexOf(",");
  return (comma === -1 ? first : first.slice(0, comma)).trim();
}

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
    if (name === "content-length") fields.push(name, singleLength(value));
    else if (typeof value === "string") fields.push(name, value);
    else for (const item of value) fields.push(name, item);
  }
  if (chunked) fields.push("transfer-encoding", "chunked");
  return fields;
}
