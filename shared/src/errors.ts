/**
 * The one error registry of Slipway. Every error a service answers with is one of these codes;
 * the public envelope (Unkey v2 shape) is derived from the code, never from a thrown message.
 */
export const errorCodes = {
  bad_request: { status: 400, title: "Bad Request", retryable: false, category: "application" },
  unauthorized: {
    status: 401,
    title: "Unauthorized",
    retryable: false,
    category: "authentication",
  },
  forbidden: { status: 403, title: "Forbidden", retryable: false, category: "authorization" },
  not_found: { status: 404, title: "Not Found", retryable: false, category: "data" },
  method_not_allowed: {
    status: 405,
    title: "Method Not Allowed",
    retryable: false,
    category: "application",
  },
  conflict: { status: 409, title: "Conflict", retryable: false, category: "data" },
  precondition_failed: {
    status: 412,
    title: "Precondition Failed",
    retryable: false,
    category: "application",
  },
  payload_too_large: {
    status: 413,
    title: "Payload Too Large",
    retryable: false,
    category: "application",
  },
  unsupported_media_type: {
    status: 415,
    title: "Unsupported Media Type",
    retryable: false,
    category: "application",
  },
  too_many_requests: {
    status: 429,
    title: "Too Many Requests",
    retryable: true,
    category: "application",
  },
  internal: {
    status: 500,
    title: "Internal Server Error",
    retryable: true,
    category: "application",
  },
  service_unavailable: {
    status: 503,
    title: "Service Unavailable",
    retryable: true,
    category: "application",
  },
} as const;

export type ErrorCode = keyof typeof errorCodes;

export const errorDocsBaseUrl = "https://slipway.dev/docs/errors";

export function errorTypeUrl(code: ErrorCode): string {
  return `${errorDocsBaseUrl}/${errorCodes[code].category}/${code}`;
}

/** One field-level problem of a bad request, as Unkey's `ValidationError`. */
export interface FieldError {
  location: string;
  message: string;
  fix?: string;
}

export interface AppErrorOptions {
  cause?: unknown;
  errors?: FieldError[];
}

/**
 * A failure with a stable code. `detail` is shown to the caller for 4xx; for 5xx the caller
 * sees a generic detail and the real cause stays in the logs.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly errors: FieldError[] | undefined;

  constructor(code: ErrorCode, detail: string, options: AppErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = errorCodes[code].status;
    this.retryable = errorCodes[code].retryable;
    this.errors = options.errors;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

export const notFound = (what: string) =>
  new AppError("not_found", `${what} does not exist or you do not have access to it.`);
