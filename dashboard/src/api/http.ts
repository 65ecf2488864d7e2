import { ApiError, apiErrorFrom } from "./api-error";
import { currentSession, setSession } from "./session-store";

export const csrfHeader = "X-Slipway-CSRF";

/**
 * The one fetch every API call goes through (the SDK's included): same-origin cookie, the CSRF
 * header from memory, never an Authorization header. A 401 means the session ended: the app
 * falls back to the sign-in page.
 */
export async function sessionFetch(
  input: RequestInfo | URL,
  init?: RequestInit,
): Promise<Response> {
  const request = new Request(input, init);
  const headers = new Headers(request.headers);
  headers.delete("authorization");
  const session = currentSession();
  if (session) headers.set(csrfHeader, session.csrfToken);
  const response = await fetch(new Request(request, { headers, credentials: "same-origin" }));
  if (response.status === 401 && currentSession()) setSession(null);
  return response;
}

export interface ListPage<T> {
  data: T[];
  pagination?: { cursor?: string; hasMore: boolean };
}

/** `POST /v2/<operation>` with a JSON body; the envelope's `data` on success, an ApiError otherwise. */
export async function callOperation<T>(operation: string, body: unknown): Promise<T> {
  const envelope = await callOperationEnvelope<{ data: T }>(operation, body);
  return envelope.data;
}

/** Like callOperation, keeping the whole envelope (list calls need `pagination`). */
export async function callOperationEnvelope<T>(operation: string, body: unknown): Promise<T> {
  let response: Response;
  try {
    response = await sessionFetch(`/v2/${operation}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body ?? {}),
    });
  } catch (error) {
    throw new ApiError(0, `the API did not answer: ${String(error)}`);
  }
  if (!response.ok) throw await apiErrorFrom(response);
  return (await response.json()) as T;
}
