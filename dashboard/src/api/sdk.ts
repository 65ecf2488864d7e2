import { UnkeyCore } from "@unkey/api/core.js";
import { HTTPClient } from "@unkey/api/lib/http.js";
import { ApiError, fieldErrorsOf } from "./api-error";
import { sessionFetch } from "./http";

/**
 * The official SDK in the browser: its core only (each page imports the functions it calls, so
 * the bundle holds just those), with no root key and a fetcher that adds the session's CSRF
 * header. The SDK's default retries are off: a dashboard shows the error and lets a person retry.
 */
export const sdk = new UnkeyCore({
  serverURL: globalThis.location?.origin ?? "http://localhost",
  httpClient: new HTTPClient({ fetcher: sessionFetch }),
  retryConfig: { strategy: "none" },
});

interface SdkResult<T> {
  ok: boolean;
  value?: T;
  error?: unknown;
}

/** Unwraps a standalone SDK function's Result, turning its error into an ApiError. */
export async function unwrap<T>(pending: Promise<SdkResult<T>>): Promise<T> {
  const result = await pending;
  if (result.ok) return result.value as T;
  throw toApiError(result.error);
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const candidate = error as {
    statusCode?: number;
    message?: string;
    data$?: { error?: { detail?: string; errors?: unknown }; meta?: { requestId?: string } };
    body?: string;
  };
  const detail = candidate.data$?.error?.detail ?? parseDetail(candidate.body) ?? candidate.message;
  return new ApiError(
    candidate.statusCode ?? 0,
    detail ?? "request failed",
    candidate.data$?.meta?.requestId ?? parseRequestId(candidate.body),
    fieldErrorsOf(candidate.data$?.error?.errors ?? parseFieldErrors(candidate.body)),
  );
}

function parseDetail(body: string | undefined): string | undefined {
  try {
    return body ? (JSON.parse(body) as { error?: { detail?: string } }).error?.detail : undefined;
  } catch {
    return undefined;
  }
}

function parseFieldErrors(body: string | undefined): unknown {
  try {
    return body ? (JSON.parse(body) as { error?: { errors?: unknown } }).error?.errors : undefined;
  } catch {
    return undefined;
  }
}

function parseRequestId(body: string | undefined): string | undefined {
  try {
    return body
      ? (JSON.parse(body) as { meta?: { requestId?: string } }).meta?.requestId
      : undefined;
  } catch {
    return undefined;
  }
}

/** The SDK's paginated calls wrap the body in `{ result }`; this returns the body. */
export async function unwrapPage<T>(pending: Promise<SdkResult<{ result: T }>>): Promise<T> {
  return (await unwrap(pending)).result;
}
