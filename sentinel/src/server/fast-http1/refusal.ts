import { STATUS_CODES } from "node:http";
import { serializeResponseHead } from "../../http1/serialize-head.js";
import { denyResponse } from "../../respond/deny-response.js";
import type { GatewayErrorCode } from "../../respond/gateway-errors.js";

const refusalCodes: Record<number, GatewayErrorCode> = {
  400: "bad_request",
  408: "request_timeout",
  414: "uri_too_long",
  431: "header_fields_too_large",
  501: "not_implemented",
  505: "http_version_not_supported",
};

/** The answer to a request head the parser refused: the API's error envelope, then close. */
export function refusal(status: number, reason: string, requestId: string): string {
  const answer = denyResponse(
    refusalCodes[status] ?? "bad_request",
    `The request is malformed: ${reason}.`,
    requestId,
    undefined,
    { connection: "close" },
  );
  const fields: string[] = [];
  for (const name in answer.headers) fields.push(name, answer.headers[name]!);
  return `${serializeResponseHead(answer.status, STATUS_CODES[answer.status] ?? "Error", fields)}${answer.body}`;
}
