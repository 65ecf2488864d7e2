/** One field's problem in a 400, as the API names it (`body.memoryMib`, `body.regions.0.name`). */
export interface FieldError {
  location: string;
  message: string;
  fix?: string;
}

/** An API answer in the public error envelope, or a network failure, as one error type. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly requestId?: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

interface ErrorEnvelope {
  meta?: { requestId?: string };
  error?: { title?: string; detail?: string; status?: number; errors?: FieldError[] };
}

/** Reads `{ meta, error }` from a failed response; a body that is not the envelope still yields a message. */
export async function apiErrorFrom(response: Response): Promise<ApiError> {
  let envelope: ErrorEnvelope = {};
  try {
    envelope = (await response.json()) as ErrorEnvelope;
  } catch {
    // Not JSON (a proxy's page): the status line is all we have.
  }
  const detail = envelope.error?.detail ?? envelope.error?.title ?? response.statusText;
  return new ApiError(
    response.status,
    detail || `request failed with ${response.status}`,
    envelope.meta?.requestId ?? response.headers.get("x-request-id") ?? undefined,
    fieldErrorsOf(envelope.error?.errors),
  );
}

/** A message a person can act on, with the request id for support. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    return error.requestId ? `${error.message} (request ${error.requestId})` : error.message;
  }
  if (error && typeof error === "object" && "message" in error) {
    return String((error as { message: unknown }).message);
  }
  return "Something went wrong";
}

/** The envelope's `errors`, kept only when it has the documented shape. */
export function fieldErrorsOf(errors: unknown): FieldError[] {
  if (!Array.isArray(errors)) return [];
  return errors.filter(
    (error): error is FieldError =>
      typeof error?.location === "string" && typeof error?.message === "string",
  );
}
