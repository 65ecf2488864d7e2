import { AppError, type FieldError, isAppError } from "@slipway/shared";
import type { FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { errorEnvelope, fromFastifyError } from "./error-envelope.js";

interface ZodIssueLike {
  instancePath: string;
  message: string;
  keyword: string;
  params: Record<string, unknown>;
}

function toFieldErrors(part: string, issues: ZodIssueLike[]): FieldError[] {
  return issues.flatMap((issue) => {
    const path = issue.instancePath.split("/").filter(Boolean).join(".");
    const base = path ? `${part}.${path}` : part;
    if (issue.keyword === "unrecognized_keys" && Array.isArray(issue.params.keys)) {
      return (issue.params.keys as string[]).map((key) => ({
        location: `${base}.${key}`,
        message: `unknown field '${key}'`,
        fix: `Remove '${key}': this endpoint does not accept it.`,
      }));
    }
    return [{ location: base, message: issue.message }];
  });
}

export interface ErrorHandlerOptions {
  /** Answers an unknown address itself (the dashboard's pages) when it returns true. */
  notFoundFallback?: ((request: FastifyRequest, reply: FastifyReply) => boolean) | undefined;
}

/** One error handler for the whole API: every failure leaves in the Unkey v2 envelope. */
export const errorHandlerPlugin = fp<ErrorHandlerOptions>(
  async (app, options) => {
    app.setErrorHandler((error, request, reply) => {
      let appError: AppError;
      if (isAppError(error)) {
        appError = error;
      } else if (hasZodFastifySchemaValidationErrors(error)) {
        const errors = toFieldErrors(error.validationContext ?? "body", error.validation);
        appError = new AppError(
          "bad_request",
          `The request is invalid: ${errors.map((e) => `${e.location} ${e.message}`).join("; ")}`,
          { errors },
        );
      } else {
        appError =
          fromFastifyError(error as { code?: string; statusCode?: number; message: string }) ??
          new AppError("internal", "unexpected failure", { cause: error });
      }
      if (appError.status >= 500) {
        request.log.error(
          { err: appError.cause ?? appError, requestId: request.id },
          "request failed",
        );
      } else {
        request.log.info({ code: appError.code, requestId: request.id }, appError.message);
      }
      reply
        .status(appError.status)
        .type(request.routeOptions.config?.errorContentType ?? "application/json")
        .send(errorEnvelope(request.id, appError));
    });

    app.setNotFoundHandler((request, reply) => {
      if (options.notFoundFallback?.(request, reply)) return;
      const error = new AppError(
        "not_found",
        `No endpoint ${request.method} ${request.url.split("?")[0]}. Endpoints are POST /v2/<service>.<method>; see /openapi.json.`,
      );
      reply.status(404).send(errorEnvelope(request.id, error));
    });
  },
  { name: "error-handler" },
);
