import { type ErrorCode, errorCodes, errorDocsBaseUrl, errorTypeUrl } from "@slipway/shared";

/**
 * What Sentinel answers with: the shared registry's codes plus the few only a proxy has.
 * The extra ones live here, not in shared/errors.ts, because no other service emits them.
 */
const gatewayOnly = {
  bad_gateway: { status: 502, title: "Bad Gateway" },
  gateway_timeout: { status: 504, title: "Gateway Timeout" },
  loop_detected: { status: 508, title: "Loop Detected" },
  uri_too_long: { status: 414, title: "URI Too Long" },
  // What Sentinel's HTTP/1.1 parser refuses (src/http1/request-head.ts).
  request_timeout: { status: 408, title: "Request Timeout" },
  header_fields_too_large: { status: 431, title: "Request Header Fields Too Large" },
  not_implemented: { status: 501, title: "Not Implemented" },
  http_version_not_supported: { status: 505, title: "HTTP Version Not Supported" },
  // nginx's code for a request whose client went away before it was answered; logged, never sent.
  client_closed_request: { status: 499, title: "Client Closed Request" },
} as const;

export type GatewayErrorCode = ErrorCode | keyof typeof gatewayOnly;

export interface GatewayError {
  status: number;
  title: string;
  type: string;
}

export function gatewayError(code: GatewayErrorCode): GatewayError {
  if (code in gatewayOnly) {
    const entry = gatewayOnly[code as keyof typeof gatewayOnly];
    return {
      status: entry.status,
      title: entry.title,
      type: `${errorDocsBaseUrl}/gateway/${code}`,
    };
  }
  const entry = errorCodes[code as ErrorCode];
  return { status: entry.status, title: entry.title, type: errorTypeUrl(code as ErrorCode) };
}
