import http from "node:http";
import type { StackInfo } from "../stack-info.js";

export interface SentinelAnswer {
  status: number;
  body: string;
}

/** One request through the stack's real Sentinel to the seeded app's verified domain. */
export function throughSentinel(
  sentinel: StackInfo["sentinel"],
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<SentinelAnswer> {
  const url = new URL(sentinel.url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: options.method ?? "GET",
        headers: { ...options.headers, host: sentinel.host },
        agent: false,
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on("error", reject);
    request.end(options.body);
  });
}

/** `POST /v2/<operation>` on the stack's API with the owner's root key (test setup, not the UI). */
export async function callApi(
  stack: StackInfo,
  operation: string,
  body: unknown,
): Promise<unknown> {
  const response = await fetch(`${stack.apiUrl}/v2/${operation}`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.owner.rootKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const envelope = (await response.json()) as { data?: unknown };
  if (!response.ok) throw new Error(`${operation}: ${response.status} ${JSON.stringify(envelope)}`);
  return envelope.data;
}
