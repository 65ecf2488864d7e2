import type { FastifyRequest } from "fastify";

/** The value of one cookie the browser sent, or undefined. */
export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

/**
 * Whether the browser reached this Slipway over TLS: the connection itself, or the public URL
 * the operator configured (a TLS-terminating proxy in front). The API trusts no
 * `X-Forwarded-Proto`, as it trusts no proxy header anywhere else.
 */
export function servedOverTls(request: FastifyRequest, publicUrl: string | undefined): boolean {
  return request.protocol === "https" || (publicUrl?.startsWith("https:") ?? false);
}
