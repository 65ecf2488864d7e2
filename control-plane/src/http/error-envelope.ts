import {
  AppError,
  type ErrorCode,
  errorCodes,
  errorTypeUrl,
  type FieldError,
} from "@slipway/shared";

export interface ErrorEnvelope {
  meta: { requestId: string };
  error: {
    title: string;
    detail: string;
    status: number;
    type: string;
    errors?: FieldError[];
  };
}

/** The body of every error answer, in the shape Unkey's v2 API and its SDK expect. */
export function errorEnvelope(requestId: string, error: AppError): ErrorEnvelope {
  const definition = errorCodes[error.code];
  const isServerError = definition.status >= 500;
  return {
    meta: { requestId },
    error: {
      title: definition.title,
      // A 5xx detail never carries the cause: that is for the logs, keyed by the request id.
      detail: isServerError
        ? `Something went wrong on our side. Quote request id ${requestId} when reporting it.`
        : error.message,
      status: definition.status,
      type: errorTypeUrl(error.code),
      // The SDK's BadRequest shape requires `errors`; other shapes do not carry it.
      ...(error.code === "bad_request" ? { errors: error.errors ?? [] } : {}),
    },
  };
}

/** Translates Fastify's own error codes into the registry's. */
export function fromFastifyError(error: {
  code?: string;
  statusCode?: number;
  message: string;
}): AppError | undefined {
  const byCode: Record<string, [ErrorCode, string]> = {
    FST_ERR_CTP_BODY_TOO_LARGE: [
      "payload_too_large",
      "The request body is larger than this API accepts.",
    ],
    FST_ERR_CTP_INVALID_MEDIA_TYPE: [
      "unsupported_media_type",
      "Send the request body as JSON with the header 'Content-Type: application/json'.",
    ],
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
      "bad_request",
      "The Content-Length header does not match the body.",
    ],
    FST_ERR_CTP_EMPTY_JSON_BODY: ["bad_request", "The request body is empty; send a JSON object."],
    FST_ERR_CTP_INVALID_JSON_BODY: ["bad_request", "The request body is not valid JSON."],
  };
  const known = error.code ? byCode[error.code] : undefined;
  if (known) return new AppError(known[0], known[1]);
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return new AppError("bad_request", "The request body is not valid JSON.");
  }
  return undefined;
}
