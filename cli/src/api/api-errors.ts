import { type ApiErrorDetails, apiError, CliError, exitCodes, usageError } from "../cli-error.js";

interface ErrorEnvelope {
  meta?: { requestId?: unknown };
  error?: {
    title?: unknown;
    detail?: unknown;
    status?: unknown;
    errors?: Array<{ location?: unknown; message?: unknown }>;
  };
}

const text = (value: unknown) => (typeof value === "string" && value ? value : undefined);

/**
 * Pure: the user-facing details of an API refusal, from the status and raw body of the answer
 * (the API's envelope when it is one; a proxy's HTML page or an empty body otherwise).
 */
export function apiErrorDetails(
  status: number,
  body: string,
  requestIdHeader?: string | null,
): ApiErrorDetails {
  let envelope: ErrorEnvelope = {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === "object") envelope = parsed as ErrorEnvelope;
  } catch {
    // Not the API's envelope: fall back to the status alone.
  }
  const requestId = text(envelope.meta?.requestId) ?? text(requestIdHeader);
  const title = text(envelope.error?.title);
  const problems = (envelope.error?.errors ?? [])
    .slice(0, 20)
    .map((problem) => [text(problem.location), text(problem.message)].filter(Boolean).join(": "))
    .filter(Boolean);
  return {
    status,
    detail: text(envelope.error?.detail) ?? title ?? `The API answered HTTP ${status}.`,
    ...(title ? { title } : {}),
    ...(requestId ? { requestId } : {}),
    ...(problems.length > 0 ? { problems } : {}),
  };
}

const hasResponse = (
  error: object,
): error is { statusCode: number; body: string; headers: Headers } =>
  "statusCode" in error &&
  typeof error.statusCode === "number" &&
  "body" in error &&
  typeof error.body === "string";

/**
 * Turns what a call threw into a `CliError`: the API's refusal (exit 3, with its detail and
 * request id), an unreachable API (exit 3), or the SDK refusing our own input before sending it
 * (exit 2). Anything else is rethrown as the bug it is.
 */
export function toCliError(error: unknown, url: string): CliError {
  if (error instanceof CliError) return error;
  if (!(error instanceof Error)) throw error;
  if (hasResponse(error)) {
    return apiError(
      apiErrorDetails(error.statusCode, error.body, error.headers.get("x-request-id")),
    );
  }
  if (error.name === "SDKValidationError" && "rawValue" in error) {
    return usageError(`Invalid input: ${error.message}`);
  }
  if (error.name === "ResponseValidationError") {
    return new CliError(exitCodes.api, `The API at ${url} gave an answer this CLI cannot read.`);
  }
  if (
    error.name.endsWith("ConnectionError") ||
    error.name === "RequestTimeoutError" ||
    error.name === "UnexpectedClientError"
  ) {
    return new CliError(exitCodes.api, `Cannot reach the Slipway API at ${url}: ${error.message}`);
  }
  throw error;
}
