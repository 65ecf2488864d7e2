import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type ContentEncoding, chooseEncoding } from "./content-encoding.js";
import type { DashboardFile, DashboardFiles } from "./dashboard-files.js";

/**
 * The dashboard page's policy: scripts, styles and everything else from this origin only, no
 * inline script or style, no plugins, never framed, no `<base>` games; it talks to this API only.
 */
export const dashboardContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join("; ");

function send(request: FastifyRequest, reply: FastifyReply, file: DashboardFile, isPage: boolean) {
  const available = new Set(file.bodies.keys());
  const encoding: ContentEncoding = chooseEncoding(request.headers["accept-encoding"], available);
  const etag = encoding === "identity" ? file.etag : `${file.etag.slice(0, -1)}-${encoding}"`;
  reply
    .header("content-type", file.contentType)
    .header("cache-control", file.immutable ? "public, max-age=31536000, immutable" : "no-cache")
    .header("etag", etag)
    .header("vary", "accept-encoding")
    .header("x-content-type-options", "nosniff");
  if (encoding !== "identity") reply.header("content-encoding", encoding);
  if (isPage) {
    reply
      .header("content-security-policy", dashboardContentSecurityPolicy)
      .header("referrer-policy", "no-referrer")
      .header("x-frame-options", "DENY");
  }
  const ifNoneMatch = request.headers["if-none-match"];
  if (ifNoneMatch?.split(",").some((tag) => tag.trim() === etag)) {
    return reply.status(304).send();
  }
  return reply.status(200).send(file.bodies.get(encoding));
}

/**
 * Serves the dashboard's build at `/`: each file of it at its path, `index.html` also at `/`.
 * Returns the not-found fallback of a single-page app: a GET for a page (one that accepts HTML)
 * at an unknown address outside the API gets `index.html`, so the app's own router shows it.
 */
export function serveDashboard(app: FastifyInstance, files: DashboardFiles) {
  const index = files.get("/index.html")!;
  for (const [path, file] of files) {
    const isPage = file === index;
    const handler = (request: FastifyRequest, reply: FastifyReply) =>
      send(request, reply, file, isPage);
    app.get(path, { schema: { hide: true } }, handler);
    if (isPage) app.get("/", { schema: { hide: true } }, handler);
  }
  return function pageFallback(request: FastifyRequest, reply: FastifyReply): boolean {
    const path = request.url.split("?")[0] ?? "/";
    const wantsPage =
      (request.method === "GET" || request.method === "HEAD") &&
      !(path === "/v2" || path.startsWith("/v2/")) &&
      (request.headers.accept ?? "").includes("text/html");
    if (!wantsPage) return false;
    void send(request, reply, index, true);
    return true;
  };
}
