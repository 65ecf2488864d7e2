import { type LoggerOptions, stdSerializers } from "pino";

/**
 * The one set of log rules of the control plane's processes (API, workers, `npm start`):
 * no `Authorization` header, no query string (log-page tokens, install states and codes travel
 * there), and no query parameters of a failed database statement (they can be a whole webhook
 * payload or a secret). Request bodies are never logged.
 */
export function logOptions(level: string): LoggerOptions {
  return {
    level,
    redact: ["req.headers.authorization", "req.headers.cookie", "res.headers['set-cookie']"],
    serializers: {
      req: (request: { method?: string; url?: string; host?: string; ip?: string }) => ({
        method: request.method,
        url: pathOf(request.url),
        host: request.host,
        remoteAddress: request.ip,
      }),
      err: (error: Error) =>
        withoutStatementParameters(stdSerializers.err(error) as unknown as SerializedError),
    },
  };
}

/** Pure: a request URL without its query string. */
export const pathOf = (url: string | undefined) => url?.split("?")[0];

/** Drizzle puts a failed statement's parameters into the message (`params: …`) and `params`. */
const parameterText = /\nparams: [\s\S]*?(?=\n {4}at |$)/g;

type SerializedError = Record<string, unknown>;

/** Pure: a serialized error, and its causes, without statement parameters. */
export function withoutStatementParameters(serialized: SerializedError): SerializedError {
  const clean: SerializedError = { ...serialized };
  delete clean.params;
  if (typeof clean.message === "string") clean.message = clean.message.replace(parameterText, "");
  if (typeof clean.stack === "string") clean.stack = clean.stack.replace(parameterText, "");
  if (clean.cause && typeof clean.cause === "object") {
    clean.cause = withoutStatementParameters(clean.cause as SerializedError);
  }
  return clean;
}
