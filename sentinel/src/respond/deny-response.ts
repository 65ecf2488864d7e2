import { type GatewayErrorCode, gatewayError } from "./gateway-errors.js";

export interface DenyResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Whether `Accept` ranks text/html above application/json (JSON wins ties and absence). */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(",").slice(0, 32)) {
    const [range = "", ...params] = part.trim().toLowerCase().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    if (range === "text/html") html = Math.max(html, q);
    else if (range === "application/json" || range === "application/*") json = Math.max(json, q);
  }
  return html > json;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A denial in the API's envelope (`{ meta: { requestId }, error: { title, detail, status, type } }`),
 * or a small HTML page for a browser. Pure.
 */
export function denyResponse(
  code: GatewayErrorCode,
  detail: string,
  requestId: string,
  accept: string | undefined,
  extraHeaders: Record<string, string> = {},
): DenyResponse {
  const error = gatewayError(code);
  const headers: Record<string, string> = {
    "cache-control": "no-store",
    "x-request-id": requestId,
    ...extraHeaders,
  };
  let body: string;
  if (prefersHtml(accept)) {
    const title = `${error.status} ${escapeHtml(error.title)}`;
    headers["content-type"] = "text/html; charset=utf-8";
    body = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>\n<body><h1>${title}</h1><p>${escapeHtml(detail)}</p><p><small>Request ${escapeHtml(requestId)}</small></p></body></html>\n`;
  } else {
    headers["content-type"] = "application/json";
    body = JSON.stringify({
      meta: { requestId },
      error: { title: error.title, detail, status: error.status, type: error.type },
    });
  }
  headers["content-length"] = String(Buffer.byteLength(body));
  return { status: error.status, headers, body };
}
